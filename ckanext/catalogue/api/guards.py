"""Guards on every request of the portal, CKAN's pages included: CSRF
checked on every state-changing request made with a session cookie, user
files served as attachments that cannot run in the portal's origin, and
redirect targets with control characters refused."""
from __future__ import annotations

from urllib.parse import quote

from flask import Flask, Response, current_app, g, jsonify, request

import ckan.plugins.toolkit as tk
from ckan.common import current_user
from ckan.config.middleware.flask_app import csrf

from ckanext.catalogue.config import catalogue_artifacts_max_size, catalogue_body_limit
from ckanext.catalogue.interfaces import catalogue_dialect_of, catalogue_dialects

SAFE_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "TRACE"))

# Served to browsers as downloads only: no script, no plugin, no frame.
CATALOGUE_FILE_CSP = "default-src 'none'; sandbox"


_exempt_at_start: frozenset[str] | None = None


def catalogue_install_guards(app: Flask) -> None:
    """Register the guards (IMiddleware, once every blueprint is in place)."""
    global _exempt_at_start  # noqa: PLW0603 - set once per process, before any request
    # What plugins exempted on purpose, before any request: CKAN adds a view
    # to flask-wtf's process-wide set for good the first time a request
    # without a session cookie reaches it (a later app in the same process,
    # as in tests, inherits those).
    if _exempt_at_start is None:
        _exempt_at_start = frozenset(csrf._exempt_views)  # pyright: ignore[reportPrivateUsage]  # noqa: SLF001 - flask-wtf keeps no public list
    # The body is bounded before anything (CKAN's login, the CSRF check, the
    # redirect check) may read it.
    app.before_request_funcs.setdefault(None, []).insert(0, catalogue_bound_body)
    app.before_request(catalogue_refuse_large_action_body)
    app.before_request(catalogue_check_csrf)
    app.before_request(catalogue_check_redirect_targets)
    app.after_request(catalogue_user_file_headers)
    # CKAN's action API parses JSON without catching a body nested past
    # Python's recursion limit: a 400, never a 500.
    app.register_error_handler(RecursionError, catalogue_too_deep)


def _view_name() -> str | None:
    view = current_app.view_functions.get(request.endpoint or "")
    return f"{view.__module__}.{view.__name__}" if view else None


def catalogue_check_csrf() -> None:
    """A state-changing request authenticated by session cookie carries a
    valid CSRF token, whatever earlier requests made CKAN exempt."""
    if request.method in SAFE_METHODS or g.get("login_via_auth_header"):
        return  # read, or identified by API token (or anonymous)
    # The dialect APIs take writes by API token only: a session cookie never
    # authorises a write there (http.catalogue_request_user).
    if not current_user.is_authenticated or catalogue_dialect_of(request.blueprint) is not None:
        return
    view = _view_name()
    if view in csrf._exempt_views and view not in (_exempt_at_start or ()):  # pyright: ignore[reportPrivateUsage]  # noqa: SLF001
        csrf.protect()  # raises CSRFError: CKAN answers 400


# Query and form fields that name where to go next.
_REDIRECT_FIELDS = ("came_from", "refused_to", "next")


def catalogue_check_redirect_targets() -> Response | None:
    """A redirect target with a control character is a 400, not a 500 from
    the header it would end up in (CKAN's login and the portal's buttons)."""
    sources = [request.args]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data") and \
            catalogue_api_of_request() is None:
        sources.append(request.form)  # within request.max_content_length (catalogue_bound_body)
    for source in sources:
        for field in _REDIRECT_FIELDS:
            for value in source.getlist(field):
                if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
                    return Response(tk._("{field} must not contain control characters").format(field=field),
                                    status=400, mimetype="text/plain")
    return None


def catalogue_is_user_file_request() -> bool:
    """Whether this request serves a file a user uploaded: resource
    downloads, CKAN's file storage and uploaded images."""
    endpoint = request.endpoint or ""
    return (endpoint.endswith("resource.download") or endpoint.startswith("file.")
            or request.path.startswith("/uploads/"))


def catalogue_file_headers(resp: Response, name: str | None = None) -> Response:
    """Headers of a user's file: a download, never sniffed, never run."""
    shown = resp.headers.get("Content-Disposition", "")
    if name is not None or not shown:
        resp.headers["Content-Disposition"] = catalogue_attachment(name)
    elif not shown.lower().startswith("attachment"):
        # CKAN's resource downloads are "inline; filename=...": keep the name.
        resp.headers["Content-Disposition"] = "attachment" + shown[len(shown.split(";", 1)[0]):]
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = CATALOGUE_FILE_CSP
    return resp


def catalogue_attachment(name: str | None) -> str:
    if not name:
        return "attachment"
    return f"attachment; filename*=UTF-8''{quote(name.rsplit('/', 1)[-1], safe='')}"


def catalogue_user_file_headers(resp: Response) -> Response:
    if catalogue_is_user_file_request() and resp.status_code < 300:
        return catalogue_file_headers(resp)
    return resp




def catalogue_api_of_request() -> str | None:
    """The API this request is for (``action`` or a dialect), or None."""
    if request.endpoint == "api.action":
        return "action"
    dialect = catalogue_dialect_of(request.blueprint)
    return dialect.name if dialect is not None else None


def _upload_limit() -> int:
    """Largest file a form or the action API may carry: CKAN's resource
    size limit, or the artifacts' one."""
    return max(int(tk.config.get("ckan.max_resource_size") or 10) * 1024 * 1024,
               catalogue_artifacts_max_size())


def catalogue_bound_body() -> None:
    """Bound the body of every request before anything reads it.

    Werkzeug stops reading past ``max_content_length``, chunked bodies included.
    The dialects answer an oversized body in their own shape when they read
    it; CKAN's action API is answered by catalogue_refuse_large_action_body;
    pages may carry an upload. (It runs before CKAN's own request set-up, so
    it answers nothing itself.)"""
    api = catalogue_api_of_request()
    if api is None:
        request.max_content_length = max(_upload_limit(), catalogue_body_limit("action"))
        return
    if any(request.endpoint in d.file_endpoints for d in catalogue_dialects()):
        limit = catalogue_artifacts_max_size()
    elif request.mimetype == "multipart/form-data" and (api == "action" or any(
            request.endpoint in d.upload_endpoints for d in catalogue_dialects())):
        limit = max(_upload_limit(), catalogue_body_limit(api))  # a resource with its file
    else:
        limit = catalogue_body_limit(api)
    request.max_content_length = limit


def catalogue_refuse_large_action_body() -> Response | None:
    """413 in the action API's own shape for a body past its limit."""
    limit = request.max_content_length
    if catalogue_api_of_request() == "action" and limit is not None and (request.content_length or 0) > limit:
        message = tk._("The request body is larger than {n} bytes ({option})").format(
            n=limit, option="ckanext.catalogue.limits.body_size.action")
        resp = jsonify({"success": False, "error": {"__type": "Validation Error", "message": message}})
        resp.status_code = 413
        return resp
    return None


def catalogue_too_deep(_exc: RecursionError) -> Response:
    message = tk._("The request body is nested too deeply ({option})").format(option="ckanext.catalogue.limits.depth")
    if request.path.startswith("/api/"):
        resp = jsonify({"success": False, "error": {"__type": "Validation Error", "message": message}})
    else:
        resp = Response(message, mimetype="text/plain")
    resp.status_code = 400
    return resp
