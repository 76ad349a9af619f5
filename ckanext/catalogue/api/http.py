"""HTTP helpers shared by the dialect blueprints."""
from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from flask import Blueprint, Response, request
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import PathConverter, Rule

import ckan.plugins.toolkit as tk
from ckan.common import current_user
from ckan.config.middleware.flask_app import csrf
from ckan.lib import api_token
from ckan.lib.navl.dictization_functions import DataError
from ckan.lib.search.common import SearchIndexError, SolrConnectionError

from ckanext.catalogue import health
from ckanext.catalogue.api.guards import SAFE_METHODS
from ckanext.catalogue.api.routes import CATALOGUE_API_METHODS
from ckanext.catalogue.core.errors import CatalogueConflict, CataloguePreconditionFailed
from ckanext.catalogue.core.replica import CatalogueDatastoreUnavailable
from ckanext.catalogue.core.scoped_tokens import catalogue_request_tokens
from ckanext.catalogue.jobs import CatalogueJobsUnavailable
from ckanext.catalogue.logic.validators import catalogue_check_storable

log = logging.getLogger(__name__)


class CatalogueDialectError(Exception):
    """A failure a dialect raises in its own terms (a bad page number...):
    its status is kept and it is not logged as an incident."""

    status = 400


class CatalogueBadCredentials(Exception):
    """A credential was sent and is not valid (401 in every dialect)."""


def catalogue_request_user(token_headers: Iterable[str] = ()) -> str | None:
    """Name of the user behind this request, or None for anonymous.

    Accepts CKAN's own identification (``Authorization: <token>``; the
    session cookie for reads only),
    ``Authorization: Bearer <token>`` and any extra header a dialect names
    (gCat's ``gcube-token``). A token that is sent but unknown raises
    CatalogueBadCredentials instead of silently falling back to anonymous.
    """
    candidates = catalogue_request_tokens(token_headers)
    if not candidates:
        if request.method not in SAFE_METHODS:
            # Writes are authenticated by token only: a browser's session
            # cookie, sent along by any site, authorises no write here.
            return None
        return current_user.name if current_user.is_authenticated else None  # type: ignore[attr-defined]
    for token in candidates:
        user = api_token.get_user_from_token(token)
        if user is not None and user.state == "active":
            return user.name
    raise CatalogueBadCredentials


@dataclasses.dataclass
class CatalogueHttpError:
    """What a failed core call means over HTTP; each dialect shapes the body."""

    status: int
    message: str
    errors: dict[str, Any] | None = None
    incident: str | None = None


def _flatten(errors: dict[str, Any]) -> str:
    parts = []
    for field, msgs in errors.items():
        text = "; ".join(str(m) for m in (cast("list[Any]", msgs) if isinstance(msgs, list) else [msgs]))
        parts.append(text if field == "message" else f"{field}: {text}")
    return "; ".join(parts)


