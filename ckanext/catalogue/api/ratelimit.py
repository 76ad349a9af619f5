"""Rate limits for every API of the project, counted in Redis (with the
``limits`` library) so that all CKAN web processes share them.

Each API (the CKAN action API and each dialect blueprint) registers the
response it gives when a caller is over the limit; the limit is per user, or
per client address for anonymous callers, and per API.
"""
from __future__ import annotations

import logging
import math
import time
from typing import Any

from flask import Response, jsonify, request
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

import ckan.plugins.toolkit as tk
from ckan import authz

from ckanext.catalogue.api.http import CatalogueBadCredentials, catalogue_request_user
from ckanext.catalogue.config import catalogue_rate_limit, catalogue_rate_limit_enabled
from ckanext.catalogue.interfaces import catalogue_dialect_of, catalogue_token_headers

log = logging.getLogger(__name__)

_limiter: Any = None
_storage_url: str | None = None


def _action_api_too_many(retry_after: int) -> Response:
    resp = jsonify({"success": False, "help": request.url, "error": {
        "__type": "Rate Limit Exceeded",
        "message": tk._("Too many requests; retry in {n} seconds").format(n=retry_after)}})
    resp.status_code = 429
    return resp


def _get_limiter() -> Any:
    global _limiter, _storage_url  # noqa: PLW0603 - one limiter per process, rebuilt when the Redis URL changes
    url = tk.config.get("ckan.redis.url")
    if _limiter is None or url != _storage_url:
        _limiter = MovingWindowRateLimiter(storage_from_string(url))
        _storage_url = url
    return _limiter


def catalogue_reset_limits() -> None:
    """Forget every count (tests, and operators after changing limits)."""
    _get_limiter().storage.reset()


def _limit_for(api: str) -> str | None:
    return catalogue_rate_limit(api) or None


def _caller() -> tuple[str, str | None]:
    """(key, user name): the user behind the request's credentials, or the
    client address for anonymous callers and unknown tokens."""
    try:
        user = catalogue_request_user(catalogue_token_headers())
    except CatalogueBadCredentials:
        user = None
    if user:
        return f"user:{user}", user
    return f"ip:{request.remote_addr or 'unknown'}", None


def catalogue_check_rate_limit() -> Response | None:
    """Flask before_request hook: None to go on, or the API's 429."""
    if not catalogue_rate_limit_enabled():
        return None
    if request.blueprint == "api":
        api, too_many = "action", _action_api_too_many
    else:
        dialect = catalogue_dialect_of(request.blueprint)
        if dialect is None or dialect.too_many is None:
            return None
        api, too_many = dialect.name, dialect.too_many
    text = _limit_for(api)
    if not text:
        return None
    key, user = _caller()
    if api == "action" and user and authz.is_sysadmin(user):
        return None  # the action API keeps working for sysadmins

    ids = (tk.config["ckan.site_id"], api, key)
    try:
        limiter = _get_limiter()
        over = [item for item in parse_many(text) if not limiter.hit(item, *ids)]
        if not over:
            return None
        reset_time = max(limiter.get_window_stats(item, *ids).reset_time for item in over)
    except Exception as error:  # Redis down: serve, and say so in the log  # noqa: BLE001 - whatever the storage raises, the request is served
        log.warning("rate limits unavailable (%s); request allowed", error)
        return None
    retry_after = max(1, math.ceil(reset_time - time.time()))
    resp = too_many(retry_after)
    resp.headers["Retry-After"] = str(retry_after)
    return resp
