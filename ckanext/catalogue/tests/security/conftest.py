"""Fixtures of the attack tests: an organization with an admin who holds a
token, and Global Catalog entries made through the core."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

import ckan.plugins.toolkit as tk
from ckan.lib import jobs
from ckan.tests import factories

from ckanext.catalogue.tests.helpers import PASSWORD, catalogue_plugins_loaded, catalogue_reset_db
from ckanext.catalogue.tests.security.authz import People, make_people


@pytest.fixture
def org_admin(clean_db, clean_index) -> dict:
    """An organization admin (with ``token``) and the organization (``org``)."""
    user = factories.UserWithToken(password=PASSWORD)
    org = factories.Organization(users=[{"name": user["name"], "capacity": "admin"}])
    return {**user, "org": org}


@pytest.fixture(scope="module")
def people(reset_db, migrate_db_for, reset_index) -> Iterator[People]:
    """An empty database and index, and the people, once per module: every
    row makes its own objects (named after the row and role), so the rows
    of a module share them."""
    with catalogue_plugins_loaded():
        catalogue_reset_db(reset_db, migrate_db_for)
        reset_index()
        made = make_people()
    yield made
    # Imports and updates the software rows queued (no worker listens there).
    jobs.get_queue(tk.config["ckanext.catalogue.software.queue"]).empty()
