"""How a catalogue item is stored in a CKAN dataset and indexed in Solr.

The item's document (the dialect's JSON) is kept whole in the dataset extra
``catalogue_doc``; its kind, parent and copied-down ancestor ids sit in
extras of their own, so that indexing needs nothing but the dataset dict.
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any, cast

from ckanext.catalogue.config import catalogue_indexed_properties
from ckanext.catalogue.core.kinds import CatalogueKind, catalogue_kind

CATALOGUE_DATASET_TYPE = "catalogue"
EXTRA_KIND = "catalogue_kind"
EXTRA_PARENT = "catalogue_parent"
EXTRA_ANCESTORS = "catalogue_ancestors"
EXTRA_ALIASES = "catalogue_aliases"
EXTRA_DOC = "catalogue_doc"
EXTRA_MODERATION = "catalogue_moderation"
EXTRA_MODERATION_MESSAGE = "catalogue_moderation_message"
# Who may see the item beyond CKAN's private flag (see visibility.py).
EXTRA_VISIBILITY = "catalogue_visibility"
# The catalogue's own extras, as CKAN's indexer names their text copies.
_EXTRAS_AS_TEXT = "extras_catalogue_"
# Stored (not indexed) Solr field holding the item dict as JSON.
INDEX_ITEM = "catalogue_item"

_TAG_RE = re.compile(r"^[\w \-.]{2,100}$", re.UNICODE)
_FIELD_RE = re.compile(r"[^A-Za-z0-9_]")
_EXACT_MAX = 1000
_SORT_MAX = 200


@functools.lru_cache(maxsize=4096)  # the same few paths, item after item
def catalogue_field_key(path: str) -> str:
    """Solr-safe suffix of a document property path (``location.address``
    becomes ``location__address``)."""
    return _FIELD_RE.sub("_", path.replace(".", "__"))


def catalogue_is_item(pkg_dict: dict[str, Any]) -> bool:
    return pkg_dict.get("type") == CATALOGUE_DATASET_TYPE


def catalogue_extras_of(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """A dataset dict's extras as a dict (CKAN lists them; a row holds a dict)."""
    extras: Any = pkg_dict.get("extras") or []
    if isinstance(extras, dict):
        return cast("dict[str, Any]", extras)
    return {e["key"]: e["value"] for e in cast("list[dict[str, Any]]", extras)}


