"""IBM Global Catalog API v1 (/globalcatalog/api/v1) over the catalogue
core: HTTP in, core actions, Global Catalog bodies and status codes out.
No rule lives here."""
from __future__ import annotations

import contextlib
import hashlib
import json
import re
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, urlencode

import orjson
from flask import Response, request, url_for

import ckan.plugins.toolkit as tk

from ckanext.catalogue.api.guards import catalogue_file_headers
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
from ckanext.catalogue.config import catalogue_globalcatalog_default_account, catalogue_globalcatalog_ibm_account
from ckanext.catalogue.core.artifacts import catalogue_artifact_content
from ckanext.catalogue.core.document import catalogue_pricing_of
from ckanext.catalogue.core.errors import CODE_NOT_ALLOWED, CatalogueInvalid
from ckanext.catalogue.core.gc_pause import catalogue_gc_pause
from ckanext.catalogue.globalcatalog.kinds import (
    GLOBALCATALOG_KIND_NAMES,
    globalcatalog_gc_kind,
    globalcatalog_kind_name,
)
from ckanext.catalogue.interfaces import CatalogueDialect
from ckanext.catalogue.logic.schema import CATALOGUE_MAX_PAGE

globalcatalog = catalogue_api_blueprint("catalogue_globalcatalog", __name__, url_prefix="/globalcatalog/api/v1")

# Fields the server sets; a body may carry them (an entry read and sent
# back), they are not stored.
SERVER_FIELDS = ("id", "kind", "url", "children_url", "catalog_crn", "geo_tags", "pricing_tags", "created",
                 "updated", "children")
BASIC_FIELDS = ("id", "name", "kind", "overview_ui", "images", "tags", "provider", "parent_id", "group",
                "active", "disabled", "url", "children_url", "catalog_crn", "geo_tags", "pricing_tags",
                "created", "updated")
LIMIT_DEFAULT, LIMIT_MAX = 50, 200
# The account the SDK names for the whole catalogue (sysadmins').
GLOBAL_ACCOUNT = "global"
IBM_ONLY, NONIBM_ONLY = "ibm_only", "nonibm_only"
# The SDK's VisibilityDetailAccounts model sends one account as the value
# of this literal key; raw dicts key accounts by their own ids.
SDK_ACCOUNT_KEY = "_accountid_"
# A whole tree is one Solr request of at most this many entries (the
# catalogue's largest page).
DEPTH_MAX_ITEMS = CATALOGUE_MAX_PAGE
SORTS = {"name": "doc.name", "displayname": "doc.overview_ui.en.display_name", "kind": "catalogue_kind",
         "provider": "doc.provider.name", "sbsindex": "doc.metadata.ui.side_by_side_index",
         "created": "metadata_created", "updated": "metadata_modified"}
CHILD_SORTS = ("name", "kind", "provider")
# q filters: the document property each matches exactly.
Q_FILTERS = {"tag": "tags", "rc": "metadata.rc_compatible", "iam": "metadata.service.iam_compatible",
             "active": "active", "geo": "metadata.deployment.location", "price": "metadata.pricing.type"}


class GlobalCatalogError(CatalogueDialectError):
    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def _json_bytes(body: Any) -> bytes:
    # orjson writes a large answer (depth=*) several times faster; what it
    # cannot write (an integer beyond 64 bits, a lone surrogate that a
    # refused field's name may hold) the standard encoder writes, escaped.
    try:
        return orjson.dumps(body)
    except TypeError:
        return json.dumps(body, separators=(",", ":")).encode()


def _json(body: Any, status: int = 200, etag: str | None = None) -> Response:
    resp = Response(_json_bytes(body), status=status, mimetype="application/json")
    if etag:
        resp.headers["ETag"] = etag
    return resp


