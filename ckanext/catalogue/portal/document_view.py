"""An item's document as a person reads it on its page: a table of its
fields with readable labels, nested values folded, ids of items the reader
may see as links to them, and the places it names for a small map. The
linked items are found in one search, as the reader."""
from __future__ import annotations

import dataclasses
import re
from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.catalogue.core.kinds import catalogue_kind

# Deeper values are shown as their JSON text.
MAX_DEPTH = 4
# Values of a list shown before "and N more".
MAX_LIST = 50
# Ids looked up as links, at most (one search).
MAX_LINKS = 200
_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_GEOMETRIES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")


@dataclasses.dataclass
class DocumentRow:
    """One field: ``text`` for a plain value, ``links`` for ids of items,
    ``rows`` for a folded object (or list of objects, one row each)."""

    label: str
    text: str = ""
    links: list[dict[str, str]] = dataclasses.field(default_factory=list[dict[str, str]])
    rows: list[DocumentRow] = dataclasses.field(default_factory=list["DocumentRow"])
    folded: bool = False


@dataclasses.dataclass
class DocumentView:
    rows: list[DocumentRow]
    # GeoJSON features of the places the document names (for the map).
    places: list[dict[str, Any]]


def catalogue_field_label(name: str) -> str:
    """``resourceGroup`` and ``resource_group`` read as "Resource group"."""
    words = _WORDS.findall(name) or [name]
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return text[:1].upper() + text[1:]


def _geometry(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    data = cast("dict[str, Any]", value)
    if data.get("type") in _GEOMETRIES and isinstance(data.get("coordinates"), list):
        return data
    return _geometry(data.get("geometry"))


def _ids(value: Any, found: set[str], depth: int = 0) -> None:
    """Strings that look like item ids, anywhere in the value."""
    if len(found) >= MAX_LINKS or depth > MAX_DEPTH:
        return
    if isinstance(value, str) and _ID.fullmatch(value):
        found.add(value)
    elif isinstance(value, list):
        for entry in cast("list[Any]", value)[:MAX_LIST]:
            _ids(entry, found, depth + 1)
    elif isinstance(value, dict):
        for entry in cast("dict[str, Any]", value).values():
            _ids(entry, found, depth + 1)


def _linked(context: Context, ids: set[str]) -> dict[str, dict[str, str]]:
    """The items among ``ids`` the reader may see: id -> {title, url}."""
    if not ids:
        return {}
    found = tk.get_action("catalogue_item_search")(cast(Context, dict(context)), {
        "ids": sorted(ids), "limit": len(ids)})
    return {item["id"]: {"title": _title(item), "url": tk.url_for("catalogue.read", id=item["name"])}
            for item in found["results"]}


def _title(item: dict[str, Any]) -> str:
    """What a person calls the item: its kind's title field, else its name."""
    kind = catalogue_kind(item.get("kind") or "")
    doc: dict[str, Any] = item.get("doc") or {}
    for field in (kind.title_field if kind else "", "name", "title"):
        if field and isinstance(doc.get(field), str) and doc[field].strip():
            return doc[field]
    return str(item.get("title") or item["name"])


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return tk._("yes") if value else tk._("no")
    if value is None:
        return "—"
    return str(value)


def _row(label: str, value: Any, linked: dict[str, dict[str, str]], depth: int) -> DocumentRow:
    if isinstance(value, str) and value in linked:
        return DocumentRow(label, links=[linked[value]])
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            return DocumentRow(label, text=tk.h.dump_json(value))
        data = cast("dict[str, Any]", value)
        return DocumentRow(label, rows=[_row(catalogue_field_label(k), v, linked, depth + 1) for k, v in data.items()],
                           folded=True)
    if isinstance(value, list):
        entries = cast("list[Any]", value)
        if entries and all(isinstance(e, str) and e in linked for e in entries):
            return DocumentRow(label, links=[linked[e] for e in entries[:MAX_LIST]])
        if any(isinstance(e, (dict, list)) for e in entries):
            if depth >= MAX_DEPTH:
                return DocumentRow(label, text=tk.h.dump_json(value))
            return DocumentRow(label, rows=[_row(f"{number + 1}", e, linked, depth + 1)
                                            for number, e in enumerate(entries[:MAX_LIST])], folded=True)
        shown = ", ".join(_text(e) for e in entries[:MAX_LIST])
        more = len(entries) - MAX_LIST
        return DocumentRow(label, text=shown + (tk._(" and {n} more").format(n=more) if more > 0 else ""))
    return DocumentRow(label, text=_text(value))


def catalogue_document_view(item: dict[str, Any], context: Context) -> DocumentView:
    """The item's document as rows, its linked items and its places."""
    doc: dict[str, Any] = item.get("doc") or {}
    ids: set[str] = set()
    for key, value in doc.items():
        if key not in ("id", "@context"):
            _ids(value, ids)
    ids.discard(item.get("id", ""))
    linked = _linked(context, ids)
    places: list[dict[str, Any]] = []
    for key, value in doc.items():
        geometry = _geometry(value)
        if geometry is not None:
            places.append({"type": "Feature", "geometry": geometry,
                           "properties": {"label": catalogue_field_label(key)}})
    rows = [_row(catalogue_field_label(k), v, linked, 0) for k, v in doc.items() if k not in ("@context",)]
    return DocumentView(rows, places)