def catalogue_package_dict(
    kind: CatalogueKind, item_id: str, doc: dict[str, Any], parent: str | None, ancestors: list[str],
    aliases: list[str], owner_org: str | None, private: bool, more_extras: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The CKAN dataset that stores an item (``more_extras``: state the core
    keeps beside the document, such as moderation)."""
    title = doc.get(kind.title_field)
    description = doc.get(kind.description_field)
    tags: Any = doc.get(kind.tags_field) or []
    if isinstance(tags, list):
        tags = [cast("dict[str, Any]", t).get("name") if isinstance(t, dict) else t
                for t in cast("list[Any]", tags)]
        tags = [t for t in tags if isinstance(t, str)]
    extras = {
        EXTRA_KIND: kind.name,
        EXTRA_ANCESTORS: json.dumps(ancestors),
        EXTRA_ALIASES: json.dumps(aliases),
        EXTRA_DOC: json.dumps(doc, separators=(",", ":"), sort_keys=True),
    }
    if parent:
        extras[EXTRA_PARENT] = parent
    extras.update(more_extras or {})
    return {
        "id": item_id,
        "name": item_id if kind.id_rule != "name" else doc[kind.name_field],
        "type": CATALOGUE_DATASET_TYPE,
        "title": str(title) if isinstance(title, (str, int, float)) else "",
        "notes": description if isinstance(description, str) else "",
        # CKAN's tag rules are stricter than most dialects'; the document
        # keeps every tag, the dataset those CKAN accepts (for its facets).
        "tags": [{"name": t} for t in dict.fromkeys(cast("list[Any]", tags) if isinstance(tags, list) else [])
                 if isinstance(t, str) and _TAG_RE.match(t)],
        "owner_org": owner_org,
        "private": bool(private and owner_org),
        "extras": catalogue_extras_list(extras),
    }


def catalogue_extras_list(extras: dict[str, Any]) -> list[dict[str, Any]]:
    """A dataset's extras as CKAN's dicts list them, in the order PostgreSQL
    keeps a ``jsonb`` object's keys (shorter first, then by bytes): the
    order CKAN reads back from the database. The dataset is then indexed
    the same whether it was read back before indexing or not (which
    depends on when the session's weak identity map lets it go)."""
    return [{"key": k, "value": extras[k]} for k in sorted(extras, key=lambda k: (len(k.encode()), k.encode()))]


def catalogue_etag(item_id: str, modified: Any, state: Any) -> str:
    """A strong entity tag of an item's stored version: it changes with
    every write (the modification time) and with archive and restore."""
    return '"' + hashlib.sha1(f"{item_id}|{modified}|{state}".encode(), usedforsecurity=False).hexdigest() + '"'


def catalogue_item_dict(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The core's view of an item stored in ``pkg_dict`` (as package_show or
    package_search return it)."""
    extras = catalogue_extras_of(pkg_dict)
    return {**_item_head(pkg_dict, extras), "doc": json.loads(extras.get(EXTRA_DOC) or "{}"),
            "etag": catalogue_etag(pkg_dict["id"], pkg_dict.get("metadata_modified"), pkg_dict.get("state"))}


def _item_json(pkg_dict: dict[str, Any], parsed_text: str) -> str:
    """``catalogue_item_dict(pkg_dict)`` as JSON, its document written as
    it is stored (JSON already; ``parsed_text``: a text known to parse,
    any other is parsed first, so that only valid JSON is spliced in)."""
    extras = catalogue_extras_of(pkg_dict)
    text = extras.get(EXTRA_DOC) or "{}"
    if text != parsed_text:
        json.loads(text)
    head = json.dumps(_item_head(pkg_dict, extras))
    etag = json.dumps(catalogue_etag(pkg_dict["id"], pkg_dict.get("metadata_modified"), pkg_dict.get("state")))
    return f'{head[:-1]}, "doc": {text}, "etag": {etag}}}'


def _item_head(pkg_dict: dict[str, Any], extras: dict[str, Any]) -> dict[str, Any]:
    """``catalogue_item_dict`` but its document and entity tag."""
    kind = catalogue_kind(extras.get(EXTRA_KIND, ""))
    org: Any = pkg_dict.get("organization") or {}
    return {
        "id": pkg_dict["id"],
        "name": pkg_dict.get("name"),
        "kind": kind.name if kind else extras.get(EXTRA_KIND),
        "type": kind.jsonld_type if kind else None,
        "parent": extras.get(EXTRA_PARENT),
        "ancestors": json.loads(extras.get(EXTRA_ANCESTORS) or "[]"),
        "aliases": json.loads(extras.get(EXTRA_ALIASES) or "[]"),
        "organization": cast("dict[str, Any]", org).get("name") if isinstance(org, dict) else None,
        "owner_org": pkg_dict.get("owner_org"),
        "private": bool(pkg_dict.get("private")),
        "state": pkg_dict.get("state"),
        "creator_user_id": pkg_dict.get("creator_user_id"),
        "metadata_created": pkg_dict.get("metadata_created"),
        "metadata_modified": pkg_dict.get("metadata_modified"),
        "moderation": {"state": extras[EXTRA_MODERATION],
                       "message": extras.get(EXTRA_MODERATION_MESSAGE, "")} if extras.get(EXTRA_MODERATION) else None,
    }


def catalogue_item_of_package(pkg: Any, organization: str | None) -> dict[str, Any]:
    """``catalogue_item_dict`` of a dataset row (``model.Package``) and its
    active organization's name: what it makes of ``package_show``'s dict,
    without building that dict (the fields it reads are the row's own)."""
    return catalogue_item_dict({
        "id": pkg.id, "name": pkg.name, "extras": pkg.extras or {},
        "organization": {"name": organization} if organization else None, "owner_org": pkg.owner_org,
        "private": pkg.private, "state": pkg.state, "creator_user_id": pkg.creator_user_id,
        "metadata_created": pkg.metadata_created.isoformat() if pkg.metadata_created else None,
        "metadata_modified": pkg.metadata_modified.isoformat() if pkg.metadata_modified else None,
    })


def catalogue_pricing_of(item: dict[str, Any]) -> dict[str, Any] | None:
    """The pricing object of an item (as ``catalogue_item_dict`` gives it)
    where its kind keeps one (``pricing_path``), None otherwise."""
    kind = catalogue_kind(item.get("kind") or "")
    if kind is None or not kind.pricing_path:
        return None
    found: Any = item.get("doc")
    for key in kind.pricing_path:
        found = cast("dict[str, Any]", found).get(key) if isinstance(found, dict) else None
    return cast("dict[str, Any]", found) if isinstance(found, dict) and found else None


def _flatten(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, sub in cast("dict[Any, Any]", value).items():
            yield from _flatten(sub, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for sub in cast("list[Any]", value):
            yield from _flatten(sub, path)
    elif value is not None and path:
        yield path, value if isinstance(value, str) else json.dumps(value)


def _scalars(value: Any, path: str = "", depth: int = 0) -> Iterator[tuple[str, Any]]:
    """Single-valued document properties (objects followed, lists not): the
    sortable ones."""
    if isinstance(value, dict) and depth < 4:
        for key, sub in cast("dict[Any, Any]", value).items():
            yield from _scalars(sub, f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(value, (str, int, float, bool)) and path:
        yield path, value


def _geometry(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        found = cast("dict[str, Any]", value)
        if "coordinates" in found and "type" in found:
            return found
        return _geometry(found.get("geometry"))
    return None


def catalogue_geometry_wkt(geometry: dict[str, Any]) -> str | None:
    """WKT of a GeoJSON Point, LineString, Polygon or MultiPolygon, or None."""
    def pair(c: Any) -> str:
        return f"{float(c[0])} {float(c[1])}"

    def ring(coords: Any) -> str:
        return "(" + ", ".join(pair(c) for c in coords) + ")"

    try:
        kind, coords = geometry["type"], geometry["coordinates"]
        if kind == "Point":
            return f"POINT ({pair(coords)})"
        if kind == "LineString":
            return f"LINESTRING {ring(coords)}"
        if kind == "Polygon":
            return "POLYGON (" + ", ".join(ring(r) for r in coords) + ")"
        if kind == "MultiPolygon":
            return "MULTIPOLYGON (" + ", ".join("(" + ", ".join(ring(r) for r in p) + ")" for p in coords) + ")"
        if kind == "MultiPoint":
            return "MULTIPOINT (" + ", ".join(f"({pair(c)})" for c in coords) + ")"
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    return None


def catalogue_index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Turn the flat index document CKAN built for an item into the one the
    catalogue searches: kind, parent, ancestors, aliases, each document
    property (exact and text), its locations and its text."""
    # The item as reads return it, stored whole: searches ask Solr for this
    # one field instead of parsing each result's full dataset dict.
    text = pkg_dict.pop(EXTRA_DOC, None) or pkg_dict.get("extras_" + EXTRA_DOC) or "{}"
    doc = json.loads(text)
    if pkg_dict.get("validated_data_dict"):
        # The document is written into it as stored, not parsed and
        # written again (the same text as ``doc`` is parsed once).
        pkg_dict[INDEX_ITEM] = _item_json(json.loads(pkg_dict["validated_data_dict"]), text)
    # CKAN indexes each extra again as analysed text (``extras_*``, copied
    # into the free text too). An item's extras are the catalogue's own
    # bookkeeping, each indexed in its own field: as text they made ids,
    # visibility lists and moderation messages searchable words, and cost
    # a fifth of Solr's work per item.
    for key in [k for k in pkg_dict if k.startswith(_EXTRAS_AS_TEXT)]:
        del pkg_dict[key]
    ancestors = json.loads(pkg_dict.get(EXTRA_ANCESTORS) or "[]")
    aliases = json.loads(pkg_dict.get(EXTRA_ALIASES) or "[]")
    pkg_dict[EXTRA_ANCESTORS] = ancestors
    pkg_dict[EXTRA_ALIASES] = aliases
    pkg_dict["catalogue_depth"] = len(ancestors)
    # Items without a moderation state count as approved; indexed so, the
    # search page's state facet counts them.
    pkg_dict[EXTRA_MODERATION] = pkg_dict.get(EXTRA_MODERATION) or "approved"
    kind = catalogue_kind(pkg_dict.get(EXTRA_KIND) or "")

    # Only the first properties become Solr fields: a document with
    # thousands of them would add thousands of fields to one index update.
    most = catalogue_indexed_properties()
    values: dict[str, list[str]] = {}
    for path, value in _flatten(doc):
        key = catalogue_field_key(path)
        if key in values or len(values) < most:
            values.setdefault(key, []).append(value)
    values["id"] = [pkg_dict["id"], *aliases]
    for key, found in values.items():
        # Exact terms have a size limit in Lucene; long prose is matched as text.
        pkg_dict["catalogue_attr_" + key] = [v[:_EXACT_MAX] for v in found]
        pkg_dict["catalogue_text_" + key] = found
        pkg_dict["catalogue_lc_" + key] = [v[:_EXACT_MAX].lower() for v in found]
    for path, value in _scalars(doc):
        if catalogue_field_key(path) not in values:
            continue
        text_value = value if isinstance(value, str) else json.dumps(value)
        pkg_dict["catalogue_sort_" + catalogue_field_key(path)] = text_value[:_SORT_MAX]
    text = [v for key, found in values.items() if key not in ("id", "type") for v in found]
    pkg_dict["text"] = text

    shapes = []
    for field in (kind.geo_fields if kind else ()):
        geometry = _geometry(doc.get(field))
        wkt = catalogue_geometry_wkt(geometry) if geometry else None
        if wkt:
            shapes.append(wkt)
    if shapes:
        pkg_dict["catalogue_location"] = shapes
    # Spatial fields answer no "disjoint" query: that is "has a location and
    # does not intersect", which needs to know who has one.
    pkg_dict["catalogue_has_location"] = bool(shapes)
    return pkg_dict
