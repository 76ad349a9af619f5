"""CKAN's Solr connection as the catalogue sets it up: searches reuse a kept
HTTP connection, and an item write is visible to the very next search."""
from __future__ import annotations

import threading

import pysolr
import pytest
import urllib3

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.catalogue.core import solr
from ckanext.catalogue.tests.helpers import catalogue_call

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")


def test_searches_reuse_one_http_connection(monkeypatch):
    opened: list[object] = []
    original = urllib3.connectionpool.HTTPConnectionPool._new_conn

    def counted(pool):
        opened.append(pool)
        return original(pool)

    tk.get_action("package_search")({}, {"q": "warm"})
    monkeypatch.setattr(urllib3.connectionpool.HTTPConnectionPool, "_new_conn", counted)
    for n in range(5):
        tk.get_action("package_search")({}, {"q": f"word{n}"})
        catalogue_call(None, "catalogue_item_search", q=f"word{n}")
    assert opened == []


def test_each_thread_keeps_its_own_session():
    here = solr.catalogue_make_connection().session
    assert solr.catalogue_make_connection().session is here
    there: list[object] = []
    worker = threading.Thread(target=lambda: there.append(solr.catalogue_make_connection().session))
    worker.start()
    worker.join()
    assert there and there[0] is not here


def test_an_item_write_is_found_by_the_next_search(monkeypatch):
    commits: list[dict[str, object]] = []
    original = pysolr.Solr.commit
    monkeypatch.setattr(pysolr.Solr, "commit", lambda conn, **kw: commits.append(kw) or original(conn, **kw))
    admin = factories.Sysadmin()["name"]
    for n in range(5):
        made = catalogue_call(admin, "catalogue_item_create", kind="gcat.item",
                              doc={"license_id": "cc-by", "name": f"seen-at-once-{n}", "title": f"Seen {n}"})
        found = catalogue_call(None, "catalogue_item_search", q=f"seen-at-once-{n}")
        assert [i["id"] for i in found["results"]] == [made["id"]]
        catalogue_call(admin, "catalogue_item_patch", id=made["id"], doc={"title": f"Renamed {n}"})
        assert catalogue_call(None, "catalogue_item_search", q=f"Renamed {n}")["count"] == 1
    # Made visible by soft commits: no segment flush per write.
    assert commits and all(c.get("softCommit") is True for c in commits)


def test_searches_are_sent_as_form_posts_and_find_what_they_did(monkeypatch):
    made = factories.Dataset(name="posted-search-target", owner_org=factories.Organization()["id"])
    sent: list[tuple[str, str]] = []
    original = pysolr.Solr._send_request

    def recorded(conn, method, path="", *args, **kwargs):
        sent.append((method, path))
        return original(conn, method, path, *args, **kwargs)

    monkeypatch.setattr(pysolr.Solr, "_send_request", recorded)
    long_fq = " ".join(f'-name:"absent-{n}"' for n in range(200))  # past pysolr's GET length
    for fq in ("", long_fq):
        found = tk.get_action("package_search")({}, {"q": "posted-search-target", "fq": fq})
        assert [d["id"] for d in found["results"]] == [made["id"]]
    assert sent and all(method == "post" and path.startswith("select/") for method, path in sent)


def test_the_kept_session_logs_in_with_the_netrc_entry_for_solr(monkeypatch, tmp_path):
    url = tk.config["solr_url"]
    host = url.split("//", 1)[1].split("/", 1)[0].split(":")[0]
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine {host} login solr-reader password s3cret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setattr(solr._SESSIONS, "kept", None, raising=False)  # a new session, with this environment
    assert solr.catalogue_make_connection().session.auth == ("solr-reader", "s3cret")


_AWKWARD = ["tab\there", "line\nbreak\r", "ctrl \x01\x08\x0b\x1f end", 'quote " and \\ backslash',
            "ünïcödé ☃ 𝄞 中文", "</add><doc>", "\\N", "null", " "]


def _stored(conn: pysolr.Solr, index_ids: list[str]) -> list[dict[str, object]]:
    found = conn.search("*:*", fq=["{!terms f=index_id}" + ",".join(index_ids)], fl="*", rows=len(index_ids), sort="index_id asc")
    # indexed_ts is Solr's clock when the document arrived (the schema's
    # default NOW): it differs whenever the two posts straddle a second.
    assert all("indexed_ts" in doc for doc in found.docs)
    return [{k: v for k, v in doc.items() if k not in ("index_id", "_version_", "indexed_ts")} for doc in found.docs]


def _docs(prefix: str) -> list[dict[str, object]]:
    site = tk.config["ckan.site_id"]
    docs: list[dict[str, object]] = []
    for n, text in enumerate(_AWKWARD):
        docs.append({"index_id": f"{prefix}-{n}", "id": f"doc-{n}", "site_id": site, "title": text, "notes": "",
                     "tags": [text, "", "plain"], "capacity": None, "extras_flag": True, "extras_count": n,
                     "extras_ratio": 0.5, "metadata_created": "2026-12-05T10:00:00.123Z", "data_dict": text,
                     "vocab_words": [text, str(n)]})
    # Not encodable by orjson (an int past 64 bits): pysolr's own way.
    docs.append({"index_id": f"{prefix}-big", "id": "doc-big", "site_id": site, "extras_big": 2**70})
    return docs


def test_posted_documents_are_stored_as_pysolr_stores_them():
    conn = solr.catalogue_make_connection()
    by_pysolr, by_poster = _docs("pysolr"), _docs("poster")
    conn.add(docs=by_pysolr, commit=False)
    solr.catalogue_post_documents(by_poster, 4)
    expected = _stored(conn, [str(d["index_id"]) for d in by_pysolr])
    assert len(expected) == len(by_pysolr)
    assert _stored(conn, [str(d["index_id"]) for d in by_poster]) == expected
