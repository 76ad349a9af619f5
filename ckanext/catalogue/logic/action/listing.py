"""CKAN's package_list without the items that wait for moderation or were
rejected (the list is public, those items are not; filtered in SQL), nor
those the caller may not see for another reason (a restricted parent, an
exclude; asked of Solr, so a page may come out shorter than ``limit``)."""
from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.catalogue.core import moderation
from ckanext.catalogue.logic.action.read_paths import catalogue_keep_visible

__all__ = ["package_list"]


@tk.side_effect_free
@tk.chained_action
def package_list(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    tk.check_access("package_list", context, data_dict)
    table = model.package_table
    column = table.c["id"] if context.get("api_version", 1) == 2 else table.c["name"]
    state = sa.func.coalesce(table.c["extras"][moderation.EXTRA_STATE].astext, "")
    query = sa.select(column).where(
        table.c["state"] == "active", table.c["private"].is_(False),
        state.notin_([moderation.PENDING, moderation.REJECTED]),
    ).order_by(column)
    limit, offset = data_dict.get("limit"), data_dict.get("offset")
    if limit:
        query = query.limit(int(limit))
    if offset:
        query = query.offset(int(offset))
    return catalogue_keep_visible(context, cast("list[Any]", model.Session.scalars(query).all()), lambda ref: ref, column.name)
