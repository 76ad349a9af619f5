"""The connection CKAN's search code uses to reach Solr: one pooled HTTP
session per thread instead of a new connection per query, and a way to
gather the documents CKAN's own indexer builds so that they are posted to
Solr in batches (``catalogue_collected_documents``).

CKAN has no interface for its Solr connection; ``catalogue_install`` points
the two modules that make one (indexing and querying) at
``catalogue_make_connection``, which builds the same ``pysolr.Solr`` CKAN
builds, with a kept session.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import contextvars
import functools
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import orjson
import pysolr
import requests

from ckan.lib.search import common as search_common
from ckan.lib.search import index as search_index
from ckan.lib.search import query as search_query

from ckanext.catalogue.config import catalogue_solr_retry
from ckanext.catalogue.health import catalogue_solr_writer_closed

log = logging.getLogger(__name__)
_CKAN_MAKE_CONNECTION = search_common.make_connection
_SESSIONS = threading.local()
# Set while CKAN's indexer runs for a batch: the documents it would post.
_COLLECTING: contextvars.ContextVar[list[dict[str, Any]] | None] = contextvars.ContextVar(
    "catalogue_collecting", default=None)


class _Collector:
    """Stands where CKAN's indexer expects its connection: keeps the
    documents it would add (the caller posts them in batches); anything
    else (a delete, a search) goes to Solr."""

    def __init__(self, docs: list[dict[str, Any]], decode_dates: bool) -> None:
        self.docs = docs
        self.decode_dates = decode_dates

    def add(self, docs: list[dict[str, Any]], commit: bool = False, **_kw: Any) -> None:
        self.docs.extend(docs)

    @functools.cached_property
    def conn(self) -> pysolr.Solr:
        # Made only if asked for: the indexer asks for a connection per
        # document and, gathering, mostly needs none.
        return catalogue_make_connection(self.decode_dates)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


# pysolr's words for an answer with an HTTP status of 500 or more.
_SERVER_ERROR = re.compile(r"^Solr responded with an error \(HTTP 5\d\d\)")
_RETRY_PAUSE = 0.25


def catalogue_solr_update_retryable(error: pysolr.SolrError) -> bool:
    """An update the Solr node answered with a server error that another
    try may not meet: in SolrCloud, the leader of the document's shard is
    unreachable until a replica takes over (a node died). A node that does
    not answer at all, or a closed index writer, is not waited for."""
    text = str(error)
    return bool(_SERVER_ERROR.match(text)) and not catalogue_solr_writer_closed(text)


class _FormPostingSolr(pysolr.Solr):
    """pysolr's client, sending every search as a form POST (as pysolr does
    for long ones): Solr reads the same parameters, and a long filter list
    is not put into a URL that requests then checks and quotes again.
    Updates (adds by unique key, deletes, commits: all idempotent) that meet
    a server error are sent again for up to ``ckanext.catalogue.solr_retry``
    seconds, which rides out a SolrCloud leader election."""

    def _send_request(self, method: str, path: str = "", body: Any = None, headers: Any = None,
                      files: Any = None) -> Any:
        handler, query_follows, query = path.partition("/?")
        if method == "get" and query_follows and body is None and handler in ("select", self.search_handler):
            form: dict[str, str] = {**(headers or {}), "Content-type": "application/x-www-form-urlencoded; charset=utf-8"}
            return super()._send_request("post", f"{handler}/", body=query, headers=form, files=files)
        if not handler.startswith("update"):
            return super()._send_request(method, path, body=body, headers=headers, files=files)
        deadline = time.monotonic() + catalogue_solr_retry()
        while True:
            try:
                return super()._send_request(method, path, body=body, headers=headers, files=files)
            except pysolr.SolrError as error:  # noqa: PERF203 - a retry loop: the exception is the reason to loop
                if not catalogue_solr_update_retryable(error) or time.monotonic() >= deadline:
                    raise
                log.warning("Solr update failed (%s); trying again", str(error)[:200])
                time.sleep(_RETRY_PAUSE)


def _session(url: str) -> requests.Session:
    # Per thread, and per process: a session made before a fork (gunicorn,
    # the RQ work horse) is not shared with the child.
    kept: tuple[int, requests.Session] | None = getattr(_SESSIONS, "kept", None)
    if kept is None or kept[0] != os.getpid():
        session = requests.Session()
        # The environment's proxies, CA bundle and .netrc login for Solr,
        # read once rather than on every request.
        found = session.merge_environment_settings(url, {}, None, None, None)
        session.proxies, session.verify, session.cert = found["proxies"], found["verify"], found["cert"]
        session.auth = requests.utils.get_netrc_auth(url)
        session.trust_env = False
        session.stream = False  # as pysolr sets its own
        kept = _SESSIONS.kept = (os.getpid(), session)
    return kept[1]


def catalogue_make_connection(decode_dates: bool = True) -> Any:
    """CKAN's ``make_connection`` with this thread's kept HTTP session,
    searching by form POST."""
    conn = _CKAN_MAKE_CONNECTION(decode_dates)
    conn.__class__ = _FormPostingSolr
    conn.session = _session(conn.url)
    return conn


def _index_connection(decode_dates: bool = True) -> Any:
    """The connection CKAN's indexer gets: gathering inside
    ``catalogue_collected_documents``, pooled otherwise."""
    collecting = _COLLECTING.get()
    return catalogue_make_connection(decode_dates) if collecting is None else _Collector(collecting, decode_dates)


def catalogue_install() -> None:
    """Point CKAN's indexing and query modules at the pooled connection."""
    search_index.make_connection = _index_connection  # type: ignore[assignment]
    search_query.make_connection = catalogue_make_connection  # type: ignore[assignment]


