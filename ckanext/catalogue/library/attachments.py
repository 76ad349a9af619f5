"""A library component's weblinks and documents
(/library/components/{id}/weblinks, /documents): CKAN resources of the
component's dataset in the core's ``weblink`` and ``document`` roles.

A document's file travels as in the iTwin API: the document is created,
its ``_links.fileUrl`` takes the file (a PUT of the raw bytes, no
Authorization header: the link carries its own signature), then the
document is sent again with ``available: true``. Once available, its
``fileUrl`` is a signed download link. HTTP in, core actions, the iTwin
API's bodies out; no rule lives here."""
from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, request, url_for
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk

from ckanext.catalogue.api.http import (
    CatalogueCall,
    CatalogueHttpError,
    CatalogueMethodViews,
    catalogue_api_route,
    catalogue_request_user,
    catalogue_run_view,
)
from ckanext.catalogue.api.resource_files import catalogue_resource_download
from ckanext.catalogue.api.signed_urls import catalogue_signed_args, catalogue_signed_user
from ckanext.catalogue.config import catalogue_library_file_url_lifetime
from ckanext.catalogue.core.errors import CatalogueConflict, CatalogueResourceNotFound
from ckanext.catalogue.library.kinds import (
    COMPONENT,
    DOCUMENT,
    DOCUMENT_FIELDS,
    DOCUMENT_RESOURCE,
    WEBLINK,
    WEBLINK_FIELDS,
    WEBLINK_RESOURCE,
)
from ckanext.catalogue.library.wire import (
    LibraryErrors,
    LibraryResponder,
    library,
    library_body,
    library_error,
    library_not_allowed,
    library_translate,
    library_utc,
)

# Purposes a document's signed link may serve.
UPLOAD_LINK, DOWNLOAD_LINK = "library-document-upload", "library-document-download"


@dataclasses.dataclass(frozen=True)
class LibraryAttachments:
    """One kind of a component's attachments: its core role, its names on
    the wire, and where its fields sit in a CKAN resource."""

    role: str
    one: str  # the body key: "webLink"
    many: str  # the path ("weblinks") and the list's key ("webLinks")
    path: str
    fields: tuple[str, ...]
    columns: dict[str, str]  # field -> resource column; the others are properties
    errors: LibraryErrors
    # Fields the server sets, dropped from a body sent back as it was read.
    server_fields: tuple[str, ...] = ()


WEBLINKS = LibraryAttachments(WEBLINK, "webLink", "webLinks", "weblinks", tuple(WEBLINK_FIELDS), WEBLINK_RESOURCE,
                              LibraryErrors("WebLink"))
DOCUMENTS = LibraryAttachments(DOCUMENT, "document", "documents", "documents", tuple(DOCUMENT_FIELDS),
                               DOCUMENT_RESOURCE, LibraryErrors("Document"), ("size",))
_ATTACHMENTS = {a.path: a for a in (WEBLINKS, DOCUMENTS)}
# An unknown component is the component's refusal, not the attachment's.
_COMPONENT = LibraryErrors("Component")


def _resource_fields(kind: LibraryAttachments, body: dict[str, Any]) -> dict[str, Any]:
    """A body's fields as the core's resource fields and properties."""
    fields: dict[str, Any] = {column: body[field] for field, column in kind.columns.items() if field in body}
    fields["properties"] = {k: v for k, v in body.items() if k not in kind.columns and k not in kind.server_fields}
    return fields


def _ref(component_id: str, kind: LibraryAttachments, **more: Any) -> dict[str, Any]:
    # A component of another organization is not found (as the component routes).
    return {"id": component_id, "kind": [COMPONENT], "member_only": True, "role": kind.role, **more}


def _file_link(component_id: str, resource: dict[str, Any], user: str) -> dict[str, str]:
    """The signed link of a document's file: an upload link until the
    document is available, a download link then."""
    available = (resource.get("catalogue_properties") or {}).get("available") is True
    purpose = DOWNLOAD_LINK if available else UPLOAD_LINK
    args = catalogue_signed_args(purpose, (component_id, resource["id"]), user, catalogue_library_file_url_lifetime())
    return {"href": url_for("catalogue_library.document_file", component_id=component_id,
                            document_id=resource["id"], _external=True, **args)}


