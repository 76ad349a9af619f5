"""IUDX search parameters, checked with IUDX's limits and turned into the
core's ``catalogue_item_search`` parameters."""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, cast

from ckanext.catalogue.core.query import catalogue_envelope_wkt, catalogue_near_wkt
from ckanext.catalogue.iudx import errors as e
from ckanext.catalogue.iudx.params import IudxSyntaxError, iudx_parse_list
from ckanext.catalogue.logic.schema import CATALOGUE_PROPERTY_RE

# IUDX's limits.
MAX_PROPERTIES = 4
MAX_VALUES = 4
MAX_COORDINATES = 10
COORDINATE_PRECISION = 6
MAX_TEXT = 100
MAX_FILTER = 10
MAX_RESULT_WINDOW = 10000
MAX_DISTANCE = 10000  # metres
# IUDX's relations, and the core's relation each one is run as: a shape
# covered by the geometry is within it; ``near`` a Point is inside its
# circle. (IUDX hands them to Elasticsearch, which runs only within,
# intersects and disjoint; here each one is run.)
GEORELS = {"within": "within", "near": "intersects", "coveredBy": "within", "intersects": "intersects",
           "equals": "equals", "disjoint": "disjoint"}
GEOMETRIES = ("Point", "Polygon", "LineString", "bbox")
# How deep each geometry's coordinates nest: [x,y], [[x,y],...], [[[x,y],...]].
_NESTING = {"Point": 1, "LineString": 2, "bbox": 2, "Polygon": 3}
_QUERY_PARAM = "Invalid value for a query param"

# Properties whose values are ids: matched exactly, aliases resolved.
EXACT_PROPERTIES = {"id", "type", "provider", "resourceGroup", "resourceServer", "cos", "owner",
                    "ownerUserId", "instance"}
_NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")
# IUDX's accepted shapes of a property value and of a text query.
_VALUE_RE = re.compile(r"^[a-zA-Z0-9]([\w\-.:/() ]*[a-zA-Z0-9])?$")
_TEXT_RE = re.compile(r"^\*?[A-Za-z0-9\-_ ]+\*?$")


def _list(args: Mapping[str, str], name: str) -> list[Any]:
    """A ``[...]`` list parameter; one IUDX cannot read is InvalidSyntax
    (its QueryMapper.map2Json gives up on the whole query)."""
    try:
        return iudx_parse_list(args[name])
    except IudxSyntaxError as error:
        raise e.IudxError(400, e.INVALID_SYNTAX, f"Invalid {name}: {error}") from error


def _coordinate(value: Any) -> float:
    """A coordinate as IUDX reads it: a number, finite as a double, with at
    most 6 significant decimals (trailing zeros do not count)."""
    if not isinstance(value, str) or len(value) > 1000 or not _NUMBER_RE.match(value):
        raise e.IudxError(400, e.INVALID_SYNTAX, _QUERY_PARAM)
    number = float(value)
    if not math.isfinite(number):
        raise e.iudx_limit_error(e.INVALID_PROPERTY_VALUE, "Unable to parse 'coordinates'; value is Infinity")
    if "." in value and len(value.split(".")[1].rstrip("0")) > COORDINATE_PRECISION:
        raise e.iudx_limit_error(e.INVALID_PROPERTY_VALUE,
                                 f"The max point of 'coordinates' precision is {COORDINATE_PRECISION}")
    return number


def _numbers(value: Any) -> list[Any]:
    """Every number of nested coordinate lists, in order."""
    if isinstance(value, list):
        return [n for v in cast("list[Any]", value) for n in _numbers(v)]
    return [value]


def _nesting(value: Any) -> int:
    depth = 0
    while isinstance(value, list) and value:
        depth, value = depth + 1, cast("list[Any]", value)[0]
    return depth


