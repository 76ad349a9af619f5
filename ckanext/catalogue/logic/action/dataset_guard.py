"""CKAN's own dataset actions on catalogue items: refused unless the
catalogue core makes the call, so an item's document, ancestors, moderation
and children rules cannot be bypassed through package_update and friends."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.catalogue.core.document import CATALOGUE_DATASET_TYPE
from ckanext.catalogue.core.store import CATALOGUE_CORE_CALL

__all__ = ["package_create", "package_update", "package_delete", "dataset_purge"]


def _stored_type(data_dict: DataDict) -> str | None:
    ref = data_dict.get("id") or data_dict.get("name")
    pkg = model.Package.get(ref) if isinstance(ref, str) and ref else None
    return pkg.type if pkg is not None else None


def _refuse_items(context: Context, *types: str | None) -> None:
    if CATALOGUE_DATASET_TYPE in types and not context.get(CATALOGUE_CORE_CALL):
        raise tk.NotAuthorized(tk._(
            "Catalogue items are changed only through the catalogue_item_* actions or a catalogue API, "
            "which keep their hierarchy and rules"))


@tk.chained_action
def package_create(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    _refuse_items(context, data_dict.get("type"))
    return next_action(context, data_dict)


@tk.chained_action
def package_update(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    # package_patch and the resource actions come through here too.
    _refuse_items(context, data_dict.get("type"), _stored_type(data_dict))
    return next_action(context, data_dict)


@tk.chained_action
def package_delete(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    _refuse_items(context, _stored_type(data_dict))
    return next_action(context, data_dict)


@tk.chained_action
def dataset_purge(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    _refuse_items(context, _stored_type(data_dict))
    return next_action(context, data_dict)
