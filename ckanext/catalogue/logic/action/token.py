"""Scoped API tokens for writes inside one item's subtree."""
from __future__ import annotations

import time
from typing import cast

import ckan.plugins.toolkit as tk
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue.config import catalogue_scoped_token_lifetime, catalogue_scoped_token_max_lifetime
from ckanext.catalogue.core import rules
from ckanext.catalogue.core.errors import CatalogueInvalid
from ckanext.catalogue.core.scoped_tokens import EXPIRES_FIELD, SCOPE_CLAIM
from ckanext.catalogue.logic import schema
from ckanext.catalogue.logic.validation import catalogue_validated

__all__ = ["catalogue_token_create"]


@catalogue_validated(schema.catalogue_token_create_schema)
def catalogue_token_create(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """A CKAN API token of the caller valid only for creating, changing and
    deleting items inside ``item_id``'s subtree (the item included), until
    ``expires_in`` seconds from now.

    :param item_id: id or alias of the item
    :param role: the role the token is for (``provider``, ``delegate``...; recorded in its name)
    :param expires_in: seconds (default ``ckanext.catalogue.scoped_token_lifetime``)
    :returns: ``{"token": ..., "item_id": ..., "expires_at": unix time}``
    """
    item = tk.get_action("catalogue_item_show")(cast(Context, dict(context)), {"id": data["item_id"]})
    tk.check_access("catalogue_token_create", context, {
        "kind": item["kind"], "id": item["id"], "owner_org": item["owner_org"],
        "ancestors": item["ancestors"], "creator_user_id": item["creator_user_id"],
    })
    row = rules.catalogue_resolve(item["id"])
    if row is None:  # shown a moment ago: purged since
        raise tk.ObjectNotFound(tk._("Item {id} not found").format(id=data["item_id"]))
    longest = catalogue_scoped_token_max_lifetime()
    if int(data.get("expires_in") or 0) > longest:
        raise CatalogueInvalid({"expires_in": [tk._("At most {n} seconds (ckanext.catalogue.scoped_token_max_lifetime)"
                                                    ).format(n=longest)]})
    lifetime = min(int(data.get("expires_in") or catalogue_scoped_token_lifetime()), longest)
    expires_at = int(time.time()) + int(lifetime)
    created = tk.get_action("api_token_create")(
        {"user": context.get("user", ""), "ignore_auth": True},
        {"user": context.get("user", ""), "name": f"catalogue {data['role']} {row.id}"[:200],
         SCOPE_CLAIM: row.id, EXPIRES_FIELD: expires_at},
    )
    return {"token": created["token"], "item_id": row.id, "role": data["role"], "expires_at": expires_at}
