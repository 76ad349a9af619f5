"""gCat's collections over the catalogue core: HTTP in, core actions, gCat's
responses and errors out. No rule lives here."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast
from xml.etree import ElementTree  # noqa: S405 - builds XML, never parses any

from flask import Response, jsonify, request, url_for

import ckan.plugins.toolkit as tk

from ckanext.catalogue.api.http import (
    CATALOGUE_ROUTED_METHODS,
    CatalogueCall,
    CatalogueHttpError,
    CatalogueMethodViews,
    catalogue_api_blueprint,
    catalogue_api_route,
    catalogue_run_view,
)
from ckanext.catalogue.interfaces import CatalogueDialect

gcat = catalogue_api_blueprint("catalogue_gcat", __name__, url_prefix="/gcat")

TOKEN_HEADERS = ("gcube-token",)
COLLECTIONS = {"groups": "group", "organizations": "organization"}
_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 409: "Conflict", 413: "Payload Too Large", 429: "Too Many Requests", 500: "Internal Server Error",
            503: "Service Unavailable"}


def _error(status: int, message: str, errors: dict[str, Any] | None = None, **headers: str) -> Response:
    body: dict[str, Any] = {"status": status, "error": _REASONS.get(status, ""), "message": message}
    if errors:
        body["errors"] = errors
    resp = jsonify(body)
    resp.status_code = status
    for key, value in headers.items():
        resp.headers[key.replace("_", "-")] = value
    return resp


def _gcat_error(exc: Exception, failure: CatalogueHttpError, user: str | None) -> Response:
    # gCat answers 401 both without a token and with one whose user has not
    # enough right for the request (its docs/index.rst, HTTP Statuses).
    if failure.status == 403:
        return _error(401, failure.message, failure.errors, WWW_Authenticate="Bearer")
    extra = {"WWW_Authenticate": "Bearer"} if failure.status == 401 else {}
    return _error(failure.status, failure.message, failure.errors, **extra)


def _translate(fn: Callable[[CatalogueCall], Response]) -> Response:
    """Run a view as this request's user; failures answer with gCat's JSON error."""
    return catalogue_run_view(fn, TOKEN_HEADERS, _gcat_error)




def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise tk.ValidationError({"body": ["A JSON object is required"]})
    return cast("dict[str, Any]", data)


def _bool_arg(name: str) -> bool:
    return request.args.get(name, "false").strip().lower() in ("true", "1", "yes")


COLLECTION_METHODS = ("GET", "POST")
MEMBER_METHODS = ("GET", "PUT", "PATCH", "DELETE", "PURGE")


def _not_allowed(allowed: tuple[str, ...]) -> Response:
    return _error(405, f"Method {request.method} not allowed here")


def _route(rule: str, allowed: tuple[str, ...], **defaults: str) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    return catalogue_api_route(gcat, rule, allowed, _not_allowed, defaults=defaults or None)


collection_view = CatalogueMethodViews("collection_view")
_route("/organizations", COLLECTION_METHODS, collection="organizations")(collection_view)
_route("/groups", COLLECTION_METHODS, collection="groups")(collection_view)


@collection_view.get
def collection_list(collection: str) -> Response:
    kind = COLLECTIONS[collection]
    return _translate(lambda call: jsonify(call("catalogue_group_list", {
        "kind": kind, "limit": request.args.get("limit", 10), "offset": request.args.get("offset", 0),
        "count": _bool_arg("count"),
    })))


@collection_view.post
def collection_create(collection: str) -> Response:
    kind = COLLECTIONS[collection]

    def run(call: Callable[..., Any]) -> Response:
        created = call("catalogue_group_create", {**_body(), "kind": kind})
        resp = jsonify(created)
        resp.status_code = 201
        resp.headers["Location"] = url_for("catalogue_gcat.member_view", collection=collection,
                                           id=created["name"], _external=True)
        return resp

    return _translate(run)


member_view = CatalogueMethodViews("member_view")
_route("/organizations/<id>", MEMBER_METHODS, collection="organizations")(member_view)
_route("/groups/<id>", MEMBER_METHODS, collection="groups")(member_view)


@member_view.get
def member_show(collection: str, id: str) -> Response:
    kind = COLLECTIONS[collection]
    return _translate(lambda call: jsonify(call("catalogue_group_show", {"id": id, "kind": kind})))


@member_view.put
def member_update(collection: str, id: str) -> Response:
    kind = COLLECTIONS[collection]
    return _translate(lambda call: jsonify(call("catalogue_group_update", {**_body(), "id": id, "kind": kind})))


@member_view.patch
def member_patch(collection: str, id: str) -> Response:
    kind = COLLECTIONS[collection]
    return _translate(lambda call: jsonify(call("catalogue_group_patch", {**_body(), "id": id, "kind": kind})))


def _member_remove(collection: str, id: str, purge: bool) -> Response:
    """PURGE, or DELETE (a purge with ?purge=true): 204."""
    kind = COLLECTIONS[collection]

    def run(call: Callable[..., Any]) -> Response:
        if purge or _bool_arg("purge"):
            call("catalogue_group_purge", {"id": id, "kind": kind})
        else:
            call("catalogue_group_delete", {"id": id, "kind": kind})
        return Response(status=204)

    return _translate(run)


@member_view.delete
def member_delete(collection: str, id: str) -> Response:
    return _member_remove(collection, id, purge=False)


@member_view.purge
def member_purge(collection: str, id: str) -> Response:
    return _member_remove(collection, id, purge=True)


ITEM_KIND = "gcat.item"
ITEM_COLLECTION_METHODS = ("GET", "POST", "DELETE", "PURGE")
# gCat has no partial update of items: PATCH answers 405 with Allow. POST
# is its moderation call.
ITEM_METHODS = ("GET", "POST", "PUT", "DELETE", "PURGE")
# gCat's moderation body: the state an item goes to, and a message.
CM_ITEM_STATUS = "cm_item_status"
CM_DECISIONS = {"approved": "approve", "rejected": "reject"}


def _gcat_item(item: dict[str, Any]) -> dict[str, Any]:
    """An item as gCat shows it: its CKAN-style document with the server's fields."""
    shown: dict[str, Any] = {**item["doc"], "id": item["id"], "name": item["name"], "private": item["private"],
             "state": item["state"], "owner_org": item["owner_org"], "organization": item["organization"],
             "metadata_created": item["metadata_created"], "metadata_modified": item["metadata_modified"]}
    if item.get("moderation"):
        shown["moderation"] = item["moderation"]
    return shown


