"""Who may read and write catalogue items. Reading follows CKAN's dataset
rules (so private items stay in their organization); writing follows the
kind's write rule. Write checks run for sysadmins too, so that a scoped
token stays inside its subtree whoever holds it."""
from __future__ import annotations

from typing import Any, cast

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.lib.plugins import get_permission_labels
from ckan.types import AuthResult, Context, DataDict

from ckanext.catalogue.core import moderation, roles, visibility
from ckanext.catalogue.core.document import CATALOGUE_DATASET_TYPE
from ckanext.catalogue.core.kinds import (
    WRITE_ADMIN,
    WRITE_EDITOR,
    WRITE_MANAGER,
    WRITE_ORGANIZATION,
    catalogue_kind,
)
from ckanext.catalogue.core.scoped_tokens import catalogue_request_scope
from ckanext.catalogue.interfaces import ICatalogueReaders

__all__ = [
    "catalogue_item_create",
    "catalogue_item_validate",
    "catalogue_item_show",
    "catalogue_item_pricing",
    "catalogue_item_etag",
    "catalogue_item_update",
    "catalogue_item_patch",
    "catalogue_item_delete",
    "catalogue_item_purge",
    "catalogue_item_search",
    "catalogue_item_parent_options",
    "catalogue_item_bulk_create",
    "catalogue_token_create",
    "catalogue_item_moderate",
    "catalogue_item_purge_expired",
    "catalogue_item_bulk_remove",
    "catalogue_item_visibility_update",
    "package_show",
]


def _refuse(msg: str) -> AuthResult:
    return {"success": False, "msg": msg}


def _may_write(context: Context, data_dict: DataDict) -> AuthResult:  # noqa: PLR0911 - one answer per rule of the write
    user = context.get("user")
    kind = catalogue_kind(data_dict.get("kind") or "")
    if kind is None:
        return _refuse(tk._("Unknown item kind"))
    scope = catalogue_request_scope()
    if scope is not None:
        inside: list[Any] = [*data_dict.get("ancestors", []), data_dict.get("id")]
        if scope not in inside:
            return _refuse(tk._("This token only allows changes inside item {id}").format(id=scope))
    if authz.is_sysadmin(user):
        return {"success": True}
    if kind.write == WRITE_MANAGER:
        if roles.catalogue_has_level(user, roles.CATALOGUE_MANAGER):
            return {"success": True}
        return _refuse(tk._("Only a Catalogue-Manager may change items of kind {kind}").format(kind=kind.name))
    if roles.catalogue_has_level(user, roles.CATALOGUE_ADMIN):
        return {"success": True}
    if kind.write == WRITE_ADMIN:
        return _refuse(tk._("Only a Catalogue-Admin or above may change items of kind {kind}").format(kind=kind.name))
    if kind.write == WRITE_ORGANIZATION:
        org = data_dict.get("owner_org")
        if org and user and authz.users_role_for_group_or_org(org, user) in ("editor", "admin"):
            return {"success": True}
        return _refuse(tk._("Only editors and admins of the item's organization may change it"))
    if kind.write == WRITE_EDITOR and roles.catalogue_has_level(user, roles.CATALOGUE_EDITOR):
        named = data_dict.get("organization")  # a create that names the organization
        if named and not authz.has_user_permission_for_group_or_org(named, user, "create_dataset"):
            return _refuse(tk._("A Catalogue-Editor may only place items in an organization "
                                "where they may create datasets"))
        creator = data_dict.get("creator_user_id")
        account = model.User.get(user) if user else None
        if creator is None or (account is not None and creator == account.id):
            return {"success": True}
        return _refuse(tk._("A Catalogue-Editor may only change the items they created"))
    return _refuse(tk._("Not allowed to change this item"))


@tk.auth_sysadmins_check
def catalogue_item_create(context: Context, data_dict: DataDict) -> AuthResult:
    """The kind's write rule; an item created other than its kind's default
    visibility (``private``) also needs the right to change visibility."""
    found = _may_write(context, data_dict)
    kind = catalogue_kind(data_dict.get("kind") or "")
    private = data_dict.get("private")
    if found["success"] and kind is not None and private is not None and bool(private) != kind.private_by_default:
        return _may_set_visibility(context, data_dict)
    return found