def _shown(kind: LibraryAttachments, component_id: str, resource: dict[str, Any], user: str) -> dict[str, Any]:
    properties: dict[str, Any] = resource.get("catalogue_properties") or {}
    shown: dict[str, Any] = {"id": resource["id"]}
    for field in kind.fields:
        column = kind.columns.get(field)
        value: Any = resource.get(column) if column else properties.get(field)
        if value not in (None, ""):
            shown[field] = value
    if kind is DOCUMENTS:
        shown["size"] = resource.get("size") or 0
        shown.setdefault("available", False)
    shown["createdDateTime"] = library_utc(resource.get("created"))
    shown["lastModifiedDateTime"] = library_utc(resource.get("metadata_modified") or resource.get("created"))
    if kind is DOCUMENTS:
        links: dict[str, Any] = {"fileUrl": _file_link(component_id, resource, user)}
        if properties.get("associatedDesignDocument"):
            links["associatedDesignDocument"] = {"href": url_for(
                "catalogue_library.attachment", component_id=component_id, attachments="documents",
                attachment_id=properties["associatedDesignDocument"], _external=True)}
        shown["_links"] = links
    return shown


def _respond(kind: LibraryAttachments) -> LibraryResponder:
    """An unknown component is ComponentNotFound, an unknown attachment of
    a known one the attachment's own 404; other refusals the attachment's."""
    fields = {column: field for field, column in kind.columns.items()}

    def respond(exc: Exception, failure: CatalogueHttpError, user: str | None) -> Response:
        if isinstance(exc, CatalogueConflict) and "available" in exc.error_dict:
            return library_error(409, "DocumentIsAvailable",
                                 "The document is available: its file cannot be replaced.")
        if isinstance(exc, tk.ValidationError):
            # The core's resource fields are named as the client sent them.
            exc.error_dict = {fields.get(k, k): v for k, v in exc.error_dict.items()}
        errors = kind.errors if isinstance(exc, CatalogueResourceNotFound) or failure.status != 404 else _COMPONENT
        return errors.respond(exc, failure, user)
    return respond


def _translate(fn: Callable[[CatalogueCall], Response], kind: LibraryAttachments) -> Response:
    return library_translate(fn, _respond(kind))


def _caller() -> str:
    # catalogue_run_view has identified the caller already; their name signs their links.
    return catalogue_request_user() or ""


many_view = CatalogueMethodViews("attachments")
one_view = CatalogueMethodViews("attachment")
for _path in _ATTACHMENTS:
    catalogue_api_route(library, f"/components/<component_id>/{_path}", ("GET", "POST"), library_not_allowed,
                        defaults={"attachments": _path})(many_view)
    catalogue_api_route(library, f"/components/<component_id>/{_path}/<attachment_id>", ("GET", "PUT", "DELETE"),
                        library_not_allowed, defaults={"attachments": _path})(one_view)


@many_view.get
def attachments_list(component_id: str, attachments: str) -> Response:
    kind = _ATTACHMENTS[attachments]

    def run(call: CatalogueCall) -> Response:
        found = call("catalogue_item_resource_list", _ref(component_id, kind))
        return jsonify({kind.many: [_shown(kind, component_id, r, _caller()) for r in found]})

    return _translate(run, kind)


@many_view.post
def attachment_create(component_id: str, attachments: str) -> Response:
    kind = _ATTACHMENTS[attachments]

    def run(call: CatalogueCall) -> Response:
        created = call("catalogue_item_resource_create", _ref(component_id, kind,
                                                              **_resource_fields(kind, library_body())))
        resp = jsonify({kind.one: _shown(kind, component_id, created, _caller())})
        resp.status_code = 201
        resp.headers["Location"] = url_for("catalogue_library.attachment", component_id=component_id,
                                           attachments=kind.path, attachment_id=created["id"], _external=True)
        return resp

    return _translate(run, kind)


