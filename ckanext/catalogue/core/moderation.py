"""Moderation of catalogue items (``ckanext.catalogue.moderation``).

Items of moderated kinds created or changed by users below Catalogue-Admin
wait in ``pending`` until a Catalogue-Moderator approves or rejects them.
Waiting and rejected items are visible to their author, moderators,
Catalogue-Admins and Managers only: in search through permission labels, on
direct reads through the chained ``package_show`` auth.
"""
from __future__ import annotations

from typing import Any

from ckan import model

from ckanext.catalogue import config
from ckanext.catalogue.core import roles
from ckanext.catalogue.core.document import EXTRA_MODERATION, EXTRA_MODERATION_MESSAGE

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
STATES = (PENDING, APPROVED, REJECTED)
EXTRA_STATE = EXTRA_MODERATION
EXTRA_MESSAGE = EXTRA_MODERATION_MESSAGE
# The permission label of everyone who may see items awaiting moderation.
MODERATORS_LABEL = "catalogue-moderation"


catalogue_moderation_enabled = config.catalogue_moderation_enabled


def catalogue_sees_unmoderated(user_name: str | None) -> bool:
    """Moderators, Catalogue-Admins and above (sysadmins included)."""
    return roles.catalogue_is_moderator(user_name) or roles.catalogue_has_level(user_name, roles.CATALOGUE_ADMIN)


def catalogue_initial_state(user_name: str | None) -> str:
    """State of an item a user creates or changes: approved at once for
    those who may see unmoderated items, pending for everybody else."""
    if not catalogue_moderation_enabled() or catalogue_sees_unmoderated(user_name):
        return APPROVED
    return PENDING


def catalogue_is_hidden(pkg: model.Package) -> bool:
    return (pkg.extras or {}).get(EXTRA_STATE) in (PENDING, REJECTED)


def catalogue_may_see(pkg: model.Package, user_name: str | None) -> bool:
    if not catalogue_is_hidden(pkg):
        return True
    user = model.User.get(user_name) if user_name else None
    if user is None:
        return False
    return user.id == pkg.creator_user_id or catalogue_sees_unmoderated(user_name)


def catalogue_dataset_labels(pkg: model.Package, default: list[str]) -> list[str]:
    if not catalogue_is_hidden(pkg):
        return default
    labels = [MODERATORS_LABEL]
    if pkg.creator_user_id:
        labels.append(f"creator-{pkg.creator_user_id}")
    return labels


def catalogue_user_labels(user: Any, default: list[str]) -> list[str]:
    name = getattr(user, "name", None)
    if name and catalogue_sees_unmoderated(name):
        return [*default, MODERATORS_LABEL]
    return default
