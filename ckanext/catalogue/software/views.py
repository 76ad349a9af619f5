"""Waldur's software-catalog API over the catalogue core: HTTP in, core
actions, Waldur's bodies (bare JSON arrays, X-Result-Count and Link
headers) and its Django REST framework errors out. No rule lives here."""
from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

from flask import Response, jsonify, request, url_for

from ckanext.catalogue.api.http import (
    CATALOGUE_ROUTED_METHODS,
    CatalogueCall,
    CatalogueDialectError,
    CatalogueHttpError,
    CatalogueMethodViews,
    catalogue_api_blueprint,
    catalogue_api_route,
    catalogue_run_view,
)
from ckanext.catalogue.core.errors import CatalogueConflict, CatalogueInvalid
from ckanext.catalogue.interfaces import CatalogueDialect
from ckanext.catalogue.software.loaders.base import CATALOG_TYPES

software = catalogue_api_blueprint("catalogue_software", __name__, url_prefix="/api")

PAGE_SIZE, PAGE_SIZE_MAX = 10, 300
COLLECTIONS = {"packages": "packages", "versions": "versions", "targets": "targets"}
ENDPOINT = {"catalogs": "catalogue_software.catalog", "packages": "catalogue_software.package",
            "versions": "catalogue_software.version", "targets": "catalogue_software.target"}


class SoftwareError(CatalogueDialectError):
    def __init__(self, status: int, body: Any):
        super().__init__(str(body))
        self.status, self.body = status, body  # type: ignore[misc]


def _json(body: Any, status: int = 200, **headers: str) -> Response:
    resp = jsonify(body)
    resp.status_code = status
    for key, value in headers.items():
        resp.headers[key.replace("_", "-")] = value
    return resp


def _detail(status: int, message: str, **headers: str) -> Response:
    return _json({"detail": message}, status, **headers)




def _software_error(exc: Exception, failure: CatalogueHttpError, user: str | None) -> Response:
    if isinstance(exc, SoftwareError):
        return _json(exc.body, exc.status)
    if failure.status == 401:
        message = ("Invalid token." if request.headers.get("Authorization")
                   else "Authentication credentials were not provided.")
        return _detail(401, message, WWW_Authenticate="Token")
    if failure.status == 403:
        return _detail(403, "You do not have permission to perform this action.")
    if failure.status == 404:
        return _detail(404, "Not found.")
    if isinstance(exc, CatalogueInvalid):
        errors = exc.error_dict
        # Waldur answers a refused import or update with a list of messages.
        if isinstance(exc, CatalogueConflict) and set(errors) <= {"name", "non_field_errors"} and request.path.endswith(
                "/import_catalog/"):
            return _json([m for msgs in errors.values() for m in cast("list[Any]", msgs)], 400)
        if set(errors) == {"non_field_errors"} and request.path.endswith("/update_catalog/"):
            return _json(errors["non_field_errors"], 400)
        return _json({k: v if isinstance(v, list) else [v] for k, v in errors.items()}, 400)
    if failure.status in (400, 409):
        return _json(failure.errors or {"non_field_errors": [failure.message]}, 400)
    if failure.status in (413, 503):
        return _detail(failure.status, failure.message)
    return _detail(500, failure.message)


def _translate(fn: Callable[[CatalogueCall], Response]) -> Response:
    return catalogue_run_view(fn, (), _software_error)


def _not_allowed(allowed: tuple[str, ...]) -> Response:
    return _detail(405, f'Method "{request.method}" not allowed.')


# --- shapes ---

