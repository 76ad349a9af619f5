"""What an item costs, where its kind keeps that."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue.kinds import catalogue_kind

__all__ = [
    "catalogue_item_pricing",
]


def catalogue_pricing_of(item: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The pricing object of an item (as ``catalogue_item_show`` returns
    it), or None when its kind keeps none or the item has none."""
    kind = catalogue_kind(item.get("kind") or "")
    found: Any = item.get("doc")
    for key in (kind.pricing_path if kind else ()) or (None,):
        if key is None or not isinstance(found, dict):
            return None
        found = found.get(key)
    return found if isinstance(found, dict) and found else None


@tk.side_effect_free
def catalogue_item_pricing(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """An item's pricing: ``{"id", "kind", "pricing"}``, ``pricing`` being
    null when the item has none (readers of the item may ask).

    :param id: id, alias or name
    """
    # catalogue_item_show resolves aliases and checks catalogue_item_show's
    # auth, which catalogue_item_pricing's is.
    item = tk.get_action("catalogue_item_show")(dict(context), dict(data_dict))
    return {"id": item["id"], "kind": item["kind"], "pricing": catalogue_pricing_of(item)}