@tk.auth_sysadmins_check
def catalogue_item_validate(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may ask: the action checks ``catalogue_item_create`` itself,
    where the item would go, as the create does."""
    return {"success": True}


@tk.auth_sysadmins_check
def catalogue_item_update(context: Context, data_dict: DataDict) -> AuthResult:
    return _may_write(context, data_dict)


@tk.auth_sysadmins_check
def catalogue_item_patch(context: Context, data_dict: DataDict) -> AuthResult:
    return _may_write(context, data_dict)


@tk.auth_sysadmins_check
def catalogue_item_delete(context: Context, data_dict: DataDict) -> AuthResult:
    return _may_write(context, data_dict)


@tk.auth_sysadmins_check
def catalogue_item_visibility_update(context: Context, data_dict: DataDict) -> AuthResult:
    """Admins of the item's organization and Catalogue-Admins (and sysadmins)."""
    found = _may_write(context, data_dict)
    if not found["success"]:
        return found
    return _may_set_visibility(context, data_dict)


def _may_set_visibility(context: Context, data_dict: DataDict) -> AuthResult:
    user = context.get("user")
    org = data_dict.get("owner_org")
    if authz.is_sysadmin(user) or roles.catalogue_has_level(user, roles.CATALOGUE_ADMIN) or (
            org and user and authz.users_role_for_group_or_org(org, user) == "admin"):
        return {"success": True}
    return _refuse(tk._("Only admins of the item's organization change who may see it"))


@tk.auth_sysadmins_check
def catalogue_item_bulk_remove(context: Context, data_dict: DataDict) -> AuthResult:
    # Signed-in users; the job removes only what the user may remove, item
    # by item. Never through a token scoped to one subtree.
    if catalogue_request_scope() is not None:
        return _refuse(tk._("A scoped token only allows changes inside its item"))
    if not context.get("user"):
        return _refuse(tk._("Sign in to remove items"))
    return {"success": True}


@tk.auth_sysadmins_check
def catalogue_item_purge_expired(context: Context, data_dict: DataDict) -> AuthResult:
    # Sysadmins only, and never through a token scoped to one subtree.
    if catalogue_request_scope() is not None:
        return _refuse(tk._("A scoped token only allows changes inside its item"))
    if authz.is_sysadmin(context.get("user")):
        return {"success": True}
    return _refuse(tk._("Only sysadmins purge expired items"))


@tk.auth_sysadmins_check
def catalogue_item_purge(context: Context, data_dict: DataDict) -> AuthResult:
    if data_dict.get("cascade") and not roles.catalogue_has_level(context.get("user"), roles.CATALOGUE_ADMIN):
        return _refuse(tk._("Only a Catalogue-Admin or above may purge a whole subtree"))
    return _may_write(context, data_dict)


@tk.auth_allow_anonymous_access
def catalogue_item_show(context: Context, data_dict: DataDict) -> AuthResult:
    # package_show's auth (chained by this plugin) covers private and
    # unmoderated items alike.
    try:
        tk.check_access("package_show", cast(Context, dict(context)), {"id": data_dict.get("id")})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return _refuse(tk._("Not allowed to read this item"))
    return {"success": True}


@tk.auth_allow_anonymous_access
def catalogue_item_etag(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever reads the item reads its version."""
    return catalogue_item_show(context, data_dict)


def catalogue_item_pricing(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever reads the item reads its pricing."""
    return catalogue_item_show(context, data_dict)


def catalogue_item_moderate(context: Context, data_dict: DataDict) -> AuthResult:
    if roles.catalogue_is_moderator(context.get("user")):
        return {"success": True}
    # The author answers the moderators with a message, changing nothing.
    user = model.User.get(context.get("user") or "") if context.get("user") else None
    if data_dict.get("decision") == "message" and user is not None and data_dict.get("creator_user_id") == user.id:
        return {"success": True}
    return _refuse(tk._("Only a Catalogue-Moderator may approve or reject items"))


@tk.auth_allow_anonymous_access
def catalogue_item_search(context: Context, data_dict: DataDict) -> AuthResult:
    # Search shows each caller what CKAN's permission labels let them see.
    return {"success": True}


@tk.auth_allow_anonymous_access
def catalogue_item_parent_options(context: Context, data_dict: DataDict) -> AuthResult:
    # The action narrows the list to the caller's rights (none: empty).
    return {"success": True}




@tk.auth_sysadmins_check
def catalogue_token_create(context: Context, data_dict: DataDict) -> AuthResult:
    # A token can never allow more than its holder may do.
    if not context.get("user"):
        return _refuse(tk._("Log in to create a token"))
    return _may_write(context, data_dict)


def catalogue_item_bulk_create(context: Context, data_dict: DataDict) -> AuthResult:
    # Each record is then checked like a single create.
    if not context.get("user"):
        return _refuse(tk._("Log in to import items"))
    return {"success": True}


# CKAN types every chained auth function's data_dict Optional; package_show
# always has one (CKAN's own package_show auth requires it too).
@tk.chained_auth_function  # pyright: ignore[reportArgumentType]
@tk.auth_allow_anonymous_access
def package_show(next_auth: Any, context: Context, data_dict: DataDict) -> AuthResult:
    """CKAN's rule (permission labels, which carry the items' includes and
    moderation), then what the labels cannot say: items waiting for
    moderation, software catalogs, and the items' excludes, through every
    API and in every state."""
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return result
    ref = data_dict.get("id")
    pkg = context.get("package") or (model.Package.get(ref) if isinstance(ref, str) and ref else None)
    if pkg is None:
        return result
    user_name = context.get("user")
    if not moderation.catalogue_may_see(pkg, user_name):
        return _refuse(tk._("This item is waiting for moderation"))
    for plugin in p.PluginImplementations(ICatalogueReaders):
        refusal = plugin.catalogue_read_refusal(pkg, user_name)
        if refusal:
            return _refuse(refusal)
    if pkg.type == CATALOGUE_DATASET_TYPE and not authz.is_sysadmin(user_name):
        user = model.User.get(user_name) if user_name else None
        if visibility.catalogue_is_excluded(pkg, get_permission_labels().get_user_dataset_labels(user)):
            return _refuse(tk._("Not allowed to read this item"))
    return result
