"""Template helpers of the catalogue pages; each reads through the core
actions as the current user, so pages show what the APIs would."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.catalogue.config import catalogue_map_attribution, catalogue_map_tiles_url
from ckanext.catalogue.core.document import catalogue_pricing_of
from ckanext.catalogue.core.kinds import catalogue_kind, catalogue_kinds_by_dialect
from ckanext.catalogue.core.moderation import catalogue_moderation_enabled
from ckanext.catalogue.logic.action.item import catalogue_item_auth_dict
from ckanext.catalogue.portal.document_view import DocumentView, catalogue_document_view

CHILDREN_PAGE_SIZE = 20


def catalogue_portal_context() -> Context:
    """Context of a core call made by a portal page for the logged-in user."""
    user = tk.current_user
    return {"user": user.name if user.is_authenticated else ""}  # type: ignore[attr-defined]


def catalogue_item(item_id: str) -> dict[str, Any] | None:
    try:
        return tk.get_action("catalogue_item_show")(catalogue_portal_context(), {"id": item_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def catalogue_item_ancestors(item_id: str) -> list[dict[str, Any]]:
    """The ancestors the user may see, root first (for the breadcrumb)."""
    try:
        return tk.get_action("catalogue_item_ancestors")(catalogue_portal_context(), {"id": item_id})["results"]
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return []


def catalogue_page_count(count: int, size: int) -> int:
    """How many pages of ``size`` hold ``count`` rows (at least one)."""
    return max((count + size - 1) // size, 1)


def catalogue_item_children(item_id: str, page: int = 1) -> dict[str, Any]:
    """One page of children: ``{"results", "count", "page", "pages",
    "grandchildren": {child id: n}}`` (the counts in one Solr facet query,
    for the tree's expand buttons)."""
    try:
        page = max(int(page or 1), 1)
    except ValueError:
        page = 1
    context = catalogue_portal_context()
    try:
        found = tk.get_action("catalogue_item_children")(cast(Context, dict(context)), {
            "id": item_id, "limit": CHILDREN_PAGE_SIZE, "offset": (page - 1) * CHILDREN_PAGE_SIZE})
    except tk.ValidationError:  # a page beyond what can be read: the first
        page = 1
        found = tk.get_action("catalogue_item_children")(cast(Context, dict(context)), {"id": item_id, "limit": CHILDREN_PAGE_SIZE})
    pages = catalogue_page_count(found["count"], CHILDREN_PAGE_SIZE)
    counts: dict[str, int] = {}
    if found["results"]:
        ids = [child["id"] for child in found["results"]]
        # The children's own children sit one level below them.
        depth = len(found["results"][0]["ancestors"]) + 1
        counts = tk.get_action("catalogue_item_facets")(cast(Context, dict(context)), {
            "field": "parent", "ancestor": ids, "depth_at_most": depth, "limit": len(ids)})["counts"]
    return {**found, "page": page, "pages": pages, "grandchildren": counts}


def catalogue_kind_label(kind_name: str) -> str:
    kind = catalogue_kind(kind_name or "")
    return tk._(kind.label) if kind else kind_name


def _may(action: str, data_dict: dict[str, Any]) -> bool:
    try:
        tk.check_access(action, catalogue_portal_context(), data_dict)
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    except ValueError:  # no such auth function: its feature's plugin is off
        return False
    return True


def catalogue_item_permissions(item: dict[str, Any]) -> dict[str, bool]:
    """Which of an item's buttons to offer the user (each action checks again)."""
    kind = catalogue_kind(item.get("kind") or "")
    if kind is None:
        return {}
    auth = catalogue_item_auth_dict(kind, item)
    return {
        "update": _may("catalogue_item_update", auth),
        "archive": _may("catalogue_item_delete", {**auth, "cascade": False}),
        "purge": _may("catalogue_item_purge", {**auth, "cascade": False}),
        "visibility": _may("catalogue_item_visibility_update", auth),
    }


def catalogue_item_visibility(item_id: str) -> dict[str, Any] | None:
    """The item's visibility as its editors see it, or None for others."""
    try:
        return tk.get_action("catalogue_item_visibility_show")(catalogue_portal_context(), {"id": item_id})
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return None


def catalogue_may(action: str) -> bool:
    """Whether the user passes an action's auth without item details (menus)."""
    return _may(action, {})


def catalogue_facet_label_function(facet: str) -> Callable[[dict[str, Any]], str] | None:
    """How a facet's values read in the catalogue's search (None: as stored)."""
    if facet == "catalogue_kind":
        return lambda item: catalogue_kind_label(item["name"])
    if facet == "capacity":
        return lambda item: tk._("Public") if item["name"] == "public" else tk._("Restricted")
    if facet == "catalogue_moderation":
        return lambda item: catalogue_moderation_label(item["name"])
    return None


def catalogue_moderation_label(state: str) -> str:
    """A moderation state as people read it."""
    labels = {"pending": tk._("Waiting for moderation"), "approved": tk._("Approved"), "rejected": tk._("Rejected")}
    return labels.get(state, state)


def catalogue_restrictions_label(value: str) -> str:
    """Who an item's restrictions let in, as people read it."""
    labels = {"public": tk._("Public: everyone"), "private": tk._("Private: its organization and those included"),
              "organizations": tk._("Members of any organization")}
    return labels.get(value, value)


def catalogue_item_has_pricing(item: dict[str, Any]) -> bool:
    """Whether the item (as catalogue_item_show gives it) has a pricing tab."""
    return catalogue_pricing_of(item) is not None


def catalogue_item_document(item: dict[str, Any]) -> DocumentView:
    """The item's document as the page shows it (rows, links, places)."""
    return catalogue_document_view(item, catalogue_portal_context())


def catalogue_kinds_grouped() -> list[dict[str, Any]]:
    """The kinds by the dialect that declares them, for the New item page:
    ``[{"title", "summary", "kinds": [kind]}]``."""
    return [{"name": dialect.name if dialect else "", "title": dialect.title if dialect else tk._("Other"),
             "summary": dialect.summary if dialect else "", "kinds": kinds}
            for dialect, kinds in catalogue_kinds_by_dialect()]


def catalogue_dialect_overview() -> list[dict[str, Any]]:
    """What the catalogue's home shows of each dialect: its title, line,
    API root and documentation, and how many of its items the reader sees
    (one facet query, as the reader)."""
    try:
        counts = tk.get_action("catalogue_item_facets")(catalogue_portal_context(), {
            "field": "kind", "limit": 1000})["counts"]
    except tk.ValidationError:
        counts = {}
    overview: list[dict[str, Any]] = []
    for dialect, kinds in catalogue_kinds_by_dialect():
        if dialect is None:
            continue
        overview.append({
            "name": dialect.name, "title": dialect.title, "summary": dialect.summary, "home": dialect.home,
            "docs": tk.h.url_for("catalogue_openapi.docs_page") + f"#tag-{dialect.name}",
            "count": sum(int(counts.get(kind.name, 0)) for kind in kinds),
            "kinds": [{"name": kind.name, "label": kind.label, "count": int(counts.get(kind.name, 0))}
                      for kind in kinds if counts.get(kind.name)]})
    return overview


def catalogue_map_tiles() -> dict[str, Any]:
    """Tile URL and attribution of the search page's map (configured), and
    whether Leaflet is installed (`make assets`; without it the page offers
    the typed box only)."""
    leaflet = Path(__file__).parents[1] / "assets" / "vendor" / "leaflet" / "leaflet.js"
    return {"url": catalogue_map_tiles_url(),
            "attribution": catalogue_map_attribution(),
            "available": leaflet.exists()}


def catalogue_helpers() -> dict[str, Any]:
    return {
        "catalogue_map_tiles": catalogue_map_tiles,
        "catalogue_item_document": catalogue_item_document,
        "catalogue_kinds_grouped": catalogue_kinds_grouped,
        "catalogue_dialect_overview": catalogue_dialect_overview,
        "catalogue_moderation_enabled": catalogue_moderation_enabled,
        "catalogue_item_has_pricing": catalogue_item_has_pricing,
        "catalogue_moderation_label": catalogue_moderation_label,
        "catalogue_restrictions_label": catalogue_restrictions_label,
        "catalogue_facet_label_function": catalogue_facet_label_function,
        "catalogue_item_permissions": catalogue_item_permissions,
        "catalogue_item_visibility": catalogue_item_visibility,
        "catalogue_may": catalogue_may,
        "catalogue_item": catalogue_item,
        "catalogue_item_ancestors": catalogue_item_ancestors,
        "catalogue_item_children": catalogue_item_children,
        "catalogue_kind_label": catalogue_kind_label,
    }