def _item_body() -> tuple[dict[str, Any], dict[str, Any]]:
    """The document and the core parameters a gCat item body carries."""
    doc = dict(_body())
    params: dict[str, Any] = {}
    for key in ("id", "state", "metadata_created", "metadata_modified", "organization"):
        doc.pop(key, None)
    if "private" in doc:
        params["private"] = doc.pop("private")
    if doc.get("owner_org"):
        params["organization"] = doc.pop("owner_org")
    doc.pop("owner_org", None)
    return doc, params


items_view = CatalogueMethodViews("items_view")
_route("/items", ITEM_COLLECTION_METHODS)(items_view)


@items_view.get
def items_list() -> Response:

    def run(call: Callable[..., Any]) -> Response:
        query: dict[str, Any] = {"kind": [ITEM_KIND], "q": request.args.get("q", ""),
                 "limit": request.args.get("limit", 10), "offset": request.args.get("offset", 0),
                 "moderation": request.args.get("status", "")}
        if _bool_arg("count"):
            return jsonify(call("catalogue_item_count", query)["count"])
        return jsonify([i["name"] for i in call("catalogue_item_search", query)["results"]])

    return _translate(run)


@items_view.post
def items_create() -> Response:

    def run(call: Callable[..., Any]) -> Response:
        doc, params = _item_body()
        created = call("catalogue_item_create", {"kind": ITEM_KIND, "doc": doc, **params})
        resp = jsonify(_gcat_item(created))
        resp.status_code = 201
        resp.headers["Location"] = url_for("catalogue_gcat.item_view", name=created["name"], _external=True)
        return resp

    return _translate(run)


