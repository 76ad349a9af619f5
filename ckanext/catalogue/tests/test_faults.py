"""Solr out of reach: writes answer 503 in each dialect and change nothing;
`ckan catalogue reindex` brings the index back in line with the database."""
from __future__ import annotations

import json
import os
import subprocess
import time

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.search.common import SearchIndexError, make_connection

from ckanext.catalogue.core import solr
from ckanext.catalogue.logic.action import item as item_actions
from ckanext.catalogue.tests.helpers import (
    CKAN_BIN,
    catalogue_call,
    ckan_ini,
    free_port,
    on_cluster_stack,
    run_ckan,
    run_stack,
    stored_item_ids,
)
from ckanext.catalogue.tests.iudx import samples as s


def _rows() -> int:
    return model.Session.execute(sa.text("select count(*) from package")).scalar()


UNREACHABLE = f"http://127.0.0.1:{free_port()}/solr/ckan"


@pytest.fixture
def tokens(iudx_tree):
    admin = tk.get_action("api_token_create")({"user": iudx_tree["sysadmin"], "ignore_auth": True},
                                              {"user": iudx_tree["sysadmin"], "name": "faults"})["token"]
    return {"admin": admin}


def test_writes_answer_503_and_change_nothing_without_solr(app, iudx_tree, tokens, ckan_config, monkeypatch):
    t = iudx_tree
    before = _rows()
    monkeypatch.setitem(ckan_config, "solr_url", UNREACHABLE)
    iudx = app.post("/iudx/cat/v1/item", json=s.resource(t["rg"], t["provider"], "offline"),
                    headers={"token": tokens["admin"]})
    assert iudx.status_code == 503 and iudx.json["type"] == "urn:dx:cat:ServiceUnavailable"
    gcat = app.post("/gcat/items", json={"name": "offline-item", "license_id": "cc-by"}, headers={"Authorization": tokens["admin"]})
    assert gcat.status_code == 503 and gcat.json["error"] == "Service Unavailable"
    patch = app.client.put("/iudx/cat/v1/item", json={**s.resource(t["rg"], t["provider"], "sensor-1"),
                                                      "id": t["resource"], "description": "changed"},
                           headers={"token": tokens["admin"]})
    assert patch.status_code == 503
    search = app.get("/iudx/cat/v1/search", query_string={"q": "sensor"})
    assert search.status_code == 503
    monkeypatch.setitem(ckan_config, "solr_url", tk.config["solr_url"])
    model.Session.remove()
    assert _rows() == before
    assert catalogue_call(None, "catalogue_item_show", id=t["resource"])["doc"]["description"] == "Sensor sensor-1"


def test_reindex_restores_parity_item_by_item(iudx_tree):
    t = iudx_tree
    conn = make_connection(decode_dates=False)
    site = tk.config["ckan.site_id"]
    # Lose two documents and leave one that no item backs any more.
    conn.delete(q=f'+site_id:"{site}" +id:("{t["resource"]}" OR "{t["rg"]}")', commit=True)
    ghost = dict(conn.search(q=f'id:"{t["cos"]}"', fl="*").docs[0])
    ghost.update(id="ghost-item", index_id="ghost-index-id", name="ghost-item")
    ghost.pop("_version_", None)
    conn.add([ghost], commit=True)
    assert catalogue_call(None, "catalogue_item_count", ancestor=[t["provider"]])["count"] == 0

    result = run_ckan("catalogue", "reindex")
    assert result.returncode == 0, result.stderr
    assert "2 of them missing before" in result.stdout and "removed 1 stale" in result.stdout

    db_ids = {r[0] for r in model.Session.execute(sa.text(
        "select id from package where type = 'catalogue' and state = 'active'"))}
    solr_ids = {d["id"] for d in conn.search(q="*:*", fq=[f'+site_id:"{site}"', "+dataset_type:catalogue"],
                                              fl="id", rows=1000).docs}
    assert db_ids == solr_ids
    assert catalogue_call(None, "catalogue_item_count", ancestor=[t["provider"]])["count"] == 2