def _error(status: int, message: str, errors: dict[str, Any] | None = None) -> Response:
    """IBM's API error body: a list of errors, each with a code, message and
    (for bad input) the field."""
    code = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
            409: "conflict", 412: "precondition_failed", 413: "payload_too_large", 429: "too_many_requests", 503: "service_unavailable"}
    listed = []
    for field, messages in (errors or {}).items():
        for text in cast("list[Any]", messages) if isinstance(messages, list) else [messages]:
            entry: dict[str, Any] = {"code": code.get(status, "error"), "message": str(text)}
            if field not in ("message", "request", "body"):
                entry["target"] = {"type": "field", "name": field}
            listed.append(entry)
    if not listed:
        listed = [{"code": code.get(status, "internal_error"), "message": message}]
    return _json({"errors": listed, "trace": request.headers.get("X-Request-Id", ""), "status_code": status},
                 status)




def _on_error(exc: Exception, failure: CatalogueHttpError, user: str | None) -> Response:
    if isinstance(exc, GlobalCatalogError):
        return _error(exc.status, exc.message, {exc.field: [exc.message]} if exc.field else None)
    return _error(failure.status, failure.message, failure.errors)


def _run(fn: Callable[[CatalogueCall], Response]) -> Response:
    return catalogue_run_view(fn, (), _on_error)


def _not_allowed(allowed: tuple[str, ...]) -> Response:
    return _error(405, f"{request.method} is not allowed here")


# --- request parsing ---

def _int_arg(name: str, default: int, high: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise GlobalCatalogError(400, f"{name} must be a whole number", name)
    return min(int(raw), high)


def _flag(name: str) -> bool:
    return request.args.get(name, "").strip().lower() == "true"


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise GlobalCatalogError(400, "The request body must be a JSON object", "body")
    return cast("dict[str, Any]", data)


def _core_kind(gc_kind: Any) -> str:
    name = globalcatalog_kind_name(gc_kind) if isinstance(gc_kind, str) else ""
    if name not in GLOBALCATALOG_KIND_NAMES:
        known = ", ".join(globalcatalog_gc_kind(k) for k in GLOBALCATALOG_KIND_NAMES)
        raise GlobalCatalogError(400, f"kind must be one of {known}", "kind")
    return name


def _doc(body: dict[str, Any]) -> dict[str, Any]:
    doc = {k: v for k, v in body.items() if k not in SERVER_FIELDS}
    doc.setdefault("active", False)  # an entry is inactive until said otherwise
    if doc.get("parent_id") in (None, ""):
        doc.pop("parent_id", None)
    return doc


# --- response shaping ---

def _base() -> str:
    return url_for("catalogue_globalcatalog.entries", _external=True).rstrip("/")


# Characters a URL path segment carries unquoted (quote leaves them as they are).
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]+")


def _gc_id(item: dict[str, Any]) -> str:
    return item["aliases"][0] if item.get("aliases") else item["id"]


def _utc(value: str | None) -> str | None:
    if not value:
        return value
    return (value[:23] if "." in value else value) + ("" if value.endswith("Z") else "Z")


def _languages() -> list[str] | None:
    """Languages asked for (``languages``, else Accept-Language); None for all."""
    raw = request.args.get("languages") or request.headers.get("Accept-Language", "")
    if _flag("complete"):
        return None
    wanted = [part.split(";")[0].strip().lower() for part in raw.split(",") if part.strip()]
    if not wanted or "*" in wanted:
        return None
    return wanted


def _overview(overview: Any, languages: list[str] | None) -> Any:
    if not isinstance(overview, dict) or languages is None:
        return cast(Any, overview)
    chosen = {lang: text for lang, text in cast("dict[str, Any]", overview).items()
              if lang.lower() in languages or lang.lower().split("-")[0] in {w.split("-")[0] for w in languages}}
    # An entry never loses its overview: English, else all, when none match.
    return cast(Any, chosen or ({"en": overview["en"]} if "en" in overview else overview))


def _include() -> list[str] | None:
    """Field paths asked for with ``include`` (None: every field; none
    given: the basic projection, without metadata)."""
    raw = request.args.get("include", "")
    if _flag("complete") or raw.strip() == "*":
        return None
    return [p.strip() for p in raw.split(":") if p.strip()]


def _pick(value: Any, path: list[str]) -> Any:
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return None
        value = cast("dict[str, Any]", value)[part]
    return value


