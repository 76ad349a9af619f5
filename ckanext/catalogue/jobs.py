"""Background jobs through CKAN's queue (RQ on Redis), with a clear error
when the queue cannot be reached instead of a Redis stack trace."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.engine import make_url

import ckan.plugins.toolkit as tk


class CatalogueJobsUnavailable(Exception):
    """The job queue (Redis) cannot be reached; nothing was enqueued."""


def catalogue_enqueue(fn: Callable[..., Any], args: list[Any] | None = None,
                      kwargs: dict[str, Any] | None = None, title: str | None = None,
                      **options: Any) -> Any:
    """``toolkit.enqueue_job`` that turns a Redis outage into
    CatalogueJobsUnavailable (503 in the APIs, a plain message in the CLI)."""
    try:
        return tk.enqueue_job(fn, args or [], kwargs or {}, title=title, **options)
    except (RedisConnectionError, RedisTimeoutError) as error:
        raise CatalogueJobsUnavailable(
            tk._("Background jobs are unavailable: the job queue (Redis at {url}) cannot be reached "
                 "({reason}). Nothing was queued; try again when Redis is back.").format(
                url=_safe_redis_url(), reason=str(error).split("\n")[0])) from error


def _safe_redis_url() -> str:
    url = tk.config.get("ckan.redis.url") or ""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - any unparsable URL is shown without its credentials
        return url.split("@")[-1]