def _point(pair: Any) -> tuple[float, float]:
    if not isinstance(pair, list) or len(pair) != 2:
        raise e.IudxError(400, e.INVALID_GEO_VALUE, "Each coordinate is a [longitude,latitude] pair")
    lon, lat = _coordinate(pair[0]), _coordinate(pair[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise e.IudxError(400, e.INVALID_GEO_VALUE, "Longitude must be within ±180 and latitude within ±90")
    return lon, lat


def _geo(args: Mapping[str, str]) -> dict[str, Any]:
    """A geo search, checked as IUDX checks it (SearchApis.java and
    QueryMapper.java): every geo parameter given, known values, then the
    coordinates' count, precision and nesting, then a Point's maxDistance."""
    if any(not args.get(p) for p in ("geoproperty", "georel", "geometry", "coordinates")):
        raise e.IudxError(400, e.INVALID_SYNTAX, "Mandatory field(s) not provided")
    georel, geometry = args["georel"], args["geometry"]
    if georel not in GEORELS or geometry not in GEOMETRIES or args["geoproperty"] != "location":
        raise e.IudxError(400, e.INVALID_GEO_VALUE, _QUERY_PARAM)
    coords = _list(args, "coordinates")
    numbers = _numbers(coords)
    if len(numbers) > MAX_COORDINATES * 2:
        raise e.iudx_limit_error(e.INVALID_PROPERTY_VALUE, f"The max number of 'coordinates' value is {MAX_COORDINATES}")
    for number in numbers:
        _coordinate(number)
    if _nesting(coords) != _NESTING[geometry]:
        raise e.iudx_limit_error(e.INVALID_PROPERTY_VALUE, "Invalid coordinate format")
    relation = GEORELS[georel]
    if geometry == "Point":
        lon, lat = _point(coords)
        distance = args.get("maxDistance", "")
        if not distance:
            raise e.IudxError(400, e.INVALID_SYNTAX, "A Point is searched with maxDistance, the circle's radius")
        if len(distance) > 20 or not _NUMBER_RE.match(distance):
            raise e.IudxError(400, e.INVALID_SYNTAX, _QUERY_PARAM)
        metres = int(float(distance))  # IUDX takes the whole part
        if not 0 <= metres <= MAX_DISTANCE:
            raise e.iudx_limit_error(e.INVALID_PROPERTY_VALUE, f"The 'maxDistance' should range between 0-{MAX_DISTANCE}m")
        # A radius of 0 is the point itself: a metre keeps Solr's circle a shape.
        return {"georel": relation, "geometry": catalogue_near_wkt(lon, lat, max(metres, 1))}
    if georel == "near":
        raise e.IudxError(400, e.INVALID_GEO_PARAM, "georel=near needs geometry=Point")
    if geometry == "Polygon":
        points = [_point(p) for p in cast("list[Any]", coords[0])]
        if len(points) < 4 or points[0] != points[-1]:
            raise e.IudxError(400, e.INVALID_GEO_VALUE, "Coordinate mismatch (Polygon)")
        wkt = "POLYGON((" + ", ".join(f"{x} {y}" for x, y in points) + "))"
    elif geometry == "LineString":
        points = [_point(p) for p in coords]
        if len(points) < 2:
            raise e.IudxError(400, e.INVALID_GEO_VALUE, f"A LineString has 2 to {MAX_COORDINATES} coordinates")
        wkt = "LINESTRING(" + ", ".join(f"{x} {y}" for x, y in points) + ")"
    else:  # bbox: [[west,north],[east,south]]
        if len(coords) != 2:
            raise e.IudxError(400, e.INVALID_GEO_VALUE, "Issue with bbox coordinates")
        (west, north), (east, south) = _point(coords[0]), _point(coords[1])
        if west > east or south > north:
            raise e.IudxError(400, e.INVALID_GEO_VALUE, "Issue with bbox coordinates")
        wkt = catalogue_envelope_wkt(west, south, east, north)
    return {"georel": relation, "geometry": wkt}


def _properties(args: Mapping[str, str]) -> list[dict[str, Any]]:
    props = _list(args, "property")
    values = _list(args, "value")
    if len(props) > MAX_PROPERTIES:
        raise e.iudx_limit_error(e.INVALID_PROPERTY_VALUE, f"The max number of 'property' should be {MAX_PROPERTIES}")
    if not props or any(not isinstance(p, str) for p in props):
        raise e.IudxError(400, e.INVALID_PROPERTY, "property takes a list of property names")
    for prop in props:
        if not CATALOGUE_PROPERTY_RE.match(prop):
            raise e.IudxError(400, e.INVALID_PROPERTY, f"Invalid property name {prop[:100]!r}")
    if len(values) != len(props) or any(not isinstance(v, list) or not v for v in values):
        raise e.IudxError(400, e.INVALID_PROPERTY_VALUE, "Give one list of values per property")
    filters: list[dict[str, Any]] = []
    for prop, vals in zip(props, values, strict=True):
        if len(vals) > MAX_VALUES:
            raise e.iudx_limit_error(e.INVALID_PROPERTY_VALUE, f"The max number of 'value' should be {MAX_VALUES}")
        if any(not isinstance(v, str) or len(v) > 512 or not _VALUE_RE.match(v) for v in vals):
            raise e.iudx_limit_error(e.INVALID_PROPERTY_VALUE, "Invalid 'value' format")
        filters.append({"property": prop, "values": vals, "exact": prop in EXACT_PROPERTIES})
    return filters


def iudx_filter(args: Mapping[str, str]) -> list[str]:
    """The fields a ``filter=[...]`` keeps in each answered item."""
    projection = _list(args, "filter")
    if len(projection) > MAX_FILTER:
        raise e.iudx_limit_error(e.BAD_FILTER, f"The max number of 'filter' should be {MAX_FILTER}")
    if not projection or any(not isinstance(f, str) or not CATALOGUE_PROPERTY_RE.match(f) for f in projection):
        raise e.IudxError(400, e.INVALID_SYNTAX, _QUERY_PARAM)
    return cast("list[str]", projection)


def iudx_page(args: Mapping[str, str], default_limit: int = 100) -> tuple[int, int]:
    limit_s, offset_s = args.get("limit", str(default_limit)), args.get("offset", "0")
    if not (limit_s.isascii() and limit_s.isdigit()) or not (offset_s.isascii() and offset_s.isdigit()):
        raise e.IudxError(400, e.INVALID_SYNTAX, "Invalid value for a query param")
    limit, offset = int(limit_s), int(offset_s)
    if limit < 1 or limit + offset > MAX_RESULT_WINDOW:
        raise e.iudx_limit_error(e.INVALID_PROPERTY_VALUE,
                                 f"The limit + offset should be between 1 to {MAX_RESULT_WINDOW} (and limit at least 1)")
    return limit, offset


def iudx_search_params(args: Mapping[str, str], instance: str | None) -> tuple[dict[str, Any], list[str]]:
    """Core search parameters and the response projection (``filter``)."""
    has_attr, has_geo, has_text = "property" in args, "geoproperty" in args or "georel" in args, "q" in args
    if not (has_attr or has_geo or has_text):
        raise e.IudxError(400, e.INVALID_SYNTAX, "Mandatory field(s) not provided")
    params: dict[str, Any] = {}
    filters: list[dict[str, Any]] = []
    if has_attr:
        if "value" not in args:
            raise e.IudxError(400, e.INVALID_PROPERTY_VALUE, "property needs value")
        filters = _properties(args)
    if has_geo:
        params.update(_geo(args))
    if has_text:
        text = args["q"].strip()
        if len(text) >= 2 and text[0] == text[-1] == '"':
            text = text[1:-1]
        if not text:
            raise e.IudxError(400, e.BAD_TEXT_QUERY, "bad text query values")
        if len(text) > MAX_TEXT:
            raise e.iudx_limit_error(e.INVALID_PROPERTY_VALUE, f"The max string(q) size supported is {MAX_TEXT}")
        if not _TEXT_RE.match(text):
            raise e.IudxError(400, e.INVALID_SYNTAX, "Invalid value for a query param")
        params["q"] = text
    if instance:
        filters.append({"property": "instance", "values": [instance], "exact": True})
    projection: list[Any] = []
    if "filter" in args:
        projection = iudx_filter(args)
    if filters:
        params["filters"] = filters
    limit, offset = iudx_page(args)
    params.update(limit=limit, offset=offset)
    return params, projection
