"""Solr filters for item searches, built from validated values only.

Every user value goes into a quoted phrase with its quotes and backslashes
escaped, and field names are built from a fixed prefix and a sanitised
property path, so no user input can change the query's structure.
"""
from __future__ import annotations

from collections.abc import Iterable

import ckan.plugins.toolkit as tk

from ckanext.catalogue.core.document import catalogue_field_key

GEO_RELATIONS = {
    "intersects": "Intersects",
    "within": "IsWithin",
    "contains": "Contains",
}
# Kilometres per degree of arc on the earth's mean radius (6371.0087714 km).
KM_PER_DEGREE = 111.19508


def catalogue_phrase(value: str) -> str:
    # Quotes and backslashes would end the phrase; braces are escaped too
    # because CKAN refuses any unescaped "{!" (local parameters) in a filter.
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("{", "\\{").replace("}", "\\}")
    return '"' + escaped + '"'


_SPECIAL = set('+-&|!(){}[]^"~*?:\\/')


def catalogue_text(value: str) -> str:
    """Words to search for, with every query-syntax character escaped."""
    return "".join("\\" + c if c in _SPECIAL else c for c in value)


def catalogue_any_of(field: str, values: Iterable[str]) -> str:
    return "+" + field + ":(" + " OR ".join(catalogue_phrase(v) for v in values) + ")"


def catalogue_contains(value: str) -> str:
    """A wildcard term matching values that contain ``value`` (any case);
    every character that means something to Solr is escaped."""
    return "*" + "".join("\\" + c if c in _SPECIAL or c.isspace() else c for c in value.lower()) + "*"


def catalogue_property_filter(props: list[str], values: list[str], exact: bool, also_ids: Iterable[str] = (),
                              contains: bool = False, at_most: bool = False) -> str:
    """Any of the properties matching any of the values: exact terms for ids
    and links (and the resolved ids of link values, through the ancestors),
    substrings in any case with ``contains``, values up to the given one
    (or no value) with ``at_most``, a phrase in the property's text
    otherwise."""
    if contains:
        return "+(" + " OR ".join(f"catalogue_lc_{catalogue_field_key(p)}:{catalogue_contains(v)}"
                                  for p in props for v in values) + ")"
    if at_most:
        # Top-level properties compared as text (ISO times sort so), and
        # items without the property.
        return "+(" + " OR ".join(
            f'catalogue_sort_{catalogue_field_key(p)}:[* TO {catalogue_phrase(v)}] OR '
            f'(*:* -catalogue_sort_{catalogue_field_key(p)}:[* TO *])' for p in props for v in values) + ")"
    prefix = "catalogue_attr_" if exact else "catalogue_text_"
    clauses = [f"{prefix}{catalogue_field_key(p)}:{catalogue_phrase(v)}" for p in props for v in values]
    clauses += [f"catalogue_ancestors:{catalogue_phrase(i)}" for i in also_ids]
    return "+(" + " OR ".join(clauses) + ")"


def catalogue_geo_filter(relation: str, wkt: str) -> str:
    """A spatial predicate on item locations; ``wkt`` is built by the
    caller from numbers only."""
    if relation == "disjoint":
        return f'+catalogue_has_location:true -catalogue_location:"Intersects({wkt})"'
    if relation == "equals":  # Solr has no equality of shapes: within it and containing it
        return f'+catalogue_location:"IsWithin({wkt})" +catalogue_location:"Contains({wkt})"'
    return f'+catalogue_location:"{GEO_RELATIONS[relation]}({wkt})"'


def catalogue_envelope_wkt(west: float, south: float, east: float, north: float) -> str:
    """A box as Solr's WKT ENVELOPE (its order: minX, maxX, maxY, minY)."""
    return f"ENVELOPE({west}, {east}, {north}, {south})"


def catalogue_near_wkt(lon: float, lat: float, metres: float) -> str:
    return f"BUFFER(POINT({lon} {lat}), {metres / 1000.0 / KM_PER_DEGREE:.8f})"


CATALOGUE_BBOX_PARAM = "ext_bbox"


def catalogue_bbox_wkt(text: str) -> str:
    """``west,south,east,north`` in degrees (the portal map's box, as
    ckanext-spatial's ``ext_bbox``) as a Solr ENVELOPE; ValueError says
    what is wrong (translated)."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise ValueError(tk._("a box is four numbers: west,south,east,north"))
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise ValueError(tk._("a box is four numbers: west,south,east,north")) from None
    if not all(-180 <= x <= 180 for x in (west, east)) or not all(-90 <= y <= 90 for y in (south, north)):
        raise ValueError(tk._("longitudes lie within -180..180 and latitudes within -90..90"))
    if west > east or south > north:
        raise ValueError(tk._("west must not lie east of east, nor south north of north"))
    return catalogue_envelope_wkt(west, south, east, north)
