"""IUDX's error types and titles, and how core failures map onto them."""
from __future__ import annotations

from typing import Any, cast

from ckanext.catalogue.api.http import CatalogueHttpError
from ckanext.catalogue.core import errors as core
from ckanext.catalogue.iudx import kinds

SUCCESS = "urn:dx:cat:Success"

INVALID_SCHEMA = ("urn:dx:cat:InvalidSchema", "Invalid Schema")
INVALID_UUID = ("urn:dx:cat:InvalidUUID", "Invalid syntax of uuid")
LINK_FAILED = ("urn:dx:cat:LinkValidationFailed", "Link Validation Failed")
ALREADY_EXISTS = ("urn:dx:cat:AlreadyExists", "Item already exists")
NOT_ALLOWED = ("urn:dx:cat:OperationNotAllowed", "Operation not allowed")
NOT_FOUND = ("urn:dx:cat:ItemNotFound", "Item is not found")
TOKEN_INVALID = ("urn:dx:cat:InvalidAuthorizationToken", "Token is invalid")
INVALID_SYNTAX = ("urn:dx:cat:InvalidSyntax", "Invalid Syntax")
MISSING_PARAMS = ("urn:dx:cat:MissingParams", "Missing parameters")
INVALID_PARAM = ("urn:dx:cat:InvalidParamValue", "Invalid value for a query param")
INVALID_PROPERTY = ("urn:dx:cat:InvalidProperty", "Invalid Property")
INVALID_PROPERTY_VALUE = ("urn:dx:cat:InvalidPropertyValue", "Invalid Property Values")
INVALID_GEO_PARAM = ("urn:dx:cat:InvalidGeoParam", "Geoquery parameter error")
INVALID_GEO_VALUE = ("urn:dx:cat:InvalidGeoValue", "Geoquery value error")
BAD_TEXT_QUERY = ("urn:dx:cat:BadTextQuery", "Bad text query values")
BAD_FILTER = ("urn:dx:cat:BadFilter", "Bad filters applied")
INVALID_RELATION = ("urn:dx:cat:InvalidRelationSearch", "Invalid relationship type search")
INTERNAL = ("urn:dx:cat:InternalError", "Internal error")
METHOD_NOT_ALLOWED = ("urn:dx:cat:MethodNotAllowed", "Method not allowed")
TOO_MANY_REQUESTS = ("urn:dx:cat:TooManyRequests", "Too many requests")
UNAVAILABLE = ("urn:dx:cat:ServiceUnavailable", "Service unavailable")
PAYLOAD_TOO_LARGE = ("urn:dx:cat:PayloadTooLarge", "Payload too large")


class IudxError(Exception):
    """A request refused by the IUDX translation itself (bad query syntax...)."""

    def __init__(self, status: int, kind: tuple[str, str], detail: str) -> None:
        super().__init__(detail)
        self.status, self.kind, self.detail = status, kind, detail


_BY_CODE: dict[str, tuple[int, tuple[str, str]]] = {
    core.CODE_INVALID: (400, INVALID_SCHEMA),
    core.CODE_INVALID_ID: (400, INVALID_UUID),
    core.CODE_LINK: (400, LINK_FAILED),
    # IUDX answers 400, never 409, for an item that exists.
    core.CODE_EXISTS: (400, ALREADY_EXISTS),
    core.CODE_TAKEN: (400, LINK_FAILED),
    core.CODE_NOT_ALLOWED: (400, NOT_ALLOWED),
    core.CODE_IMMUTABLE: (400, INVALID_SCHEMA),
    core.CODE_BAD_QUERY: (400, INVALID_PARAM),
}


def iudx_error_for(exc: Exception, failure: CatalogueHttpError) -> tuple[int, tuple[str, str], str]:
    """Status, (type, title) and detail of a failed core call."""
    if isinstance(exc, IudxError):
        return exc.status, exc.kind, exc.detail
    if isinstance(exc, core.CatalogueInvalid):
        status, kind = _BY_CODE.get(exc.code, (failure.status, INVALID_SCHEMA))
        return status, kind, failure.message
    status = 400 if failure.status == 409 else failure.status
    kind: tuple[str, str] | None = cast("dict[int, tuple[str, str]]", {
        401: TOKEN_INVALID, 403: TOKEN_INVALID, 404: NOT_FOUND, 400: INVALID_SCHEMA, 413: PAYLOAD_TOO_LARGE,
        503: UNAVAILABLE,
    }).get(status)
    return status, kind or INTERNAL, failure.message


# IUDX's words for an item whose name (or URL, or user) another item of
# its kind already holds in the same place: its validator refuses it as a
# link validation failure (validator/ValidatorServiceImpl.java).
_TAKEN = {
    kinds.OWNER: "Fail: Owner item already exists",
    kinds.COS: "Fail: COS item already exists",
    kinds.RESOURCE_SERVER: "Fail: Resource Server item with url {resourceServerRegURL} already exists for this COS",
    kinds.PROVIDER: "Fail: Provider item for this resource server already exists",
    kinds.RESOURCE_GROUP: "Fail: Resource group item with the name '{name}' already exists for the provider "
                          "'{provider}'",
    kinds.RESOURCE: "Fail: Resource item with the name '{name}' already exists in the resource group "
                    "'{resourceGroup}'",
}


def iudx_duplicate(exc: Exception, kind: str, doc: dict[str, Any]) -> Exception:
    """The refusal of a write as IUDX words it when the item clashes with
    another one (``exc`` itself otherwise): a value taken is
    LinkValidationFailed in its kind's words, a taken id AlreadyExists."""
    code = getattr(exc, "code", None)
    if code == core.CODE_TAKEN and kind in _TAKEN:
        fields = {f: str(doc.get(f, ""))[:200] for f in ("name", "provider", "resourceGroup", "resourceServerRegURL")}
        return IudxError(400, LINK_FAILED, _TAKEN[kind].format(**fields))
    if code == core.CODE_EXISTS and isinstance(exc, core.CatalogueConflict):
        return IudxError(400, ALREADY_EXISTS, "Fail: Doc Exists")
    return exc


def iudx_limit_error(kind: tuple[str, str], detail: str) -> IudxError:
    """A search beyond one of IUDX's limits: its body's ``title`` is
    ``failed``, as IUDX's QueryMapper.validateQueryParam answers."""
    return IudxError(400, (kind[0], "failed"), detail)


def iudx_body(kind: tuple[str, str], detail: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind[0], "title": kind[1], "detail": detail, **extra}
