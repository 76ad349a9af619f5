"""Benchmark: purge of a group holding N datasets, ``catalogue_group_purge``
beside CKAN core's ``group_purge`` on the same data.

For each N of ``--sizes``: N datasets are made, each a member of two groups;
one group is purged by the catalogue, the other by CKAN's ``group_purge``
(each purge reindexes the N datasets so that no search document names the
purged group). After each, the guarantees are checked: no membership row and
no Solr document names the group, and its name is free. Writes
``bench/results/group_purge.{json,md}``; the target is at least 10x.
"""
from __future__ import annotations

import argparse
import time
from typing import Any

from bench_items import BenchCounter, bench_app, bench_context, bench_machine, bench_now, bench_save


def _purged_cleanly(name: str, group_id: str) -> None:
    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckan.lib.search.common import make_connection

    assert model.Group.get(group_id) is None
    members = model.Session.query(model.Member).filter(
        (model.Member.group_id == group_id) | (model.Member.table_id == group_id)).count()
    assert members == 0, members
    hits = make_connection().search(q="*:*", fq=[f'+site_id:"{tk.config["ckan.site_id"]}"', f'+groups:"{name}"'],
                                    rows=0).hits
    assert hits == 0, f"{hits} search documents still name {name}"


def _timed(action: str, name: str) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk
    from ckan import model

    group_id = model.Group.get(name).id
    with BenchCounter() as counted:
        started = time.perf_counter()
        tk.get_action(action)(bench_context(), {"id": name})
        seconds = time.perf_counter() - started
    _purged_cleanly(name, group_id)
    return {"seconds": round(seconds, 3), "sql": counted.sql, "solr_requests": counted.solr}


def _measure(sizes: list[int]) -> list[dict[str, Any]]:
    import ckan.plugins.toolkit as tk
    from ckan.lib import search

    from ckanext.catalogue.core.purge import catalogue_purge_packages

    rows = []
    for n in sizes:
        stamp = int(time.time())
        ours, core = f"purge-ours-{stamp}", f"purge-core-{stamp}"
        for name in (ours, core):
            tk.get_action("group_create")(bench_context(), {"name": name})
        org = tk.get_action("organization_create")(bench_context(), {"name": f"purge-{stamp}"})
        site = bench_context()
        made = [tk.get_action("package_create")(dict(site), {
            "name": f"purge-{stamp}-{i}", "owner_org": org["id"], "groups": [{"name": ours}, {"name": core}]})["id"]
            for i in range(n)]
        row = {"n": n, "catalogue": _timed("catalogue_group_purge", ours), "ckan": _timed("group_purge", core)}
        row["ratio"] = round(row["ckan"]["seconds"] / max(row["catalogue"]["seconds"], 1e-6), 1)
        # The floor of any purge that keeps the search guarantee through
        # CKAN's indexer: reindexing the N datasets once, one Solr commit.
        started = time.perf_counter()
        search.rebuild(package_ids=made, defer_commit=True, quiet=True)
        search.commit()
        row["reindex_seconds"] = round(time.perf_counter() - started, 3)
        rows.append(row)
        print(row, flush=True)
        catalogue_purge_packages(made)
        tk.get_action("organization_purge")(bench_context(), {"id": org["id"]})
    return rows


def report(rows: list[dict[str, Any]], when: str) -> str:
    lines = [
        "# Purge of a group with N datasets",
        "",
        f"Run {when} on {bench_machine()}. Each dataset is in two groups; `catalogue_group_purge` purges one, "
        "CKAN's `group_purge` the other, in the same run. Both leave no membership row and no search document "
        "naming the group (checked after each). SQL statements and Solr requests counted in-process. "
        "Reindex alone: CKAN's `search.rebuild` of the same N datasets with one Solr commit, the least any purge "
        "costs that keeps the search guarantee through CKAN's indexer. Target: at least 10x.",
        "",
        "| N | catalogue s | SQL | Solr | group_purge s | SQL | Solr | Ratio | Reindex alone s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ours, core = r["catalogue"], r["ckan"]
        lines.append(f"| {r['n']} | {ours['seconds']} | {ours['sql']} | {ours['solr_requests']} | {core['seconds']} "
                     f"| {core['sql']} | {core['solr_requests']} | {r['ratio']}x | {r['reindex_seconds']} |")
    return "\n".join(lines + [""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ini", default="test.ini")
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    with bench_app(args.ini)._wsgi_app.test_request_context():
        rows = _measure([int(n) for n in args.sizes.split(",")])
    when = bench_now()
    bench_save("group_purge", {"when": when, "rows": rows}, report(rows, when))


if __name__ == "__main__":
    main()