def _items_remove(purge: bool) -> Response:
    """DELETE (``purge=true``: as PURGE) or PURGE /gcat/items: the caller's
    items (``own_only=false``, Catalogue-Admins: everyone's) go in a
    background job; 202 at once."""

    def run(call: CatalogueCall) -> Response:
        own_only = request.args.get("own_only", "true").strip().lower() not in ("false", "0", "no")
        queued = call("catalogue_item_bulk_remove", {"kind": [ITEM_KIND], "own_only": own_only,
                                                     "purge": purge or _bool_arg("purge")})
        resp = jsonify(queued)
        resp.status_code = 202
        return resp

    return _translate(run)


@items_view.delete
def items_delete() -> Response:
    return _items_remove(purge=False)


@items_view.purge
def items_purge() -> Response:
    return _items_remove(purge=True)


item_view = CatalogueMethodViews("item_view")
_route("/items/<name>", ITEM_METHODS)(item_view)


@item_view.get
def item_show(name: str) -> Response:
    return _translate(lambda call: jsonify(_gcat_item(call("catalogue_item_show", {"id": name, "kind": [ITEM_KIND]}))))


@item_view.put
def item_update(name: str) -> Response:

    def run(call: Callable[..., Any]) -> Response:
        doc, params = _item_body()
        if doc.get("name", name) != name:
            raise tk.ValidationError({"name": ["The name in the body must be the one in the path"]})
        doc.setdefault("name", name)
        return jsonify(_gcat_item(call("catalogue_item_update",
                                       {"id": name, "doc": doc, "kind": [ITEM_KIND], **params})))

    return _translate(run)


def _item_remove(name: str, purge: bool) -> Response:
    """PURGE, or DELETE (a purge with ?purge=true): 204."""

    def run(call: Callable[..., Any]) -> Response:
        if purge or _bool_arg("purge"):
            call("catalogue_item_purge", {"id": name, "kind": [ITEM_KIND]})
        else:
            call("catalogue_item_delete", {"id": name, "kind": [ITEM_KIND]})
        return Response(status=204)

    return _translate(run)


@item_view.delete
def item_delete(name: str) -> Response:
    return _item_remove(name, purge=False)


@item_view.purge
def item_purge(name: str) -> Response:
    return _item_remove(name, purge=True)


@item_view.post
def item_moderate(name: str) -> Response:
    """The moderation call of gCat: ``{"cm_item_status": "approved" | "rejected",
    "message": ...}`` moves the item with a message; a message alone goes to
    the other party, the state unchanged."""

    def run(call: CatalogueCall) -> Response:
        body = _body()
        status, message = body.get(CM_ITEM_STATUS), body.get("message", "")
        if status is None:
            decision = "message"
        elif isinstance(status, str) and status in CM_DECISIONS:
            decision = CM_DECISIONS[status]
        else:
            raise tk.ValidationError({CM_ITEM_STATUS: [
                f"{CM_ITEM_STATUS} must be one of {', '.join(CM_DECISIONS)}"]})
        if not isinstance(message, str):
            raise tk.ValidationError({"message": ["The message must be a string"]})
        return jsonify(_gcat_item(call("catalogue_item_moderate", {
            "id": name, "decision": decision, "message": message, "kind": [ITEM_KIND]})))

    return _translate(run)