def _time(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        value = value.isoformat()
    elif isinstance(value, datetime.date):
        return value.isoformat()
    value = str(value)
    return value if value.endswith("Z") or "+" in value[10:] else value + "Z"


def _url(collection: str, uuid: str) -> str:
    return url_for(ENDPOINT[collection], uuid=uuid, _external=True)


def _catalog(c: dict[str, Any]) -> dict[str, Any]:
    return {
        "url": _url("catalogs", c["uuid"]), "uuid": c["uuid"], "created": _time(c["created"]),
        "modified": _time(c["modified"]), "name": c["name"], "version": c["version"],
        "catalog_type": c["catalog_type"], "catalog_type_display": c["catalog_type_display"],
        "source_url": c["source_url"], "description": c["description"], "metadata": c["metadata"],
        "auto_update_enabled": c["auto_update_enabled"], "last_update_attempt": _time(c["last_update_attempt"]),
        "last_successful_update": _time(c["last_successful_update"]), "update_errors": c["update_errors"],
        "package_count": c["package_count"], "version_count": c["version_count"],
        "target_count": c["target_count"],
        "supports_cpu_target_restrictions": c["supports_cpu_target_restrictions"],
    }


def _catalog_uuid(record: dict[str, Any]) -> str:
    return record["catalog_id"].replace("-", "")


def _target(t: dict[str, Any], full: bool = True) -> dict[str, Any]:
    shown: dict[str, Any] = {"uuid": t["uuid"], "target_type": t["target_type"], "target_name": t["target_name"],
             "target_subtype": t["target_subtype"] or "", "location": t["location"] or "",
             "metadata": t["metadata"] or {}, "gpu_architectures": t["gpu_architectures"] or []}
    if full:
        shown = {"url": _url("targets", t["uuid"]), **shown, "created": _time(t["created"]),
                 "modified": _time(t["modified"]), "version_uuid": t["version_uuid"],
                 "package_uuid": t["package_uuid"], "package_name": t.get("package_name", ""),
                 "catalog_uuid": _catalog_uuid(t)}
    return shown


def _meta_views(metadata: dict[str, Any]) -> dict[str, Any]:
    """Fields Waldur reads out of a version's metadata, in the types its
    clients expect whatever a hand-made record holds."""
    def of(key: str, kind: type) -> Any:
        value = metadata.get(key)
        return value if isinstance(value, kind) else kind()

    return {"module": of("module", dict), "required_modules": of("required_modules", list),
            "extensions": of("extensions", list), "toolchain": of("toolchain", dict),
            "toolchain_families_compatibility": of("toolchain_families_compatibility", list)}


def _dependencies(deps: Any) -> dict[str, Any]:
    """Dependencies as ``{name: version or null}``, the object Waldur's
    OpenAPI document (and so its clients) declare for this field."""
    out: dict[str, Any] = {}
    for dep in cast("list[Any]", deps) if isinstance(deps, list) else []:
        if isinstance(dep, dict):
            name = cast(Any, dep.get("module_name") or dep.get("name") or dep.get("full_module_name"))
            if name:
                out[str(name)] = dep.get("module_version") or dep.get("version")
        elif isinstance(dep, str):
            name, _, version = dep.partition("/")
            out[name] = version or None
    return out if isinstance(deps, list) else (cast("dict[str, Any]", deps) if isinstance(deps, dict) else {})


def _version(v: dict[str, Any], full: bool = True) -> dict[str, Any]:
    metadata: dict[str, Any] = v.get("metadata") or {}
    if not full:
        return {"uuid": v["uuid"], "version": v["version"], "module_version": v.get("module_version") or "",
                "release_date": _time(v.get("release_date")),
                "targets": [_target(t, False) for t in v.get("targets", [])], **_meta_views(metadata)}
    return {
        "url": _url("versions", v["uuid"]), "uuid": v["uuid"], "created": _time(v["created"]),
        "modified": _time(v["modified"]), "version": v["version"], "module_version": v.get("module_version") or "",
        "release_date": _time(v.get("release_date")), "dependencies": _dependencies(v.get("dependencies")),
        "metadata": metadata, "package_name": v.get("package_name", ""), "catalog_type": v.get("catalog_type", ""),
        "target_count": v.get("target_count", 0), **_meta_views(metadata), "package_uuid": v["package_uuid"],
        "catalog_uuid": _catalog_uuid(v),
    }


def _related(r: dict[str, Any]) -> dict[str, Any]:
    return {"uuid": r["uuid"], "name": r["name"], "url": _url("packages", r["uuid"]), "versions": r["versions"]}


def _package(p: dict[str, Any]) -> dict[str, Any]:
    return {
        "url": _url("packages", p["uuid"]), "uuid": p["uuid"], "created": _time(p["created"]),
        "modified": _time(p["modified"]), "catalog": _url("catalogs", _catalog_uuid(p)),
        "catalog_uuid": _catalog_uuid(p), "name": p["name"], "description": p["description"] or "",
        "homepage": p["homepage"], "categories": p["categories"] or [], "licenses": p["licenses"] or [],
        "maintainers": p["maintainers"] or [], "is_extension": bool(p["is_extension"]),
        "parent_softwares": [_related(r) for r in p.get("parent_softwares", [])],
        "extensions": [_related(r) for r in p.get("extensions", [])],
        "catalog_name": p["catalog_name"], "catalog_version": p["catalog_version"],
        "catalog_type": p["catalog_type"], "catalog_type_display": CATALOG_TYPES.get(p["catalog_type"], ""),
        "version_count": p.get("version_count", 0), "extension_count": p.get("extension_count", 0),
        "versions": [_version(v, False) for v in p.get("versions", [])],
    }


SHAPES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "catalogs": _catalog, "packages": _package, "versions": _version, "targets": _target}