@one_view.get
def attachment_show(component_id: str, attachments: str, attachment_id: str) -> Response:
    kind = _ATTACHMENTS[attachments]
    return _translate(lambda call: jsonify({kind.one: _shown(kind, component_id, call(
        "catalogue_item_resource_show", _ref(component_id, kind, resource_id=attachment_id)), _caller())}), kind)


@one_view.put
def attachment_update(component_id: str, attachments: str, attachment_id: str) -> Response:
    kind = _ATTACHMENTS[attachments]

    def run(call: CatalogueCall) -> Response:
        updated = call("catalogue_item_resource_update", _ref(
            component_id, kind, resource_id=attachment_id, **_resource_fields(kind, library_body())))
        return jsonify({kind.one: _shown(kind, component_id, updated, _caller())})

    return _translate(run, kind)


@one_view.delete
def attachment_delete(component_id: str, attachments: str, attachment_id: str) -> Response:
    kind = _ATTACHMENTS[attachments]

    def run(call: CatalogueCall) -> Response:
        call("catalogue_item_resource_delete", _ref(component_id, kind, resource_id=attachment_id))
        return Response(status=204)

    return _translate(run, kind)


# --- a document's file, through its signed link ---

file_view = CatalogueMethodViews("document_file")
catalogue_api_route(library, "/components/<component_id>/documents/<document_id>/file", ("GET", "PUT"),
                    library_not_allowed)(file_view)
# Its body is the file, bounded by the artifacts' size limit.
FILE_ENDPOINTS = ("catalogue_library.document_file",)


def _signed_run(fn: Callable[[CatalogueCall, str], Response], purpose: str, component_id: str,
                document_id: str) -> Response:
    """Run ``fn(call, user)`` as the user the link was signed for; a link
    not signed for this purpose and document, or expired, is refused as
    a blob store refuses it (403, and nothing said of the document)."""
    user = catalogue_signed_user(purpose, (component_id, document_id))
    if user is None:
        return library_error(403, "AuthenticationFailed",
                             "The signature of this link is not valid for this request, or it has expired.")
    return catalogue_run_view(lambda call: fn(call, user), (), _respond(DOCUMENTS), signed_user=user)


_SPOOL_IN_MEMORY = 1024 * 1024


def _file_name(resource: dict[str, Any]) -> str:
    """A document's file name: its displayName and extension."""
    properties: dict[str, Any] = resource.get("catalogue_properties") or {}
    extension = str(properties.get("extension") or "bin")
    return f"{resource.get('name') or 'document'}.{extension}"


@file_view.put
def document_upload(component_id: str, document_id: str) -> Response:
    """Store the body as the document's file, keeping its other fields."""

    def run(call: CatalogueCall, user: str) -> Response:
        ref = _ref(component_id, DOCUMENTS, resource_id=document_id)
        current = call("catalogue_item_resource_show", ref)
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY) as spool:
            # CKAN's uploader seeks in the file: spooled, not held whole in memory.
            shutil.copyfileobj(request.stream, spool, _SPOOL_IN_MEMORY)
            spool.seek(0)
            upload = FileStorage(stream=spool, filename=_file_name(current),
                                 content_type=request.mimetype or "application/octet-stream")
            call("catalogue_item_resource_update", {**ref, "name": current.get("name") or "", "upload": upload,
                                                    "properties": current.get("catalogue_properties") or {}})
        return Response(status=201)

    return _signed_run(run, UPLOAD_LINK, component_id, document_id)


@file_view.get
def document_download(component_id: str, document_id: str) -> Response:
    def run(call: CatalogueCall, user: str) -> Response:
        current = call("catalogue_item_resource_show", _ref(component_id, DOCUMENTS, resource_id=document_id))
        resp = catalogue_resource_download(current, _file_name(current))
        return resp if resp is not None else library_error(404, "DocumentFileNotFound",
                                                           "The document's file has not been uploaded.")

    return _signed_run(run, DOWNLOAD_LINK, component_id, document_id)
