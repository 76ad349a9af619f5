"""Who may manage catalogue roles: Catalogue-Managers and sysadmins
(CKAN lets sysadmins through every auth function before it is called)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthResult, Context, DataDict

from ckanext.catalogue.core import roles

__all__ = [
    "catalogue_role_grant",
    "catalogue_role_revoke",
    "catalogue_role_list",
    "catalogue_role_show",
]

def _manager(context: Context) -> AuthResult:
    if roles.catalogue_has_level(context.get("user"), roles.CATALOGUE_MANAGER):
        return {"success": True}
    return {"success": False, "msg": tk._("Only a Catalogue-Manager or a sysadmin may manage catalogue roles")}


def catalogue_role_grant(context: Context, data_dict: DataDict) -> AuthResult:
    return _manager(context)


def catalogue_role_revoke(context: Context, data_dict: DataDict) -> AuthResult:
    return _manager(context)


def catalogue_role_list(context: Context, data_dict: DataDict) -> AuthResult:
    return _manager(context)


def catalogue_role_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Managers see anyone's roles; every user sees their own."""
    me = model.User.get(context.get("user") or "")
    ref = data_dict.get("user")
    target = model.User.get(ref) if isinstance(ref, str) and ref else None
    if me is not None and target is not None and me.id == target.id:
        return {"success": True}
    return _manager(context)
