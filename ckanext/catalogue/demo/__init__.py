"""The demo catalogue of ``make run`` (``ckan catalogue demo``): every
dialect filled from the data files in ``data/`` through the actions and the
software loaders, without network access, and users for each role.
``load.py`` holds the loading, ``users.py`` the people."""
from __future__ import annotations

from ckanext.catalogue.demo.load import catalogue_demo_people, catalogue_demo_steps, catalogue_load_demo
from ckanext.catalogue.demo.users import catalogue_ensure_sysadmin, catalogue_ensure_users, catalogue_new_api_token

__all__ = ["catalogue_demo_people", "catalogue_demo_steps", "catalogue_ensure_sysadmin", "catalogue_ensure_users",
           "catalogue_load_demo", "catalogue_new_api_token"]