def _entry(item: dict[str, Any], include: list[str] | None = None,
           languages: list[str] | None = None, base: str | None = None) -> dict[str, Any]:
    """An entry as the Global Catalog shows it; ``include`` (field paths)
    picks the parts of ``metadata`` shown, None shows all of it. ``base``:
    the API's URL, when the caller shapes many entries."""
    doc = item["doc"]
    gc_id = _gc_id(item)
    path_id = gc_id if _UNRESERVED.fullmatch(gc_id) else quote(gc_id, safe="")
    base = base or _base()
    metadata: dict[str, Any] | None = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else None
    deployment: dict[str, Any] = (metadata or {}).get("deployment") or {}
    pricing = catalogue_pricing_of(item) or {}
    gc_kind = globalcatalog_gc_kind(item["kind"])
    entry: dict[str, Any] = {
        "id": gc_id, "name": doc.get("name"), "kind": gc_kind,
        "overview_ui": _overview(doc.get("overview_ui"), languages), "images": doc.get("images"),
        "tags": doc.get("tags", []), "provider": doc.get("provider"), "group": doc.get("group", False),
        "active": doc.get("active", False), "disabled": doc.get("disabled", False),
        "url": f"{base}/{path_id}", "children_url": f"{base}/{path_id}/%2A",
        "catalog_crn": f"crn:v1:ckan:public:globalcatalog::a/{item.get('organization') or ''}::"
                       f"{gc_kind}:{gc_id}",
        "geo_tags": [deployment["location"]] if isinstance(deployment.get("location"), str) else [],
        "pricing_tags": [pricing["type"]] if isinstance(pricing.get("type"), str) else [],
        "created": _utc(item.get("metadata_created")), "updated": _utc(item.get("metadata_modified")),
    }
    if doc.get("parent_id"):
        entry["parent_id"] = doc["parent_id"]
    if metadata is not None:
        if include is None:
            entry["metadata"] = metadata
        else:
            picked: dict[str, Any] = {}
            for path in include:
                parts = path.split(".")
                if parts[0] != "metadata":
                    continue
                if len(parts) == 1:
                    picked = dict(metadata)
                    break
                value = _pick(metadata, parts[1:])
                if value is not None:
                    target = picked
                    for part in parts[1:-1]:
                        target = target.setdefault(part, {})
                    target[parts[-1]] = value
            if picked:
                entry["metadata"] = picked
    return entry


def _page_url(offset: int, limit: int) -> str:
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k not in ("_offset", "_limit")}
    args.update({"_offset": offset, "_limit": limit})
    return f"{request.base_url}?{urlencode(args)}"


