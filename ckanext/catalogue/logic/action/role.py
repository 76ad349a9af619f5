"""Grant, revoke and read catalogue roles."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue.core import roles
from ckanext.catalogue.logic import schema
from ckanext.catalogue.logic.validation import catalogue_validated
from ckanext.catalogue.model import CatalogueRole

__all__ = [
    "catalogue_role_grant",
    "catalogue_role_revoke",
    "catalogue_role_show",
    "catalogue_role_list",
]

def _user(name_or_id: str) -> model.User:
    user = model.User.get(name_or_id)
    if user is None:
        raise tk.ObjectNotFound(tk._("User not found"))
    return user


def _summary(user: model.User) -> dict[str, Any]:
    held = roles.catalogue_user_roles(user)
    level = roles.catalogue_level(user)
    return {
        "user": user.name,
        "user_id": user.id,
        "sysadmin": bool(user.sysadmin),
        "roles": [r for r in roles.CATALOGUE_ROLES if r in held],
        "level": roles.CATALOGUE_LEVELS[level] if 0 <= level < len(roles.CATALOGUE_LEVELS) else None,
        "moderator": roles.CATALOGUE_MODERATOR in held,
    }


@catalogue_validated(schema.catalogue_role_grant_schema, first="catalogue_role_grant")
def catalogue_role_grant(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """Grant a catalogue role to a user.

    A user holds one level role (Member < Editor < Admin < Manager): granting
    a level replaces the previous one. Catalogue-Moderator is held beside it.

    :param user: name or id of the user
    :param role: one of Catalogue-Member, -Editor, -Admin, -Manager, -Moderator
    :returns: the user's roles after the grant
    """
    user = _user(data["user"])
    role = data["role"]
    granter = context.get("user")
    if role in roles.CATALOGUE_LEVELS:
        (
            model.Session.query(CatalogueRole)
            .filter(CatalogueRole.user_id == user.id)
            .filter(CatalogueRole.role.in_(roles.CATALOGUE_LEVELS))
            .filter(CatalogueRole.role != role)
            .delete(synchronize_session=False)
        )
    exists = model.Session.query(CatalogueRole).filter_by(user_id=user.id, role=role).first()
    if exists is None:
        model.Session.add(CatalogueRole(user_id=user.id, role=role, granted_by=granter))
    model.Session.commit()
    return _summary(user)


@catalogue_validated(schema.catalogue_role_grant_schema, first="catalogue_role_revoke")
def catalogue_role_revoke(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """Revoke a catalogue role from a user.

    :param user: name or id of the user
    :param role: the role to revoke
    :returns: the user's roles after the revocation
    """
    user = _user(data["user"])
    deleted = (
        model.Session.query(CatalogueRole)
        .filter_by(user_id=user.id, role=data["role"])
        .delete(synchronize_session=False)
    )
    if not deleted:
        model.Session.rollback()
        raise tk.ObjectNotFound(tk._("User {user} does not hold {role}").format(user=user.name, role=data["role"]))
    model.Session.commit()
    return _summary(user)


@tk.side_effect_free
@catalogue_validated(schema.catalogue_role_show_schema, first="catalogue_role_show")
def catalogue_role_show(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """The catalogue roles of one user.

    :param user: name or id of the user
    """
    return _summary(_user(data["user"]))


@tk.side_effect_free
@catalogue_validated(schema.catalogue_role_list_schema, first="catalogue_role_list")
def catalogue_role_list(context: Context, data: DataDict) -> list[dict[str, Any]]:
    """Every role grant, oldest first.

    :param role: only grants of this role (optional)
    :param limit: page size (default 100)
    :param offset: grants to skip (default 0)
    """
    query = (
        model.Session.query(CatalogueRole, model.User.name)
        .join(model.User, model.User.id == CatalogueRole.user_id)
        .order_by(CatalogueRole.created, CatalogueRole.id)
    )
    if data.get("role"):
        query = query.filter(CatalogueRole.role == data["role"])
    rows = query.offset(data["offset"]).limit(data["limit"])
    return [grant.dictize(user_name) for grant, user_name in rows]
