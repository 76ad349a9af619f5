"""Groups and organizations: reading follows CKAN's rules; every change
needs Catalogue-Admin or above (sysadmins pass before these run)."""
from __future__ import annotations

from typing import cast

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.catalogue.core import roles

__all__ = [
    "catalogue_group_list",
    "catalogue_group_show",
    "catalogue_group_create",
    "catalogue_group_update",
    "catalogue_group_patch",
    "catalogue_group_delete",
    "catalogue_group_purge",
]

def _admin(context: Context) -> AuthResult:
    if roles.catalogue_has_level(context.get("user"), roles.CATALOGUE_ADMIN):
        return {"success": True}
    return {"success": False, "msg": tk._("Only a Catalogue-Admin or above may change groups and organizations")}


@tk.auth_allow_anonymous_access
def catalogue_group_list(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


@tk.auth_allow_anonymous_access
def catalogue_group_show(context: Context, data_dict: DataDict) -> AuthResult:
    kind = data_dict.get("kind", "group")
    action = "organization_show" if kind == "organization" else "group_show"
    try:
        tk.check_access(action, cast(Context, dict(context)), {"id": data_dict.get("id")})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Not allowed to read this {kind}").format(kind=kind)}
    return {"success": True}


def catalogue_group_create(context: Context, data_dict: DataDict) -> AuthResult:
    return _admin(context)


def catalogue_group_update(context: Context, data_dict: DataDict) -> AuthResult:
    return _admin(context)


def catalogue_group_patch(context: Context, data_dict: DataDict) -> AuthResult:
    return _admin(context)


def catalogue_group_delete(context: Context, data_dict: DataDict) -> AuthResult:
    return _admin(context)


def catalogue_group_purge(context: Context, data_dict: DataDict) -> AuthResult:
    return _admin(context)
