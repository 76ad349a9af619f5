"""Who may use the software catalogs: any signed-in user reads (anonymous
too with ``ckanext.catalogue.software.anonymous_read``); Catalogue-Managers
and sysadmins write, discover, import and update."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.catalogue.config import catalogue_software_anonymous_read
from ckanext.catalogue.core import roles

__all__ = ["catalogue_software_read", "catalogue_software_manage"]


@tk.auth_allow_anonymous_access
def catalogue_software_read(context: Context, data_dict: DataDict) -> AuthResult:
    if context.get("user") or catalogue_software_anonymous_read():
        return {"success": True}
    return {"success": False, "msg": tk._("Authentication credentials were not provided.")}


def catalogue_software_manage(context: Context, data_dict: DataDict) -> AuthResult:
    if roles.catalogue_has_level(context.get("user"), roles.CATALOGUE_MANAGER):
        return {"success": True}
    return {"success": False, "msg": tk._("You do not have permission to perform this action.")}
