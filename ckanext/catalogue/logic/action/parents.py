"""Where the caller may place a new item of a kind (the create and edit
forms offer these parents only)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue.core import query, roles
from ckanext.catalogue.core.kinds import (
    WRITE_ADMIN,
    WRITE_EDITOR,
    WRITE_MANAGER,
    WRITE_ORGANIZATION,
    catalogue_kind,
)
from ckanext.catalogue.core.store import catalogue_search_filters, catalogue_search_items
from ckanext.catalogue.logic import schema
from ckanext.catalogue.logic.validation import catalogue_validated

__all__ = [
    "catalogue_item_parent_options",
]

# The catalogue role that writes a kind's items anywhere.
_WRITES_ANYWHERE = {WRITE_MANAGER: roles.CATALOGUE_MANAGER, WRITE_ADMIN: roles.CATALOGUE_ADMIN,
                    WRITE_ORGANIZATION: roles.CATALOGUE_ADMIN, WRITE_EDITOR: roles.CATALOGUE_EDITOR}


@tk.side_effect_free
@catalogue_validated(schema.catalogue_item_parent_options_schema)
def catalogue_item_parent_options(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """The items under which the caller may create an item of ``kind``:
    visible, of a kind the new one may sit under, and (for kinds written by
    an organization's editors) in an organization where the caller may
    create datasets; one Solr query, ``{"count", "results"}``.

    :param kind: the new item's kind
    :param q: text, to narrow the list
    :param limit: default 100
    :param offset: default 0
    """
    tk.check_access("catalogue_item_parent_options", context, data)
    kind = catalogue_kind(data["kind"])
    if kind is None:
        raise tk.ValidationError({"kind": [tk._("Unknown item kind")]})
    nothing: dict[str, Any] = {"count": 0, "results": []}
    user = context.get("user")
    if not kind.parents or not user:
        return nothing
    fq = catalogue_search_filters({"kind": list(kind.parents)})
    if not authz.is_sysadmin(user) and not roles.catalogue_has_level(user, _WRITES_ANYWHERE[kind.write]):
        if kind.write != WRITE_ORGANIZATION:
            return nothing
        orgs = tk.get_action("organization_list_for_user")(
            {"user": user}, {"permission": "create_dataset", "include_dataset_count": False})
        if not orgs:
            return nothing
        fq.append(query.catalogue_any_of("owner_org", [org["id"] for org in orgs]))
    return catalogue_search_items(context, fq, data.get("q", ""), data["limit"], data["offset"], "title_string asc")
