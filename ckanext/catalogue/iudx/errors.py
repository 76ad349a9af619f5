"""IUDX's error types and titles, and how core failures map onto them."""
from __future__ import annotations

from typing import Any, cast

from ckanext.catalogue.api.http import CatalogueHttpError
from ckanext.catalogue.core import errors as core

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


def iudx_body(kind: tuple[str, str], detail: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind[0], "title": kind[1], "detail": detail, **extra}
