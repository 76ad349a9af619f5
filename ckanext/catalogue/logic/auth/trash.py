"""The trash: Catalogue-Editors list their own deleted items, Catalogue-Admins
and above see and empty all of it."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.catalogue.core import roles

__all__ = [
    "catalogue_trash_list",
    "catalogue_trash_empty",
]


def catalogue_trash_list(context: Context, data_dict: DataDict) -> AuthResult:
    if roles.catalogue_has_level(context.get("user"), roles.CATALOGUE_EDITOR):
        return {"success": True}
    return {"success": False, "msg": tk._("Only a Catalogue-Editor or above may see the trash")}


def catalogue_trash_empty(context: Context, data_dict: DataDict) -> AuthResult:
    if roles.catalogue_has_level(context.get("user"), roles.CATALOGUE_ADMIN):
        return {"success": True}
    return {"success": False, "msg": tk._("Only a Catalogue-Admin or above may empty the trash")}
