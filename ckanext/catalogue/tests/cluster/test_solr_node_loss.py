"""A SolrCloud node lost in the middle of a bulk import (the cluster stack
of test-cluster.ini): the import finishes, and afterwards every stored item
is found in the index exactly once, item by item."""
from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import make_connection

from ckanext.catalogue.tests.cluster.conftest import cluster_sh
from ckanext.catalogue.tests.helpers import CKAN_BIN, ckan_ini, stored_item_ids
from ckanext.catalogue.tests.iudx import samples as s

pytestmark = pytest.mark.cluster

ITEMS = 10_000
# The node solr_url does not name (test-cluster.ini talks to 8984): a
# deployment puts a load balancer before its nodes; here the node CKAN
# talks to stays up and forwards to the shard leaders.
LOST_NODE = "8985"


def _indexed() -> tuple[int, set[str]]:
    found = make_connection().search(q="*:*", fq=[f'+site_id:"{tk.config["ckan.site_id"]}"',
                                                  "+dataset_type:catalogue"], fl="id", rows=ITEMS * 2)
    return found.hits, {d["id"] for d in found.docs}


def _collections(**params: str) -> dict[str, Any]:
    base = tk.config["solr_url"].rsplit("/", 1)[0]
    resp = requests.get(f"{base}/admin/collections", params={**params, "wt": "json"}, timeout=120)
    resp.raise_for_status()
    return resp.json()


def _leaders() -> dict[str, str]:
    collection = tk.config["solr_url"].rsplit("/", 1)[1]
    shards = _collections(action="CLUSTERSTATUS", collection=collection)["cluster"]["collections"][collection]["shards"]
    return {shard: r["node_name"] for shard, info in shards.items()
            for r in info["replicas"].values() if r.get("leader") == "true"}


def _make_lead(node: str) -> None:
    """Move shard1's leadership to ``node``, so that losing it costs a
    leader: the replica leading elsewhere is dropped (the one on ``node``
    is elected) and added again, now a follower."""
    collection = tk.config["solr_url"].rsplit("/", 1)[1]
    leader = _leaders()["shard1"]
    if leader == node:
        return
    shards = _collections(action="CLUSTERSTATUS", collection=collection)["cluster"]["collections"][collection]["shards"]
    dropped = next(name for name, r in shards["shard1"]["replicas"].items() if r["node_name"] == leader)
    _collections(action="DELETEREPLICA", collection=collection, shard="shard1", replica=dropped)
    deadline = time.monotonic() + 60
    while _leaders().get("shard1") != node:
        assert time.monotonic() < deadline, "no new leader for shard1 within 60s"
        time.sleep(0.5)
    _collections(action="ADDREPLICA", collection=collection, shard="shard1", node=leader, waitForFinalState="true")


@pytest.fixture
def node_back() -> Iterator[Callable[..., str]]:
    yield cluster_sh
    cluster_sh("start-node", LOST_NODE)


def test_a_node_killed_mid_import_loses_and_doubles_nothing(iudx_tree, tmp_path, node_back):
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps({"doc": s.resource(iudx_tree["rg"], iudx_tree["provider"], f"n-{n}")}) + "\n"
                              for n in range(ITEMS)))
    before = stored_item_ids()
    _make_lead(f"127.0.0.1:{LOST_NODE}_solr")
    importer = subprocess.Popen([CKAN_BIN, "-c", ckan_ini(), "catalogue", "item", "import", str(source),
                                 "--batch-size", "250"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while len(stored_item_ids()) < len(before) + 500:  # two batches are in
            assert importer.poll() is None, importer.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.1)
        node_back("kill-node", LOST_NODE)
        out, err = importer.communicate(timeout=900)
    finally:
        if importer.poll() is None:
            importer.kill()
            importer.communicate()
    assert importer.returncode == 0, out + err
    assert f"created {ITEMS} item(s), refused 0" in out
    assert "trying again" in err  # updates met the lost leader, and were sent again after the election
    stored = stored_item_ids()
    assert len(stored) == len(before) + ITEMS
    hits, ids = _indexed()
    assert ids == stored  # item by item
    assert hits == len(stored)  # and each once