@_route("/items/<name>/approve", ("POST",), decision="approve")
@_route("/items/<name>/reject", ("POST",), decision="reject")
def moderation_view(name: str, decision: str) -> Response:
    """POST /items/{name}/approve, POST /items/{name}/reject (``{"message": ...}``)."""

    def run(call: Callable[..., Any]) -> Response:
        body: Any = request.get_json(silent=True) or {}
        message = cast("dict[str, Any]", body).get("message", "") if isinstance(body, dict) else ""
        moderated = call("catalogue_item_moderate", {"id": name, "decision": decision, "message": message,
                                                     "kind": [ITEM_KIND]})
        return jsonify(_gcat_item(moderated))

    return _translate(run)


# --- an item's resources: CKAN resources of its dataset ---

RESOURCE_FIELDS = ("name", "url", "description", "format", "mimetype")
# gCat's words for a resource body without a url (its CKANResource check).
_NO_URL = "The content must contains the url property"


def _resource_body(resource_id: str | None = None) -> dict[str, Any]:
    """A resource's fields from a JSON body, or from a multipart form with
    its file in ``upload`` (stored by CKAN's uploader)."""
    if request.mimetype == "multipart/form-data":
        sent: dict[str, Any] = dict(request.form.items())
        if "upload" in request.files:
            sent["upload"] = request.files["upload"]
    else:
        sent = _body()
    fields: dict[str, Any] = {k: sent[k] for k in (*RESOURCE_FIELDS, "upload") if k in sent}
    if sent.get("package_id"):
        fields["package_id"] = sent["package_id"]
    if resource_id is not None and sent.get("id") not in (None, "", resource_id):
        raise tk.ValidationError({"id": [
            f"Resource ID {resource_id} does not match {sent['id']} which is the value of id contained in the "
            "representation."]})
    return fields


def _resource_call(call: CatalogueCall, action: str, data: dict[str, Any]) -> Any:
    """The core's resource action, its refusals in gCat's words."""
    try:
        return call(action, data)
    except tk.ValidationError as error:
        errors = error.error_dict or {}
        if "url" in errors:
            raise tk.ValidationError({"url": [_NO_URL]}) from error
        if "package_id" in errors:
            raise tk.ValidationError({"package_id": [
                f"Item ID {data['id']} does not match {data.get('package_id')} which is the value of package_id "
                "contained in the representation."]}) from error
        raise


resources_view = CatalogueMethodViews("resources_view")
_route("/items/<name>/resources", ("GET", "POST"))(resources_view)


@resources_view.get
def resources_list(name: str) -> Response:
    return _translate(lambda call: jsonify(call("catalogue_item_resource_list", {"id": name, "kind": [ITEM_KIND]})))