def catalogue_http_error(exc: Exception, user: str | None) -> CatalogueHttpError:  # noqa: PLR0911 - one answer per kind of failure
    """Status code of a core exception, the same in every dialect: 401 for no
    or bad credentials, 403 for a role too low, 404, 409 for conflicts, 400 for
    validation, 413 for a body past its limit, 503 when Solr cannot be reached, and 500 with an incident id
    (logged with its traceback)."""
    if isinstance(exc, CatalogueBadCredentials):
        return CatalogueHttpError(401, "Invalid credentials")
    if isinstance(exc, CatalogueDialectError):
        return CatalogueHttpError(exc.status, str(exc))
    if isinstance(exc, tk.NotAuthorized):
        if not user:
            return CatalogueHttpError(401, "Authentication required")
        return CatalogueHttpError(403, str(exc.message or exc) or "Forbidden")
    if isinstance(exc, tk.ObjectNotFound):
        return CatalogueHttpError(404, str(exc.message or exc) or "Not found")
    if isinstance(exc, CataloguePreconditionFailed):
        return CatalogueHttpError(412, _flatten(exc.error_dict), exc.error_dict)
    if isinstance(exc, CatalogueConflict):
        return CatalogueHttpError(409, _flatten(exc.error_dict), exc.error_dict)
    if isinstance(exc, tk.ValidationError):
        return CatalogueHttpError(400, _flatten(exc.error_dict), exc.error_dict)
    if isinstance(exc, DataError):  # CKAN's dictization refused the shape of a field
        return CatalogueHttpError(400, str(exc.error) or "Invalid data", {"body": [str(exc.error)]})
    if isinstance(exc, RequestEntityTooLarge):  # request.max_content_length (web_guards)
        reason = f"larger than {request.max_content_length} bytes (ckanext.catalogue.limits.body_size)"
        return CatalogueHttpError(413, f"The request body is {reason}", {"body": [reason]})
    if isinstance(exc, RecursionError):  # a JSON body nested beyond what can be parsed
        return CatalogueHttpError(400, "The request body is nested too deeply", {"body": ["nested too deeply"]})
    if isinstance(exc, SearchIndexError) and health.catalogue_solr_writer_closed(str(exc)):
        # Solr's index writer closed (out of memory, disk): every later
        # write would fail until the core is reloaded, so reload it now.
        failed = health.catalogue_repair_solr_writer(tk.config)
        log.error("Solr's index writer was closed; %s", failed or "the core was reloaded")
        return CatalogueHttpError(503, "The search index had stopped taking writes and was reopened; nothing "
                                       "was changed. Try again.")
    if isinstance(exc, (SearchIndexError, SolrConnectionError)):
        log.warning("search index unavailable: %s", exc)
        return CatalogueHttpError(503, "The search index is unavailable; nothing was changed. Try again shortly.")
    if isinstance(exc, CatalogueDatastoreUnavailable):
        log.warning("DataStore unavailable: %s", exc)
        return CatalogueHttpError(503, "The catalogue's DataStore cannot be read now (neither its replica nor "
                                       "its primary database answers); try again shortly.")
    if isinstance(exc, CatalogueJobsUnavailable):
        log.warning("job queue unavailable: %s", exc)
        return CatalogueHttpError(503, str(exc))
    incident = uuid.uuid4().hex
    log.error("unexpected error, incident %s", incident, exc_info=exc)
    return CatalogueHttpError(500, f"Unexpected error; quote incident {incident} to the administrators",
                              incident=incident)


CatalogueCall = Callable[[str, dict[str, Any]], Any]


def catalogue_run_view(
    view: Callable[[CatalogueCall], Any],
    token_headers: Iterable[str],
    on_error: Callable[[Exception, CatalogueHttpError, str | None], Any],
    signed_user: str | None = None,
) -> Any:
    """Run a dialect view with ``call(action, data)`` bound to this request's
    user; every failure (never a stack trace or an HTML page) goes to the
    dialect's ``on_error(exc, failure, user)``, which shapes its own body.
    ``signed_user``: the user a signed link stands for (``signed_urls``),
    instead of the request's credentials."""
    user: str | None = None
    try:
        user = signed_user or catalogue_request_user(token_headers)

        def call(action: str, data: dict[str, Any]) -> Any:
            # Fields of the document are named as the client sent them.
            catalogue_check_storable({k: v for k, v in data.items() if k != "doc"})
            catalogue_check_storable(data.get("doc"))
            return tk.get_action(action)({"user": user or ""}, data)

        return view(call)
    except Exception as exc:  # noqa: BLE001 - every failure becomes the dialect's error answer
        return on_error(exc, catalogue_http_error(exc, user), user)


# Every method is routed to a dialect's views, so a wrong one gets the
# dialect's JSON 405 with Allow rather than Flask's HTML page.
CATALOGUE_ROUTED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "PURGE", "OPTIONS")
_GUARDED: dict[Callable[..., Any], Callable[..., Any]] = {}


class _AnyPath(PathConverter):
    """Flask's ``path``, across newlines too: a path parameter (or an unknown
    path) may hold any character and still reach the dialect's own answer."""
    regex = "(?s:[^/].*?)"


