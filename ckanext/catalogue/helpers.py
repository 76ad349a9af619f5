"""Template helpers of the catalogue pages; each reads through the core
actions as the current user, so pages show what the APIs would."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

CHILDREN_PAGE_SIZE = 20


def catalogue_portal_context() -> dict[str, Any]:
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


def catalogue_item_children(item_id: str, page: int = 1) -> dict[str, Any]:
    """One page of children: ``{"results", "count", "page", "pages"}``."""
    page = max(int(page or 1), 1)
    found = tk.get_action("catalogue_item_children")(catalogue_portal_context(), {
        "id": item_id, "limit": CHILDREN_PAGE_SIZE, "offset": (page - 1) * CHILDREN_PAGE_SIZE})
    pages = max((found["count"] + CHILDREN_PAGE_SIZE - 1) // CHILDREN_PAGE_SIZE, 1)
    return {**found, "page": page, "pages": pages}


def catalogue_kind_label(kind_name: str) -> str:
    from ckanext.catalogue.kinds import catalogue_kind

    kind = catalogue_kind(kind_name or "")
    return tk._(kind.label) if kind else kind_name


def catalogue_helpers() -> dict[str, Any]:
    return {
        "catalogue_item": catalogue_item,
        "catalogue_item_ancestors": catalogue_item_ancestors,
        "catalogue_item_children": catalogue_item_children,
        "catalogue_kind_label": catalogue_kind_label,
    }