def _item_ids_in_solr() -> set[str]:
    site = tk.config["ckan.site_id"]
    return {d["id"] for d in make_connection().search(
        q="*:*", fq=[f'+site_id:"{site}"', "+dataset_type:catalogue"], fl="id", rows=10000).docs}


def _services(command: str) -> None:
    """The Solr of the stack under test: services.sh, or cluster.sh."""
    run_stack("cluster.sh" if on_cluster_stack() else "services.sh", command)


@pytest.mark.skipif(bool(os.environ.get("CKAN_SOLR_URL")), reason="Solr is the user's own (CKAN_SOLR_URL)")
def test_solr_stopped_mid_import_then_restarted_and_reindexed(iudx_tree, tmp_path):
    t = iudx_tree
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps({"doc": s.resource(t["rg"], t["provider"], f"bulk-{n}")}) + "\n"
                              for n in range(150)))
    before = stored_item_ids()
    importer = subprocess.Popen([CKAN_BIN, "-c", ckan_ini(), "catalogue", "item", "import",
                                 str(source), "--batch-size", "5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
    try:
        deadline = time.monotonic() + 60
        while len(stored_item_ids()) < len(before) + 5:  # the first batch is in
            assert importer.poll() is None, importer.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        _services("stop-solr")
        out, err = importer.communicate(timeout=300)
    finally:
        if importer.poll() is None:  # a failed wait must not leave it writing into later tests
            importer.kill()
            importer.communicate()
        _services("start-solr")
    assert importer.returncode == 2, out + err
    assert "created 150 item(s), refused 0" in out and "ckan catalogue reindex" in err
    stored = stored_item_ids()
    assert len(stored) == len(before) + 150
    assert _item_ids_in_solr() != stored  # what was written while Solr was down is missing

    result = run_ckan("catalogue", "reindex")
    assert result.returncode == 0, result.stderr
    assert _item_ids_in_solr() == stored  # item by item
    assert catalogue_call(None, "catalogue_item_count", parent=t["rg"])["count"] == 151


def test_a_failed_solr_post_stops_the_bulk_posts_after_it(ckan_config, monkeypatch):
    """The bulk writer's background poster: once a post has failed (Solr out
    of reach), the next one is refused with that failure instead of being
    sent, and the caller stops there."""
    monkeypatch.setitem(ckan_config, "solr_url", UNREACHABLE)
    poster = solr.CataloguePoster()

    def post_until_refused(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:  # until the first post has failed
            poster.post([{"id": "never-indexed", "site_id": "x"}])
            time.sleep(0.05)

    try:
        with pytest.raises(SearchIndexError):
            post_until_refused(30)
    finally:
        poster.close()


def _indexed(names: list[str]) -> int:
    conn = make_connection()
    conn.commit(softCommit=True)  # whatever was posted is searchable now
    site = tk.config["ckan.site_id"]
    found = 0
    for name in names:
        found += conn.search(q="*:*", fq=[f'+site_id:"{site}"', f'+name:"{name}"'], rows=0).hits
    return found


@pytest.mark.ckan_config("ckanext.catalogue.bulk.index_batch", "2")
def test_a_bulk_call_that_fails_after_posting_withdraws_its_documents(iudx_tree, monkeypatch):
    """Parts of a bulk call are posted to Solr before its transaction
    commits; when the call then fails, the transaction is rolled back and
    what was posted is deleted from the index: no search finds an item
    that was never stored."""
    check = item_actions._check_create

    def failing(context, data, keys_later=False):
        if data["doc"].get("name") == "breaks":
            raise RuntimeError("a fault in the middle of the call")
        return check(context, data, keys_later)

    monkeypatch.setattr(item_actions, "_check_create", failing)
    names = [f"posted-{n}" for n in range(5)]
    records = [{"kind": "gcat.item", "doc": {"license_id": "cc-by", "name": name, "title": name}} for name in names]
    records.append({"kind": "gcat.item", "doc": {"license_id": "cc-by", "name": "breaks", "title": "Breaks"}})
    before = _rows()
    with pytest.raises(RuntimeError):
        catalogue_call(iudx_tree["sysadmin"], "catalogue_item_bulk_create", records=records)
    assert _rows() == before
    assert _indexed(names) == 0
