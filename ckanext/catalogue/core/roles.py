"""The catalogue role hierarchy and the lookups auth functions use."""
from __future__ import annotations

from ckan import authz, model

from ckanext.catalogue.model import CatalogueRole

CATALOGUE_MEMBER = "Catalogue-Member"
CATALOGUE_EDITOR = "Catalogue-Editor"
CATALOGUE_ADMIN = "Catalogue-Admin"
CATALOGUE_MANAGER = "Catalogue-Manager"
CATALOGUE_MODERATOR = "Catalogue-Moderator"

# Ordered: each level includes the ones before it.
CATALOGUE_LEVELS = (CATALOGUE_MEMBER, CATALOGUE_EDITOR, CATALOGUE_ADMIN, CATALOGUE_MANAGER)
CATALOGUE_ROLES = CATALOGUE_LEVELS + (CATALOGUE_MODERATOR,)
_SYSADMIN_LEVEL = len(CATALOGUE_LEVELS)


def catalogue_user_roles(user: model.User | None) -> set[str]:
    if user is None:
        return set()
    rows = model.Session.query(CatalogueRole.role).filter(CatalogueRole.user_id == user.id)
    return {role for (role,) in rows}


def catalogue_level(user: model.User | None) -> int:
    """Index of the user's highest level role; -1 for none, above all for sysadmins."""
    if user is None:
        return -1
    if user.sysadmin:
        return _SYSADMIN_LEVEL
    held = catalogue_user_roles(user)
    return max((CATALOGUE_LEVELS.index(r) for r in held if r in CATALOGUE_LEVELS), default=-1)


def catalogue_has_level(user_name: str | None, role: str) -> bool:
    user = model.User.get(user_name) if user_name else None
    return catalogue_level(user) >= CATALOGUE_LEVELS.index(role)


def catalogue_is_moderator(user_name: str | None) -> bool:
    user = model.User.get(user_name) if user_name else None
    if user is None:
        return False
    return bool(user.sysadmin) or CATALOGUE_MODERATOR in catalogue_user_roles(user)


def catalogue_is_sysadmin(user_name: str | None) -> bool:
    return authz.is_sysadmin(user_name)


def catalogue_member_organizations(user_name: str | None) -> list[str] | None:
    """Ids of the active organizations the user belongs to, in any
    capacity; None for Catalogue-Admins and above (sysadmins included), who
    change every item and so count as members of every organization."""
    user = model.User.get(user_name) if user_name else None
    if user is None:
        return []
    if catalogue_level(user) >= CATALOGUE_LEVELS.index(CATALOGUE_ADMIN):
        return None
    rows = (model.Session.query(model.Member.group_id)
            .join(model.Group, model.Group.id == model.Member.group_id)
            .filter(model.Member.table_name == "user", model.Member.table_id == user.id,
                    model.Member.state == "active", model.Group.is_organization.is_(True),
                    model.Group.state == "active"))
    return sorted({group_id for (group_id,) in rows})
