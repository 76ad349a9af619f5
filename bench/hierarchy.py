"""Benchmark: hierarchy reads at N catalogue items, counted and timed.

For each N of ``--sizes``: a 3-level Global Catalog tree of N entries (a
service, N/100 plans, deployments under the plans) and a service with N plans
are loaded with ``catalogue_item_bulk_create``. For each read (the whole tree
with ``depth=*``; a children page from the middle of the wide service, through
the Global Catalog API and the action API; a page of every descendant):

- SQL statements and Solr requests of one request, counted in-process (they
  must not grow with N);
- p50/p95 through a served portal (`ckan run`, one keep-alive connection)
  beside the same Solr requests replayed straight to Solr.

Writes ``bench/results/hierarchy.{json,md}``.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_items import (
    BenchCounter,
    bench_app,
    bench_bulk,
    bench_context,
    bench_interleaved,
    bench_machine,
    bench_now,
    bench_percentile,
    bench_save,
    bench_solr_requests,
)

GC = "/globalcatalog/api/v1"


def _entry(kind: str, entry_id: str, parent: str | None, org: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": f"globalcatalog.{kind}", "id": entry_id, "private": False,
        "doc": {"name": entry_id, "disabled": False, "tags": ["bench"], "images": {"image": "i"},
                "overview_ui": {"en": {"display_name": entry_id, "description": "d", "long_description": "l"}},
                "provider": {"name": "p", "email": "p@example.org"}},
    }
    if parent:
        record["parent"] = parent
    else:
        record["organization"] = org
    return record


def _load(n: int, stamp: int) -> tuple[str, str, list[str]]:
    """(tree root, wide service, every id made) for N."""
    import ckan.plugins.toolkit as tk

    org = tk.get_action("organization_create")(bench_context(), {"name": f"hier-{stamp}"})["name"]
    root, wide = f"hier-{stamp}-tree", f"hier-{stamp}-wide"
    made = bench_bulk([_entry("service", root, None, org), _entry("service", wide, None, org)])
    plans = max(1, n // 100)
    made += bench_bulk([_entry("plan", f"{root}-p{p}", root, org) for p in range(plans)])
    made += bench_bulk([_entry("deployment", f"{root}-d{d}", f"{root}-p{d % plans}", org)
                        for d in range(n - 1 - plans)])
    made += bench_bulk([_entry("plan", f"{wide}-p{p}", wide, org) for p in range(n)])
    return root, wide, made


def _reads(root: str, wide: str, n: int) -> list[tuple[str, str, dict[str, str]]]:
    middle = str(max(0, n // 2 - 50))
    return [
        ("GC entry depth=* (3-level tree)", f"{GC}/{root}", {"depth": "*"}),
        ("GC children page (wide node)", f"{GC}/{wide}/plan", {"_limit": "100", "_offset": middle}),
        ("catalogue_item_children page (wide node)", "/api/3/action/catalogue_item_children",
         {"id": wide, "limit": "100", "offset": middle}),
        ("catalogue_item_children depth=all page (tree)", "/api/3/action/catalogue_item_children",
         {"id": root, "depth": "all", "limit": "100", "offset": middle}),
    ]


def _measure(app: Any, ini: Path, sizes: list[int], repeat: int) -> list[dict[str, Any]]:
    import requests

    from ckan.lib.search.common import make_connection

    from ckanext.catalogue.core.purge import catalogue_purge_packages
    from ckanext.catalogue.tests.helpers import ckan_servers

    rows = []
    for n in sizes:
        stamp = int(time.time())
        with app._wsgi_app.test_request_context():
            root, wide, made = _load(n, stamp)
        client = app._wsgi_app.test_client()
        solr = make_connection()
        with tempfile.TemporaryDirectory() as logs, ckan_servers(ini, 1, Path(logs)) as urls:
            http = requests.Session()
            for label, path, args in _reads(root, wide, n):
                client.get(path, query_string=args)  # warm: first-request caches are not what grows
                with BenchCounter() as counted:
                    sent = bench_solr_requests(client, path, args)
                size = len(client.get(path, query_string=args).get_data())
                times = bench_interleaved({  # in turns: both see the same moments of the machine
                    "api": lambda path=path, args=args: http.get(urls[0] + path, params=args).raise_for_status(),
                    "raw": lambda sent=sent: [solr._select(dict(p)) for p in sent]}, repeat)
                api, raw = times["api"], times["raw"]
                rows.append({"n": n, "read": label, "sql": counted.sql, "solr_requests": counted.solr,
                             "response_bytes": size,
                             "api_p50_ms": bench_percentile(api, 50), "api_p95_ms": bench_percentile(api, 95),
                             "solr_p50_ms": bench_percentile(raw, 50), "solr_p95_ms": bench_percentile(raw, 95),
                             "p95_ratio": round(bench_percentile(api, 95) / max(bench_percentile(raw, 95), 0.01), 1)})
                print(rows[-1], flush=True)
        with app._wsgi_app.test_request_context():
            catalogue_purge_packages(made)
    return rows


def report(rows: list[dict[str, Any]], when: str, repeat: int) -> str:
    lines = [
        "# Hierarchy reads: queries per request and time beside raw Solr",
        "",
        f"Run {when} on {bench_machine()}. The tree: one Global Catalog service, N/100 plans, the rest "
        "deployments (N entries); the wide node: a service with N plans. SQL statements and Solr requests are "
        f"counted in-process for one request; times are {repeat} requests through one `ckan run` process after 5 "
        "warm-ups, taken in turns with the same Solr requests replayed straight to Solr (one of each per round). Queries must not grow with N.",
        "",
        "| N | Read | SQL | Solr | Response bytes | API p50 ms | API p95 ms | Solr p50 ms | Solr p95 ms | p95 ratio |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['n']} | {r['read']} | {r['sql']} | {r['solr_requests']} | {r['response_bytes']} | "
                     f"{r['api_p50_ms']} | {r['api_p95_ms']} | {r['solr_p50_ms']} | {r['solr_p95_ms']} | "
                     f"{r['p95_ratio']}x |")
    return "\n".join(lines + [""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ini", default="test.ini")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    ini = Path(args.ini).resolve()
    rows = _measure(bench_app(str(ini)), ini, [int(n) for n in args.sizes.split(",")], args.repeat)
    when = bench_now()
    bench_save("hierarchy", {"when": when, "rows": rows}, report(rows, when, args.repeat))


if __name__ == "__main__":
    main()