@resources_view.post
def resource_create(name: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        created = _resource_call(call, "catalogue_item_resource_create",
                                 {"id": name, "kind": [ITEM_KIND], **_resource_body()})
        resp = jsonify(created)
        resp.status_code = 201
        resp.headers["Location"] = url_for("catalogue_gcat.resource_view", name=name, resource_id=created["id"],
                                           _external=True)
        return resp

    return _translate(run)


resource_view = CatalogueMethodViews("resource_view")
_route("/items/<name>/resources/<resource_id>", ("GET", "PUT", "DELETE"))(resource_view)


@resource_view.get
def resource_show(name: str, resource_id: str) -> Response:
    return _translate(lambda call: jsonify(call("catalogue_item_resource_show", {
        "id": name, "kind": [ITEM_KIND], "resource_id": resource_id})))


@resource_view.put
def resource_update(name: str, resource_id: str) -> Response:
    return _translate(lambda call: jsonify(_resource_call(call, "catalogue_item_resource_update", {
        "id": name, "kind": [ITEM_KIND], "resource_id": resource_id, **_resource_body(resource_id)})))


@resource_view.delete
def resource_delete(name: str, resource_id: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        call("catalogue_item_resource_delete", {"id": name, "kind": [ITEM_KIND], "resource_id": resource_id})
        return Response(status=204)

    return _translate(run)


TRASH_METHODS = ("GET", "DELETE")


trash_view = CatalogueMethodViews("trash_view")
_route("/trash", TRASH_METHODS)(trash_view)


@trash_view.get
def trash_list() -> Response:
    return _translate(lambda call: jsonify(call("catalogue_trash_list", {})))


@trash_view.delete
def trash_empty() -> Response:

    def run(call: Callable[..., Any]) -> Response:
        call("catalogue_trash_empty", {})
        return Response(status=204)

    return _translate(run)


@gcat.route("/<anypath:unknown>", methods=list(CATALOGUE_ROUTED_METHODS))
def unknown_view(unknown: str) -> Response:
    return _error(404, f"No such resource: /gcat/{unknown}")


# --- profiles: the item kinds' metadata profiles, as gCube metadata formats ---

@_route("/profiles", ("GET",))
def profiles_view() -> Response:
    """The profile names (``count=true``: how many)."""

    def run(call: CatalogueCall) -> Response:
        names = call("catalogue_kind_list", {})
        return jsonify(len(names) if _bool_arg("count") else names)

    return _translate(run)


def _profile_fields(profile: dict[str, Any]) -> list[dict[str, Any]]:
    """Each field as a gCube metadata profile names its parts."""
    fields: list[dict[str, Any]] = []
    for f in profile["fields"]:
        field: dict[str, Any] = {"fieldName": f["name"], "mandatory": f["mandatory"], "dataType": f["data_type"],
                                 "maxOccurs": f["max_occurs"]}
        if "default_value" in f:
            field["defaultValue"] = f["default_value"]
        if "note" in f:
            field["note"] = f["note"]
        if "vocabulary" in f:
            field["vocabulary"] = {"vocabularyField": f["vocabulary"]}
        if "regular_expression" in f:
            field["validator"] = {"regularExpression": f["regular_expression"]}
        fields.append(field)
    return fields


def _xml(parent: ElementTree.Element, name: str, value: Any) -> None:
    if isinstance(value, dict):
        child = ElementTree.SubElement(parent, name)
        for key, sub in cast("dict[str, Any]", value).items():
            _xml(child, key, sub)
    elif isinstance(value, list):
        for sub in cast("list[Any]", value):
            _xml(parent, name, sub)
    else:
        ElementTree.SubElement(parent, name).text = ("true" if value else "false") if isinstance(value, bool) else str(value)


@_route("/profiles/<name>", ("GET",))
def profile_view(name: str) -> Response:
    """One profile: XML by default, JSON when the caller prefers it."""

    def run(call: CatalogueCall) -> Response:
        profile = call("catalogue_kind_show", {"name": name})
        fields = _profile_fields(profile)
        if request.accept_mimetypes.best_match(["application/xml", "application/json"],
                                               "application/xml") == "application/json":
            return jsonify({"metadataformat": {"type": profile["name"], "metadatafield": fields}})
        root = ElementTree.Element("metadataformat", {"type": profile["name"]})
        for field in fields:
            _xml(root, "metadatafield", field)
        body = '<?xml version="1.0" encoding="UTF-8"?>' + ElementTree.tostring(root, encoding="unicode")
        return Response(body, mimetype="application/xml")

    return _translate(run)


@_route("/licenses", ("GET",))
def licenses_view() -> Response:
    return _translate(lambda call: jsonify(call("license_list", {})))


# What this API is, for the shared HTTP layer (its plugin declares it).
DIALECT = CatalogueDialect(
    name="gcat", title="D4Science gCat", home="/gcat/items",
    summary="Items, groups and organizations of a gCube catalogue, with moderation and profiles.",
    blueprint=gcat, openapi=Path(__file__).with_name("openapi.yaml"),
    token_headers=TOKEN_HEADERS, scoped_endpoints=(), file_endpoints=(),
    upload_endpoints=("catalogue_gcat.resources_view", "catalogue_gcat.resource_view"),
    too_many=lambda retry: _error(429, f"Too many requests; retry in {retry} seconds"),
)