# --- requests ---

def _body() -> dict[str, Any]:
    """The JSON object sent (form posts are refused: a browser can send
    those across sites with a signed-in user's cookie)."""
    if request.get_data() == b"":
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise SoftwareError(400, {"non_field_errors": ["Invalid data. Expected a JSON object."]})
    return cast("dict[str, Any]", data)


def _page() -> tuple[int, int]:
    size_raw = request.args.get("page_size", "").strip()
    size = int(size_raw) if size_raw.isascii() and size_raw.isdigit() else 0
    size = min(size, PAGE_SIZE_MAX) if size > 0 else PAGE_SIZE
    page_raw = request.args.get("page", "1")
    if page_raw == "last":
        return -1, size
    if not (page_raw.isascii() and page_raw.isdigit()) or int(page_raw) < 1 or (int(page_raw) - 1) * size > 2 ** 31 - 1:
        raise SoftwareError(404, {"detail": "Invalid page."})
    return int(page_raw), size


def _link(page: int | None) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    if page is not None:
        args.append(("page", str(page)))
    return request.base_url + ("?" + urlencode(args) if args else "")


def _paged(results: list[dict[str, Any]], count: int, page: int, size: int) -> Response:
    pages = max(1, math.ceil(count / size))
    links = [f'<{_link(None)}>; rel="first"']
    if page > 1:
        links.append(f'<{_link(page - 1 if page > 2 else None)}>; rel="prev"')
    if page < pages:
        links.append(f'<{_link(page + 1)}>; rel="next"')
    links.append(f'<{_link(pages if pages > 1 else None)}>; rel="last"')
    headers = {"X-Result-Count": str(count), "Link": ", ".join(links)}
    if request.method == "HEAD":
        resp = Response(status=200)
        resp.headers.update(headers)
        del resp.headers["Content-Type"]  # no body, no type: as Django REST framework answers it
        return resp
    resp = jsonify(results)
    resp.headers.update(headers)
    return resp


def _list(call: CatalogueCall, action: str, data: dict[str, Any], shape: Callable[[dict[str, Any]], Any]
          ) -> Response:
    page, size = _page()
    if page == -1:  # ?page=last
        total = call(action, {**data, "limit": 0, "offset": 0})["count"]
        page = max(1, math.ceil(total / size))
    found = call(action, {**data, "limit": size, "offset": (page - 1) * size})
    if page > 1 and not found["results"]:
        raise SoftwareError(404, {"detail": "Invalid page."})
    return _paged([shape(r) for r in found["results"]], found["count"], page, size)


def _query() -> dict[str, Any]:
    """Query parameters, repeated ones as lists (``o``, ``cpu_family``)."""
    out: dict[str, Any] = {}
    for key in request.args:
        values = request.args.getlist(key)
        out[key] = values if len(values) > 1 else values[0]
    for key in ("page", "page_size"):
        out.pop(key, None)
    return out


# --- catalogs ---

catalogs = CatalogueMethodViews("catalogs")
catalogue_api_route(software, "/marketplace-software-catalogs/", ("GET", "POST"), _not_allowed)(catalogs)


@catalogs.get
def catalogs_list() -> Response:
    return _translate(lambda call: _list(call, "catalogue_software_catalog_list", _query(), _catalog))


@catalogs.post
def catalogs_create() -> Response:

    def run(call: CatalogueCall) -> Response:
        created = call("catalogue_software_catalog_create", {"doc": _body()})
        return _json(_catalog(created), 201, Location=_url("catalogs", created["uuid"]))

    return _translate(run)