def _page(found: dict[str, Any], offset: int, limit: int, resources: list[Any]) -> dict[str, Any]:
    count = found["count"]
    body: dict[str, Any] = {"offset": offset, "limit": limit, "count": count, "resource_count": len(resources),
                            "first": _page_url(0, limit),
                            "last": _page_url(max(0, ((count - 1) // limit) * limit) if limit else 0, limit)}
    if offset > 0 and limit:
        body["prev"] = _page_url(max(0, offset - limit), limit)
    if limit and offset + limit < count:
        body["next"] = _page_url(offset + limit, limit)
    body["resources"] = resources
    return body


def _not_modified(tag: str) -> Response | None:
    """304 when If-None-Match names ``tag`` (or is ``*``)."""
    wanted = {t.strip().removeprefix("W/") for t in request.headers.get("If-None-Match", "").split(",")}
    if tag not in wanted and "*" not in wanted:
        return None
    resp = Response(status=304)
    resp.headers["ETag"] = tag
    return resp


def _conditional(body: Any, etag: str | None = None) -> Response:
    """200 with an ETag, or 304 when If-None-Match names it."""
    tag = etag or '"' + hashlib.sha1(json.dumps(body, sort_keys=True).encode(), usedforsecurity=False).hexdigest() + '"'
    return _not_modified(tag) or _json(body, etag=tag)


def _search_query(words_and_filters: str) -> tuple[str, list[dict[str, Any]], list[str]]:
    """``q``: free words and ``kind:`` ``tag:`` ``rc:`` ``iam:`` ``active:``
    ``geo:`` ``price:`` filters."""
    words: list[str] = []
    filters: list[dict[str, Any]] = []
    kinds: list[str] = []
    for token in words_and_filters.split():
        name, sep, value = token.partition(":")
        if sep and name.lower() == "kind" and value:
            kinds.append(globalcatalog_kind_name(value))
        elif sep and name.lower() in Q_FILTERS and value:
            filters.append({"property": [Q_FILTERS[name.lower()]], "values": [value.lower() if name.lower() in (
                "rc", "iam", "active") else value], "exact": True})
        else:
            words.append(token)
    return " ".join(words), filters, kinds


def _sort(allowed: tuple[str, ...]) -> str:
    by = request.args.get("sort-by", "name").strip() or "name"
    if by not in allowed:
        raise GlobalCatalogError(400, f"sort-by must be one of {', '.join(allowed)}", "sort-by")
    direction = "desc" if _flag("descending") else "asc"
    return f"{SORTS[by]} {direction}"


def _listing(call: CatalogueCall, query: dict[str, Any], sorts: tuple[str, ...],
             visible_check: bool = False) -> Response:
    """A page of entries. ``visible_check`` (``?catalog=true``): 403 when
    none the query names is visible to the caller (an unknown one alike)."""
    offset = _int_arg("_offset", 0, 10 ** 6)
    limit = _int_arg("_limit", LIMIT_DEFAULT, LIMIT_MAX)
    words, filters, kinds = _search_query(request.args.get("q", ""))
    if kinds:
        allowed = set(query.get("kind") or GLOBALCATALOG_KIND_NAMES)
        query["kind"] = [k for k in kinds if k in allowed] or ["globalcatalog.none"]
    query.setdefault("kind", list(GLOBALCATALOG_KIND_NAMES))
    found = call("catalogue_item_search", {**query, "q": words, "filters": filters, "limit": limit,
                                           "offset": offset, "sort": _sort(sorts)})
    if visible_check and not found["count"]:
        raise GlobalCatalogError(403, "The object is not visible")
    include, languages = _include(), _languages()
    base = _base()
    resources = [_entry(item, include, languages, base) for item in found["results"]]
    return _conditional(_page(found, offset, limit, resources))


# --- routes ---

entries = CatalogueMethodViews("entries")
catalogue_api_route(globalcatalog, "/", ("GET", "POST"), _not_allowed)(entries)


@entries.get
def entries_list() -> Response:
    return _run(lambda call: _listing(call, {"root": True}, tuple(SORTS), visible_check=_flag("catalog")))


@entries.post
def entries_create() -> Response:

    def run(call: CatalogueCall) -> Response:
        body = _body()
        if not isinstance(body.get("id"), str) or not body["id"].strip():
            raise GlobalCatalogError(400, "id is required", "id")
        data: dict[str, Any] = {"kind": _core_kind(body.get("kind")), "doc": _doc(body), "id": body["id"]}
        if body.get("parent_id"):
            data["parent"] = body["parent_id"]
        account = request.args.get("account", "").strip()
        if account == GLOBAL_ACCOUNT:
            data["organization"] = catalogue_globalcatalog_default_account()
        elif account:
            data["organization"] = account
        else:
            data["default_organization"] = catalogue_globalcatalog_default_account()
        created = call("catalogue_item_create", data)
        return _json(_entry(created), 201, etag=created["etag"])

    return _run(run)


def _shown(call: CatalogueCall, entry_id: str) -> dict[str, Any]:
    """An entry that exists and is not archived (404 otherwise)."""
    item = call("catalogue_item_show", {"id": entry_id, "kind": list(GLOBALCATALOG_KIND_NAMES)})
    if item["state"] != "active":
        raise GlobalCatalogError(404, f"Entry {entry_id} not found")
    return item


def _depth() -> int | None:
    raw = request.args.get("depth", "").strip()
    if not raw or raw == "0":
        return None
    if raw == "*":
        return 10 ** 3
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 4:
        raise GlobalCatalogError(400, "depth must be a whole number or *", "depth")
    return int(raw)


def _with_children(call: CatalogueCall, item: dict[str, Any], entry: dict[str, Any], depth: int
                   ) -> list[dict[str, Any]]:
    """The subtree down to ``depth`` levels in one search, nested; the items
    found (the caller decides when they are freed)."""
    found = call("catalogue_item_search", {"ancestor": [item["id"]], "kind": list(GLOBALCATALOG_KIND_NAMES),
                                           "depth_at_most": len(item["ancestors"]) + depth,
                                           "limit": DEPTH_MAX_ITEMS, "offset": 0,
                                           "sort": "catalogue_depth asc, doc.name asc"})
    if found["count"] > DEPTH_MAX_ITEMS:
        raise GlobalCatalogError(400, f"The entry has more than {DEPTH_MAX_ITEMS} descendants down to that depth; "
                                      "ask for a smaller depth", "depth")
    nodes = {item["id"]: entry}
    languages, base = _languages(), _base()
    for child in found["results"]:
        shaped = _entry(child, None, languages, base)
        nodes[child["id"]] = shaped
        parent = nodes.get(child["parent"])
        if parent is not None:
            parent.setdefault("children", []).append(shaped)
    return cast("list[dict[str, Any]]", found["results"])


entry = CatalogueMethodViews("entry")
catalogue_api_route(globalcatalog, "/<entry_id>", ("GET", "PUT", "DELETE"), _not_allowed)(entry)


@entry.get
def entry_show(entry_id: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        if request.headers.get("If-None-Match") and request.args.get("depth", "").strip() in ("", "0"):
            # A client holding the current version: 304 from the version alone.
            current = call("catalogue_item_etag", {"id": entry_id, "kind": list(GLOBALCATALOG_KIND_NAMES)})
            unchanged = _not_modified(current["etag"]) if current["state"] == "active" else None
            if unchanged is not None:
                return unchanged
        item = _shown(call, entry_id)
        depth = _depth()
        # One entry shows all of it unless include narrows it.
        shaped = _entry(item, _include() if request.args.get("include") else None, _languages())
        if depth:
            # Up to thousands of entries, searched, shaped and encoded:
            # new dicts only, freed by reference counting. Freeing them
            # (tens of milliseconds at 10,000 entries) waits until the
            # answer has been sent, and the collector's pause ends after.
            end_pause = catalogue_gc_pause()
            try:
                found = _with_children(call, item, shaped, depth)
                resp = _json(shaped)
            except BaseException:
                end_pause()
                raise
            held: list[Any] = [found, shaped]

            def sent() -> None:
                held.clear()
                end_pause()

            resp.call_on_close(sent)
            # Should the server never close the answer, the pause ends
            # when the answer is dropped.
            weakref.finalize(resp, end_pause)
            return resp
        return _conditional(shaped, item["etag"])

    return _run(run)


@entry.put
def entry_update(entry_id: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        body = _body()
        current = _shown(call, entry_id)
        if body.get("id") not in (None, entry_id, _gc_id(current)):
            raise GlobalCatalogError(400, "The id of an entry cannot change", "id")
        doc = _doc(body)
        update: dict[str, Any] = {"id": current["id"], "kind": list(GLOBALCATALOG_KIND_NAMES), "doc": doc,
                                  "to_kind": _core_kind(body.get("kind"))}
        if _flag("move"):
            update["move"] = True
            update["parent"] = body.get("parent_id") or ""
        elif "parent_id" in body:
            update["parent"] = body.get("parent_id") or ""
        elif current["doc"].get("parent_id"):
            doc["parent_id"] = current["doc"]["parent_id"]
        if request.headers.get("If-Match"):
            update["if_match"] = request.headers["If-Match"]
        updated = call("catalogue_item_update", update)
        return _json(_entry(updated), etag=updated["etag"])

    return _run(run)


@entry.delete
def entry_delete(entry_id: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        data: dict[str, Any] = {"id": entry_id, "kind": list(GLOBALCATALOG_KIND_NAMES), "force": _flag("force")}
        if request.headers.get("If-Match"):
            data["if_match"] = request.headers["If-Match"]
        # Archiving what is missing: done already, as the Global Catalog answers.
        with contextlib.suppress(tk.ObjectNotFound):
            call("catalogue_item_delete", data)
        return _json({})

    return _run(run)


@catalogue_api_route(globalcatalog, "/<entry_id>/restore", ("PUT",), _not_allowed)
def restore(entry_id: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        try:
            call("catalogue_item_restore", {"id": entry_id, "kind": list(GLOBALCATALOG_KIND_NAMES)})
        except CatalogueInvalid as exc:
            # Restoring a live entry is a no-op in the Global Catalog.
            if exc.code != CODE_NOT_ALLOWED or "id" not in exc.error_dict:
                raise
        return _json({})

    return _run(run)


def _ibm_restriction(shown: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The Global Catalog's word for a core visibility, with the lists as
    the caller sees them: private with the IBM organization included is
    ``ibm_only``, public with it excluded ``nonibm_only`` (the same
    audience), that organization then left out of the list."""
    restrictions, include, exclude = shown["restrictions"], shown["include"], shown["exclude"]
    ibm = catalogue_globalcatalog_ibm_account()

    def without(lists: dict[str, list[str]]) -> dict[str, list[str]]:
        return {**lists, "organizations": [o for o in lists["organizations"] if o != ibm]}

    if ibm and restrictions == "private" and ibm in include["organizations"]:
        return IBM_ONLY, without(include), exclude
    if ibm and restrictions == "public" and ibm in exclude["organizations"]:
        return NONIBM_ONLY, include, without(exclude)
    return restrictions, include, exclude


def _visibility(shown: dict[str, Any]) -> dict[str, Any]:
    def accounts(lists: dict[str, list[str]]) -> dict[str, Any]:
        return {"accounts": dict.fromkeys([*lists["organizations"], *lists["users"]], "")}

    restrictions, include, exclude = _ibm_restriction(shown)
    return {"restrictions": restrictions, "owner": shown["owner"], "extendable": shown["extendable"],
            "include": accounts(include), "exclude": accounts(exclude), "approved": True}


def _accounts(value: Any, field: str) -> list[str]:
    """The accounts of an include or exclude object: its ``accounts`` keys,
    and the value of the SDK model's ``_accountid_`` key."""
    if not isinstance(value, dict) or not isinstance(value.get("accounts", {}), dict):
        raise GlobalCatalogError(400, f"{field} must be an object with accounts", field)
    named: list[str] = []
    for key, scope in cast("dict[str, Any]", cast("dict[str, Any]", value).get("accounts", {})).items():
        if key != SDK_ACCOUNT_KEY:
            named.append(key)
        elif isinstance(scope, str) and scope:
            named.append(scope)
    return named


def _restrict(call: CatalogueCall, ref: dict[str, Any], body: dict[str, Any], data: dict[str, Any]) -> None:
    """``restrictions`` into the core's words: ``ibm_only`` is private with
    the IBM organization included, ``nonibm_only`` public with it excluded
    (kept so when only the lists change); another value drops that
    organization from the lists."""
    wanted, ibm = body.get("restrictions"), catalogue_globalcatalog_ibm_account()
    if not ibm:
        if wanted in (IBM_ONLY, NONIBM_ONLY):
            raise GlobalCatalogError(400, f"restrictions {wanted} is not available: no organization stands for "
                                          "IBM (ckanext.catalogue.globalcatalog.ibm_account)", "restrictions")
        if wanted is not None:
            data["restrictions"] = wanted
        return
    was, include, exclude = _ibm_restriction(call("catalogue_item_visibility_show", ref))
    wanted = was if wanted is None else wanted
    lists = {"include": [*include["organizations"], *include["users"]],
             "exclude": [*exclude["organizations"], *exclude["users"]]}
    for field in ("include", "exclude"):
        if field in data:
            lists[field] = [n for n in data[field] if n != ibm]
    if wanted == IBM_ONLY:
        data["restrictions"], lists["include"] = "private", [*lists["include"], ibm]
    elif wanted == NONIBM_ONLY:
        data["restrictions"], lists["exclude"] = "public", [*lists["exclude"], ibm]
    else:
        data["restrictions"] = wanted
    data.update(lists)


visibility = CatalogueMethodViews("visibility")
catalogue_api_route(globalcatalog, "/<entry_id>/visibility", ("GET", "PUT"), _not_allowed)(visibility)


@visibility.get
def visibility_show(entry_id: str) -> Response:
    ref: dict[str, Any] = {"id": entry_id, "kind": list(GLOBALCATALOG_KIND_NAMES)}
    return _run(lambda call: _conditional(_visibility(call("catalogue_item_visibility_show", ref))))


@visibility.put
def visibility_update(entry_id: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        body = _body()
        ref: dict[str, Any] = {"id": entry_id, "kind": list(GLOBALCATALOG_KIND_NAMES)}
        data: dict[str, Any] = dict(ref)
        if "extendable" in body:
            data["extendable"] = body["extendable"]
        for field in ("include", "exclude"):
            if field in body:
                data[field] = _accounts(body[field], field)
        if any(field in body for field in ("restrictions", "include", "exclude")):
            _restrict(call, ref, body, data)
        if request.headers.get("If-Match"):
            data["if_match"] = request.headers["If-Match"]
        call("catalogue_item_visibility_update", data)
        return _json({})

    return _run(run)


@catalogue_api_route(globalcatalog, "/<entry_id>/pricing", ("GET",), _not_allowed)
def pricing(entry_id: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        item = _shown(call, entry_id)
        found = call("catalogue_item_pricing", {"id": item["id"]})["pricing"]
        if found is None:
            raise GlobalCatalogError(404, "Pricing is not available for this entry")
        region = request.args.get("deployment_region", "").strip()
        if region:
            return _json(_regional_pricing(call, item, found, region))
        return _json({**found, "deployment_id": found.get("deployment_id", _gc_id(item))})

    return _run(run)


def _regional_pricing(call: CatalogueCall, item: dict[str, Any], pricing: dict[str, Any],
                      region: str) -> dict[str, Any]:
    """A global entry's pricing in one of its ``deployment_regions``: that
    of its deployment in the region (IBM keeps regional prices there)."""
    regions: Any = pricing.get("deployment_regions")
    if not isinstance(regions, list) or region not in cast("list[Any]", regions):
        raise GlobalCatalogError(400, "deployment_region must be one of the entry's deployment_regions",
                                 "deployment_region")
    found = call("catalogue_item_search", {
        "ancestor": [item["id"]], "kind": [globalcatalog_kind_name("deployment")], "limit": 1,
        "filters": [{"property": ["metadata.deployment.location"], "values": [region], "exact": True}],
        "sort": "doc.name asc"})
    meta: dict[str, Any] = found["results"][0]["doc"].get("metadata") or {} if found["results"] else {}
    if not meta.get("pricing"):
        raise GlobalCatalogError(404, f"Pricing is not available for region {region}")
    return {**meta["pricing"], "deployment_id": _gc_id(found["results"][0]), "deployment_location": region,
            "deployment_region": region, "deployment_regions": regions}


@catalogue_api_route(globalcatalog, "/<entry_id>/pricing/deployment", ("GET",), _not_allowed)
def pricing_deployments(entry_id: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        item = _shown(call, entry_id)
        offset, limit = _int_arg("_offset", 0, 10 ** 6), _int_arg("_limit", LIMIT_DEFAULT, LIMIT_MAX)
        found = call("catalogue_item_search", {
            "ancestor": [item["id"]], "kind": [globalcatalog_kind_name("deployment")], "limit": limit,
            "offset": offset, "sort": "doc.name asc",
        })
        resources: list[dict[str, Any]] = []
        for deployment in found["results"]:
            meta: dict[str, Any] = deployment["doc"].get("metadata") or {}
            resources.append({**(meta.get("pricing") or {}), "deployment_id": _gc_id(deployment),
                              "deployment_location": (meta.get("deployment") or {}).get("location")})
        return _json(_page(found, offset, limit, resources))

    return _run(run)


@catalogue_api_route(globalcatalog, "/<entry_id>/logs", ("GET",), _not_allowed)
def logs(entry_id: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        item = _shown(call, entry_id)
        offset, limit = _int_arg("_offset", 0, 10 ** 6), _int_arg("_limit", 50, 200)
        data: dict[str, Any] = {"id": item["id"], "offset": offset, "limit": limit,
                                "ascending": _flag("ascending")}
        if request.args.get("startat"):
            data["startat"] = request.args["startat"]
        found = call("catalogue_item_log", data)
        # IBM's message: ``id`` the entry, ``gid`` the change (its
        # transaction), ``effective`` the visibility the change left.
        resources: list[dict[str, Any]] = [{
            "id": _gc_id(item), "effective": _visibility(m["visibility"]), "time": m["time"],
            "who_id": m["who"]["id"], "who_name": m["who"]["name"],
            **({"who_email": m["who"]["email"]} if m["who"]["email"] else {}),
            "instance": _base(), "gid": m["id"], "type": m["type"], "message": m["message"], "data": m["data"]}
            for m in found["resources"]]
        return _json(_page(found, offset, limit, resources))

    return _run(run)


def _artifact(entry_id: str, artifact: dict[str, Any]) -> dict[str, Any]:
    return {"name": artifact["name"], "updated": artifact["updated"], "etag": artifact["etag"],
            "size": artifact["size"],
            "url": f"{_base()}/{quote(entry_id, safe='')}/artifacts/{quote(artifact['name'], safe='')}"}


@catalogue_api_route(globalcatalog, "/<entry_id>/artifacts", ("GET",), _not_allowed)
def artifacts(entry_id: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        try:
            found = call("catalogue_item_artifact_list", {"id": entry_id})
        except tk.ObjectNotFound:
            # The Global Catalog lists no artifacts of an unknown entry.
            return _json({"count": 0, "resources": []})
        return _json({"count": found["count"], "resources": [_artifact(entry_id, a) for a in found["resources"]]})

    return _run(run)


artifact = CatalogueMethodViews("artifact")
catalogue_api_route(globalcatalog, "/<entry_id>/artifacts/<anypath:artifact_id>", ("GET", "PUT", "DELETE"),
                    _not_allowed)(artifact)


@artifact.get
def artifact_show(entry_id: str, artifact_id: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        shown = call("catalogue_item_artifact_show", {"id": entry_id, "name": artifact_id})
        unchanged = _not_modified(shown["etag"])
        if unchanged is not None:
            return unchanged
        resp = Response(catalogue_artifact_content(shown["file_id"]), content_type=shown["content_type"])
        resp.headers["ETag"] = shown["etag"]
        return catalogue_file_headers(resp, shown["name"])

    return _run(run)


@artifact.put
def artifact_upload(entry_id: str, artifact_id: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        stored = call("catalogue_item_artifact_upload", {
            "id": entry_id, "name": artifact_id, "content": request.get_data(cache=False),
            "content_type": request.headers.get("Content-Type") or "application/octet-stream"})
        return _json(_artifact(entry_id, stored), etag=stored["etag"])

    return _run(run)


@artifact.delete
def artifact_delete(entry_id: str, artifact_id: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        call("catalogue_item_artifact_delete", {"id": entry_id, "name": artifact_id})
        return _json({})

    return _run(run)


@catalogue_api_route(globalcatalog, "/<entry_id>/<kind>", ("GET",), _not_allowed)
def children(entry_id: str, kind: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        item = _shown(call, entry_id)
        kinds = list(GLOBALCATALOG_KIND_NAMES) if kind == "*" else [globalcatalog_kind_name(kind)]
        return _listing(call, {"parent": item["id"], "kind": kinds}, CHILD_SORTS)

    return _run(run)


@globalcatalog.route("/<anypath:unknown>", methods=list(CATALOGUE_ROUTED_METHODS))
def unknown(unknown: str) -> Response:
    return _error(404, "No such endpoint")


# What this API is, for the shared HTTP layer (its plugin declares it).
DIALECT = CatalogueDialect(
    name="globalcatalog", title="IBM Global Catalog", home="/globalcatalog/api/v1/",
    summary="Services, plans and deployments with pricing, visibility and audit logs.",
    blueprint=globalcatalog, openapi=Path(__file__).with_name("openapi.yaml"),
    token_headers=(), scoped_endpoints=(), file_endpoints=("catalogue_globalcatalog.artifact",),
    too_many=lambda retry: _error(
    429, "Too many requests; try again later"),
)
