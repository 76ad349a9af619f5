"""What an item costs, where its kind keeps that."""
from __future__ import annotations

from typing import cast

import ckan.plugins.toolkit as tk
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue.core.document import catalogue_pricing_of
from ckanext.catalogue.logic import schema
from ckanext.catalogue.logic.validation import catalogue_validated

__all__ = [
    "catalogue_item_pricing",
]


@tk.side_effect_free
@catalogue_validated(schema.catalogue_item_id_schema)
def catalogue_item_pricing(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """An item's pricing: ``{"id", "kind", "pricing"}``, ``pricing`` being
    null when the item has none (readers of the item may ask).

    :param id: id, alias or name
    """
    # catalogue_item_show resolves aliases and checks catalogue_item_show's
    # auth, which catalogue_item_pricing's is.
    item = tk.get_action("catalogue_item_show")(cast(Context, dict(context)), dict(data_dict))
    return {"id": item["id"], "kind": item["kind"], "pricing": catalogue_pricing_of(item)}