@catalogue_api_route(software, "/marketplace-software-catalogs/discover/", ("GET",), _not_allowed)
def discover() -> Response:

    def run(call: CatalogueCall) -> Response:
        found = call("catalogue_software_discover", {})
        page, size = _page()
        page = max(1, -(-len(found) // size)) if page == -1 else page
        if page > 1 and (page - 1) * size >= len(found):
            raise SoftwareError(404, {"detail": "Invalid page."})
        return _paged(found[(page - 1) * size:page * size], len(found), page, size)

    return _translate(run)


@catalogue_api_route(software, "/marketplace-software-catalogs/import_catalog/", ("POST",), _not_allowed)
def import_catalog() -> Response:

    def run(call: CatalogueCall) -> Response:
        return _json(call("catalogue_software_import", {"name": _body().get("name")}), 202)

    return _translate(run)


catalog = CatalogueMethodViews("catalog")
catalogue_api_route(software, "/marketplace-software-catalogs/<uuid>/", ("GET", "PUT", "PATCH", "DELETE"),
                    _not_allowed)(catalog)


@catalog.get
def catalog_show(uuid: str) -> Response:
    return _translate(lambda call: _json(_catalog(call("catalogue_software_catalog_show", {"id": uuid}))))


def _catalog_change(uuid: str, partial: bool) -> Response:
    """PUT, or PATCH (``partial``: the fields sent, the others kept)."""

    def run(call: CatalogueCall) -> Response:
        changed = call("catalogue_software_catalog_update", {"id": uuid, "doc": _body(), "partial": partial})
        return _json(_catalog(changed))

    return _translate(run)


@catalog.put
def catalog_update(uuid: str) -> Response:
    return _catalog_change(uuid, partial=False)


@catalog.patch
def catalog_patch(uuid: str) -> Response:
    return _catalog_change(uuid, partial=True)


@catalog.delete
def catalog_delete(uuid: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        call("catalogue_software_catalog_delete", {"id": uuid})
        return Response(status=204)

    return _translate(run)


@catalogue_api_route(software, "/marketplace-software-catalogs/<uuid>/update_catalog/", ("POST",), _not_allowed)
def update_catalog(uuid: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        return _json(call("catalogue_software_update", {"id": uuid}), 202)

    return _translate(run)


@catalogue_api_route(software, "/marketplace-software-catalogs/<uuid>/cpu_targets/", ("GET",), _not_allowed)
def cpu_targets(uuid: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        return _json(call("catalogue_software_cpu_targets", {"id": uuid}))

    return _translate(run)


# --- packages, versions, targets ---

def _records_list(collection: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        query = _query()
        order = query.pop("o", None)
        return _list(call, "catalogue_software_record_list",
                     {"collection": collection, "filters": query, **({"o": order} if order else {})},
                     SHAPES[collection])

    return _translate(run)


def _records_create(collection: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        created = call("catalogue_software_record_create", {"collection": collection, "fields": _body()})
        return _json(SHAPES[collection](created), 201, Location=_url(collection, created["uuid"]))

    return _translate(run)


def _record_show(collection: str, uuid: str) -> Response:
    return _translate(lambda call: _json(SHAPES[collection](call(
        "catalogue_software_record_show", {"collection": collection, "uuid": uuid}))))


def _record_change(collection: str, uuid: str, partial: bool) -> Response:
    """PUT, or PATCH (``partial``: the fields sent, the others kept)."""

    def run(call: CatalogueCall) -> Response:
        changed = call("catalogue_software_record_update",
                       {"collection": collection, "uuid": uuid, "fields": _body(), "partial": partial})
        return _json(SHAPES[collection](changed))

    return _translate(run)


def _record_update(collection: str, uuid: str) -> Response:
    return _record_change(collection, uuid, partial=False)


def _record_patch(collection: str, uuid: str) -> Response:
    return _record_change(collection, uuid, partial=True)


def _record_delete(collection: str, uuid: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        call("catalogue_software_record_delete", {"collection": collection, "uuid": uuid})
        return Response(status=204)

    return _translate(run)


def _record_routes(collection: str, member: str) -> None:
    """``/marketplace-software-<collection>/`` (endpoint ``collection``) and
    its members (endpoint ``member``): the same views for each collection,
    which the rules pass in as a default."""
    records = CatalogueMethodViews(collection)
    records.get(_records_list)
    records.post(_records_create)
    catalogue_api_route(software, f"/marketplace-software-{collection}/", ("GET", "POST"), _not_allowed,
                        defaults={"collection": collection})(records)
    record = CatalogueMethodViews(member)
    record.get(_record_show)
    record.put(_record_update)
    record.patch(_record_patch)
    record.delete(_record_delete)
    catalogue_api_route(software, f"/marketplace-software-{collection}/<uuid>/", ("GET", "PUT", "PATCH", "DELETE"),
                        _not_allowed, defaults={"collection": collection})(record)


_record_routes("packages", "package")
_record_routes("versions", "version")
_record_routes("targets", "target")


@software.route("/marketplace-software-<anypath:unknown>", methods=list(CATALOGUE_ROUTED_METHODS))
def unknown(unknown: str) -> Response:
    return _detail(404, "Not found.")


# What this API is, for the shared HTTP layer (its plugin declares it).
DIALECT = CatalogueDialect(
    name="software", title="Waldur software catalogs", home="/api/marketplace-software-catalogs/",
    summary="EESSI and Spack software: packages, versions and targets.",
    blueprint=software, openapi=Path(__file__).with_name("openapi.yaml"),
    token_headers=(), scoped_endpoints=(), file_endpoints=(),
    too_many=lambda retry: _detail(
    429, f"Request was throttled. Expected available in {retry} seconds."),
)