@contextlib.contextmanager
def catalogue_collected_documents() -> Iterator[list[dict[str, Any]]]:
    """Within the block, CKAN's indexer (``index_package``) builds its
    documents into the yielded list instead of posting each one."""
    docs: list[dict[str, Any]] = []
    token = _COLLECTING.set(docs)
    try:
        yield docs
    finally:
        _COLLECTING.reset(token)


def _add(conn: pysolr.Solr, docs: list[dict[str, Any]]) -> None:
    # pysolr's JSON ``add``, its body encoded by orjson: the same documents
    # (nulls and empty strings left out, as pysolr leaves them; control
    # characters escaped, so pysolr's control-character clean-up has
    # nothing to remove) in a fifth of pysolr's encoding time. A value
    # orjson does not encode (a lone surrogate, a huge int) takes pysolr's way.
    try:
        body = orjson.dumps([{key: value for key, value in doc.items()
                              if not (value is None or (isinstance(value, str) and not value))} for doc in docs])
    except TypeError:
        conn.add(docs=docs, commit=False)
        return
    # pysolr has no public way to send an encoded body: add's own sender.
    conn._update(body, commit=False, solrapi="JSON", clean_ctrl_chars=False)  # pyright: ignore[reportPrivateUsage]  # noqa: SLF001


def catalogue_post_documents(docs: list[dict[str, Any]], batch: int, commit: bool = True) -> None:
    """Post documents in requests of ``batch``, then commit once (the commit
    makes them visible to the next search; ``commit=False``: the caller
    commits with ``catalogue_commit`` after its last post)."""
    conn = catalogue_make_connection()
    try:
        for start in range(0, len(docs), batch):
            _add(conn, docs[start:start + batch])
        if docs and commit:
            _visible(conn)
    except pysolr.SolrError as error:
        raise search_common.SearchIndexError(f"Solr returned an error: {str(error)[:1000]}") from error
    except OSError as error:
        raise search_common.SearchIndexError(f"Could not connect to Solr using {conn.url}: {error}") from error


class CataloguePoster:
    """Posts documents to Solr from one background thread while the caller
    builds the next ones (the thread waits on Solr, the caller works in
    Python): ``post`` queues a request, ``finish`` waits for every one and
    commits once. The first failure is raised as CKAN's SearchIndexError."""

    def __init__(self) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="catalogue-solr-post")
        self._posts: list[concurrent.futures.Future[None]] = []
        self.index_ids: list[str] = []  # of every document handed to post

    def post(self, docs: list[dict[str, Any]]) -> None:
        for posted in self._posts:  # a post that failed stops the rest
            if posted.done() and (failed := posted.exception()) is not None:
                raise failed
        if docs:
            self.index_ids.extend(str(doc["index_id"]) for doc in docs if "index_id" in doc)
            self._posts.append(self._pool.submit(catalogue_post_documents, list(docs), len(docs), False))

    def withdraw(self) -> None:
        """Stop, and delete what was posted (the writes it indexed were
        rolled back), made visible at once. Best effort: a Solr that cannot
        be reached is logged, and ``ckan catalogue reindex`` repairs."""
        self.close()
        if not self.index_ids:
            return
        conn = catalogue_make_connection()
        try:
            for start in range(0, len(self.index_ids), 500):
                # By the unique key (CKAN's index_id): no query text is built.
                conn.delete(id=self.index_ids[start:start + 500], commit=False)
            _visible(conn)
        except (pysolr.SolrError, OSError) as error:
            log.warning("could not withdraw %d search document(s) of a rolled-back write: %s",
                        len(self.index_ids), error)

    def finish(self) -> None:
        try:
            for posted in self._posts:
                posted.result()
        finally:
            self.close()
        if self._posts:
            catalogue_commit()

    def close(self) -> None:
        """Stop without committing (posts under way end first)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def _visible(conn: pysolr.Solr) -> None:
    # A soft commit: a new searcher sees the change when this returns, with
    # no segment flush and fsync (the update log keeps it durable; Solr's
    # autoCommit writes it to disk on its timer, stack/solr/conf).
    conn.commit(softCommit=True, waitSearcher=True)


def catalogue_commit() -> None:
    """One Solr commit, visible to the next search."""
    conn = catalogue_make_connection()
    try:
        _visible(conn)
    except (pysolr.SolrError, OSError) as error:
        raise search_common.SearchIndexError(f"Solr commit failed: {str(error)[:1000]}") from error