def catalogue_api_blueprint(name: str, import_name: str, url_prefix: str) -> Blueprint:
    """A dialect's blueprint, whose rules may use ``<anypath:...>``."""
    blueprint = Blueprint(name, import_name, url_prefix=url_prefix)
    # No CSRF token is asked: a session cookie authorises no write here, so
    # a forged request is anonymous (catalogue_request_user) and refused in
    # the dialect's own shape.
    csrf.exempt(blueprint)
    # Runs before the blueprint's rules are added to the app's map.
    # The converter setdefault returns is ignored (Flask types the callback -> None).
    blueprint.record_once(cast("Callable[[BlueprintSetupState], None]",
                               lambda state: state.app.url_map.converters.setdefault("anypath", _AnyPath)))
    return blueprint


_View = TypeVar("_View", bound=Callable[..., Response])


class CatalogueMethodViews:
    """One endpoint served by one function per method: route it with
    catalogue_api_route as a single view, then decorate each method's
    function (``@item.get``, ``@item.post``...). HEAD is answered by the GET
    function (the guard lets HEAD through only where GET is allowed)."""

    def __init__(self, endpoint: str) -> None:
        self.__name__ = endpoint  # catalogue_api_route names the endpoint after its view
        self.views: dict[str, Callable[..., Response]] = {}

    def __call__(self, **kwargs: Any) -> Response:
        return self.views["GET" if request.method == "HEAD" else request.method](**kwargs)

    def check(self, rule: str, allowed: tuple[str, ...]) -> None:
        """Refuse a rule whose allowed methods are not exactly those served."""
        if set(self.views) != set(allowed):
            raise ValueError(f"{self.__name__} serves {sorted(self.views)}, {rule} allows {list(allowed)}")

    def _serve(self, method: str, view: _View) -> _View:
        self.views[method] = view
        return view

    def get(self, view: _View) -> _View:
        return self._serve("GET", view)

    def post(self, view: _View) -> _View:
        return self._serve("POST", view)

    def put(self, view: _View) -> _View:
        return self._serve("PUT", view)

    def patch(self, view: _View) -> _View:
        return self._serve("PATCH", view)

    def delete(self, view: _View) -> _View:
        return self._serve("DELETE", view)

    def purge(self, view: _View) -> _View:
        return self._serve("PURGE", view)


def catalogue_api_route(blueprint: Blueprint, rule: str, allowed: tuple[str, ...],
                        not_allowed: Callable[[tuple[str, ...]], Response],
                        defaults: dict[str, Any] | None = None, trailing_slash: bool = False,
                        ) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Route ``rule`` to the decorated view for the ``allowed`` methods (and
    HEAD with GET), and to the dialect's ``not_allowed`` response with Allow
    for every other one. The methods are recorded for the check of the
    OpenAPI document. Stack it to serve several rules with one view; the
    view may be a CatalogueMethodViews, one function per method.
    ``trailing_slash``: the rule also answers with a slash after it (no
    redirect, which would lose a POST's body)."""
    def register(view: Callable[..., Response]) -> Callable[..., Response]:
        if isinstance(view, CatalogueMethodViews):
            # Checked as the app takes the blueprint: by then the module
            # has decorated every method's function.
            blueprint.record(lambda _state: view.check(rule, allowed))
        found = _GUARDED.get(view)
        if found is None:
            def guarded(**kwargs: Any) -> Response:
                # Set: the view runs on a matched rule.
                here = CATALOGUE_API_METHODS[blueprint.name][cast(Rule, request.url_rule).rule]
                if request.method not in here and not (request.method == "HEAD" and "GET" in here):
                    resp = not_allowed(here)
                    resp.headers["Allow"] = ", ".join(here)
                    return resp
                return view(**kwargs)
            guarded.__name__ = view.__name__
            _GUARDED[view] = guarded
            found = guarded
        options: dict[str, Any] = {"defaults": defaults} if defaults else {}
        if trailing_slash:
            options["strict_slashes"] = False
        blueprint.add_url_rule(rule, view.__name__, found, methods=list(CATALOGUE_ROUTED_METHODS), **options)
        CATALOGUE_API_METHODS.setdefault(blueprint.name, {})[(blueprint.url_prefix or "") + rule] = tuple(allowed)
        return view

    return register
