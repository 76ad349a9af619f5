"""What every iTwin library route shares: the blueprint, the error body
(``{"error": {"code", "message", "details"}}``) and each collection's words
for its refusals, the run of a view's core calls, and small readers of the
request. No rule lives here."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, cast

from flask import Response, jsonify, request

from ckanext.catalogue.api.http import (
    CatalogueCall,
    CatalogueDialectError,
    CatalogueHttpError,
    catalogue_api_blueprint,
    catalogue_run_view,
)
from ckanext.catalogue.core.errors import CatalogueConflict, CatalogueInvalid
from ckanext.catalogue.library.kinds import MISSING

library = catalogue_api_blueprint("catalogue_library", __name__, url_prefix="/library")


class LibraryError(CatalogueDialectError):
    """A refusal in the iTwin API's own terms (a bad paging argument)."""

    def __init__(self, status: int, code: str, message: str, details: list[dict[str, str]] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def library_error(status: int, code: str, message: str, details: list[dict[str, str]] | None = None) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    resp = jsonify({"error": body})
    resp.status_code = status
    return resp


def library_details(errors: dict[str, Any]) -> list[dict[str, str]]:
    details: list[dict[str, str]] = []
    for target, messages in errors.items():
        for message in cast("list[Any]", messages) if isinstance(messages, list) else [messages]:
            code = "MissingRequiredProperty" if message == MISSING else "InvalidValue"
            details.append({"code": code, "message": str(message), "target": target})
    return details


def library_missing_header() -> Response:
    return library_error(401, "HeaderNotFound",
                         "Header Authorization was not found in the request. Access denied.")


@dataclasses.dataclass(frozen=True)
class LibraryErrors:
    """One collection's words for its refusals. The iTwin API names a
    missing object ``<Title>NotFound`` ("Requested <Title> is not
    available."), a bad body ``Invalid<Title>Request`` ("Cannot perform
    operation."), a taken name ``<Title>Exists``; catalogs word the last
    two their own way (``invalid``/``exists`` given)."""

    title: str  # "Component", "WebLink"
    noun: str = ""  # in the not-found message, when not the title
    exists: str = ""
    invalid: Callable[[str], tuple[str, str]] | None = None  # verb -> (code, message)

    def respond(self, exc: Exception, failure: CatalogueHttpError, user: str | None) -> Response:  # noqa: PLR0911 - one answer per failure
        if isinstance(exc, LibraryError):
            return library_error(exc.status, exc.code, exc.message, exc.details)
        if failure.status == 401:
            if not request.headers.get("Authorization"):
                return library_missing_header()
            return library_error(401, "InvalidAuthorizationToken", "The access token is not valid. Access denied.")
        if failure.status == 403:
            return library_error(403, "InsufficientPermissions",
                                 "The user has insufficient permissions for the requested operation.")
        if failure.status == 404:
            return library_error(404, f"{self.title}NotFound",
                                 f"Requested {self.noun or self.title} is not available.")
        if isinstance(exc, CatalogueConflict):
            return library_error(409, f"{self.title}Exists",
                                 self.exists or f"{self.title} with the same name already exists.")
        if isinstance(exc, CatalogueInvalid) or failure.status == 400:
            verb = "Update" if request.method == "PUT" else "Create"
            code, message = self.invalid(verb) if self.invalid else (
                f"Invalid{self.title}Request", "Cannot perform operation.")
            errors = getattr(exc, "error_dict", None) or {"request": [failure.message]}
            return library_error(422, code, message, library_details(errors))
        if failure.status == 413:
            return library_error(413, "RequestTooLarge", failure.message)
        if failure.status == 503:
            return library_error(503, "ServiceUnavailable", failure.message)
        return library_error(500, "InternalServerError", failure.message)


LibraryResponder = Callable[[Exception, CatalogueHttpError, "str | None"], Response]


def library_translate(fn: Callable[[CatalogueCall], Response], respond: LibraryResponder) -> Response:
    """Run a view's core calls, its failures in the iTwin API's words
    (``respond``: a collection's ``LibraryErrors.respond``)."""
    # The iTwin API answers nothing without an Authorization header.
    if not request.headers.get("Authorization"):
        return library_missing_header()
    return catalogue_run_view(fn, (), respond)


def library_utc(value: str | None) -> str | None:
    return f"{value}Z" if value and not value.endswith("Z") else value


def library_body() -> dict[str, Any]:
    """The JSON object sent, without the fields the server sets."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise CatalogueInvalid({"body": ["The request body must be a JSON object."]})
    return {k: v for k, v in cast("dict[str, Any]", data).items()
            if k not in ("id", "_links", "createdDateTime", "lastModifiedDateTime")}


def library_int_arg(name: str, default: int, high: int, many: str) -> int:
    """A paging argument from 0 to ``high``; 422 ``Invalid<Many>Request`` otherwise."""
    raw = request.args.get(name, str(default))
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or int(raw) > high:
        message = f"Page size is over '{high}' items limit." if name == "$top" and raw.isdigit() else \
            f"{name} must be an integer from 0 to {high}."
        raise LibraryError(422, f"Invalid{many[0].upper()}{many[1:]}Request", "Cannot perform operation.",
                           [{"code": "InvalidValue", "message": message, "target": name}])
    return int(raw)


def library_not_allowed(allowed: tuple[str, ...]) -> Response:
    return library_error(405, "MethodNotAllowed", f"{request.method} is not allowed here")
