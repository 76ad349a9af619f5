"""Benchmark: search latency through the HTTP APIs beside the same Solr
queries sent straight to Solr, at N catalogue items.

For each N of ``--sizes``: N IUDX items (resources under resource groups of
100, spread over a degree of longitude and latitude; with ``--reuse``, those
``bulk_import.py --keep`` imported) and 100 Global Catalog services are
loaded with ``catalogue_item_bulk_create``; a `ckan run` of the
ini serves the APIs. Each query is first sent in-process with pysolr's
``_select`` recorded, so the raw reference replays exactly the Solr requests
that API call makes (one connection, keep-alive, no CKAN code). p50 and p95
over ``--repeat`` runs after warm-up, taken in turns with their references
(one request of each per round), beside CKAN's ``package_search`` for the
same query and CKAN's floor (``status_show``). Writes ``bench/results/search_latency.{json,md}``;
with ``--stack cluster`` (an ini on the cluster stack, ``make bench
BENCH_STACK=cluster``), ``search_latency_cluster.{json,md}``, which the
report shows beside the single-node figures.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_items import (
    DATASET,
    bench_app,
    bench_bulk,
    bench_context,
    bench_interleaved,
    bench_iudx_groups,
    bench_iudx_records,
    bench_machine,
    bench_now,
    bench_percentile,
    bench_provider_chain,
    bench_rows,
    bench_save,
    bench_solr_requests,
)


def _queries(stamp: int) -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("IUDX attribute", "/iudx/cat/v1/search", {"property": "[tags]", "value": "[[zone-7]]"}),
        ("IUDX text", "/iudx/cat/v1/search", {"q": "lat-sensor-42"}),
        ("IUDX geo (bbox)", "/iudx/cat/v1/search", {"geoproperty": "location", "georel": "within",
                                                    "geometry": "bbox", "coordinates": "[[73.1,18.2],[73.2,18.1]]"}),
        ("Global Catalog q", "/globalcatalog/api/v1/", {"q": f"lat-svc-{stamp}-7", "_limit": "10"}),
    ]


def _load(n: int, stamp: int, reuse: bool) -> str:
    """The owner of N IUDX items (those bulk_import.py kept for this N when
    ``reuse``, else new ones), with 100 Global Catalog services beside them."""
    import ckan.plugins.toolkit as tk

    kept = json.loads(DATASET.read_text()) if reuse and DATASET.exists() else {}
    if kept.get("n") == n:
        owner = kept["owner"]
        print(f"reusing the {n} items bulk_import.py made", flush=True)
    else:
        owner, rs, provider = bench_provider_chain(f"lat-{stamp}")
        groups = bench_bulk(bench_iudx_groups(n, provider, rs))
        bench_bulk(bench_iudx_records(provider, groups, 0, n - len(groups)))
    DATASET.unlink(missing_ok=True)
    org = tk.get_action("organization_create")(bench_context(), {"name": f"lat-gc-{stamp}"})
    bench_bulk([{"kind": "globalcatalog.service", "id": f"lat-svc-{stamp}-{i}", "organization": org["name"],
           "private": False, "doc": {"name": f"lat-svc-{stamp}-{i}", "disabled": False, "tags": ["bench"],
                                     "images": {"image": "i"},
                   "overview_ui": {"en": {"display_name": f"Service {i}", "description": "d",
                                          "long_description": "l"}},
                   "provider": {"name": "p", "email": "p@example.org"}}} for i in range(100)])
    return owner


# Filters package_search adds to every search itself.
_CKAN_OWN_FILTERS = ("+site_id:", "+permission_labels:", "+state:", "-catalogue_exclude:", "+capacity:")


def _package_search_body(params: dict[str, Any]) -> dict[str, Any]:
    """The package_search call equivalent to a recorded Solr request."""
    fq = params.get("fq") or []
    fq = [fq] if isinstance(fq, str) else list(fq)
    body: dict[str, Any] = {"q": params.get("q") or "*:*", "rows": int(params.get("rows", 10)),
                            "start": int(params.get("start", 0)), "include_private": True,
                            "fq_list": [f.strip() for f in fq if not f.strip().startswith(_CKAN_OWN_FILTERS)]}
    for key in ("sort", "defType", "qf", "mm"):
        if params.get(key):
            body[key] = params[key]
    return body


def _measure(app: Any, ini: Path, sizes: list[int], repeat: int, reuse: bool) -> list[dict[str, Any]]:
    import requests

    import ckan.plugins.toolkit as tk
    from ckan.lib.search.common import make_connection

    from ckanext.catalogue.tests.helpers import ckan_servers

    rows = []
    for n in sizes:
        stamp = int(time.time())
        with app._wsgi_app.test_request_context():
            owner = _load(n, stamp, reuse)
        client = app._wsgi_app.test_client()
        solr = make_connection()
        with tempfile.TemporaryDirectory() as logs, ckan_servers(ini, 1, Path(logs)) as urls:
            http = requests.Session()
            for label, path, args in _queries(stamp):
                sent = bench_solr_requests(client, path, args)
                # CKAN's own API for the same search: package_search with the
                # catalogue's filters (CKAN adds its own site, state and
                # permission filters as it does for any search).
                equivalent = _package_search_body(sent[0])
                # Taken in turns, so that each figure and its references
                # see the same moments of the machine.
                times = bench_interleaved({
                    "api": lambda path=path, args=args: http.get(urls[0] + path, params=args).raise_for_status(),
                    "raw": lambda sent=sent: [solr._select(dict(p)) for p in sent],
                    # As CKAN sends them: make_connection() opens a new connection per query.
                    "fresh": lambda sent=sent: [make_connection()._select(dict(p)) for p in sent],
                    "ckan_api": lambda equivalent=equivalent: http.post(
                        urls[0] + "/api/3/action/package_search", json=equivalent).raise_for_status(),
                    # What any request to this portal costs: CKAN's own floor.
                    "floor": lambda: http.get(urls[0] + "/api/3/action/status_show").raise_for_status(),
                }, repeat)
                api, raw, fresh, ckan_api, floor = (times[k] for k in ("api", "raw", "fresh", "ckan_api", "floor"))
                rows.append({"n": n, "query": label, "measured": bench_now(), "solr_requests": len(sent),
                             "api_p50_ms": bench_percentile(api, 50), "api_p95_ms": bench_percentile(api, 95),
                             "solr_p50_ms": bench_percentile(raw, 50), "solr_p95_ms": bench_percentile(raw, 95),
                             "p95_ratio": round(bench_percentile(api, 95) / max(bench_percentile(raw, 95), 0.01), 1),
                             "package_search_p50_ms": bench_percentile(ckan_api, 50),
                             "package_search_p95_ms": bench_percentile(ckan_api, 95),
                             "package_search_body": equivalent,
                             "solr_new_connection_p95_ms": bench_percentile(fresh, 95),
                             "ckan_floor_p50_ms": bench_percentile(floor, 50),
                             "ckan_floor_p95_ms": bench_percentile(floor, 95)})
                print(rows[-1], flush=True)
        with app._wsgi_app.test_request_context():
            tk.get_action("catalogue_item_purge")(bench_context(), {"id": owner, "cascade": True})
            found = tk.get_action("catalogue_item_search")(bench_context(), {
                "kind": ["globalcatalog.service"], "organization": f"lat-gc-{stamp}", "limit": 1000})
            from ckanext.catalogue.core.purge import catalogue_purge_packages
            catalogue_purge_packages([i["id"] for i in found["results"]])
    return rows


# What each stack's run is called in the report.
STACKS = {"single": "single node (one Solr core)",
          "cluster": "cluster stack (SolrCloud, 2 shards x 2 replicas on 2 nodes)"}


def report(rows: list[dict[str, Any]], when: str, repeat: int, stack: str = "single") -> str:
    lines = [
        "# Search latency: HTTP APIs beside raw Solr" + ("" if stack == "single" else f", {STACKS[stack]}"),
        "",
        f"Run {when} on {bench_machine()}, {STACKS[stack]}; {repeat} requests per figure after 5 warm-ups, one `ckan run` "
        "process, one keep-alive connection. Each row's five series (API, raw Solr, Solr on new connections, "
        "package_search, floor) are taken in turns, one request of each per round, so they see the same "
        "moments of the machine. Raw Solr replays the exact Solr requests the API call makes "
        "(recorded from pysolr). Solr new conn.: the same requests "
        "each on a new connection, as CKAN's `make_connection()` sends every query. CKAN floor: CKAN's "
        "`status_show` through the same server, the cost of any request to the portal before a search is run.",
        "",
        "| N | Query | Solr requests | API p50 ms | API p95 ms | package_search p95 ms | Solr p50 ms | Solr p95 ms "
        "| API - Solr p95 ms | 1.2x CKAN floor p95 ms | Solr new conn. p95 ms | CKAN floor p50 ms |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['n']} | {r['query']} | {r['solr_requests']} | {r['api_p50_ms']} | {r['api_p95_ms']} | "
                     f"{r['package_search_p95_ms']} | {r['solr_p50_ms']} | {r['solr_p95_ms']} | "
                     f"{round(r['api_p95_ms'] - r['solr_p95_ms'], 2)} | {round(1.2 * r['ckan_floor_p95_ms'], 2)} | "
                     f"{r['solr_new_connection_p95_ms']} | {r['ckan_floor_p50_ms']} |")
    runs = {r["n"]: r["measured"][:16] for r in rows if r.get("measured")}
    if len(set(runs.values())) > 1:
        lines += ["", "Measured at each N in its own run: " + "; ".join(
            f"N={n} at {at}" for n, at in sorted(runs.items())) + " (UTC)."]
    lines += ["", "Targets (issue 21): API p95 <= package_search p95 for the equivalent query (package_search with "
              "the catalogue's own filters; CKAN adds its site, state and permission filters), and API p95 - Solr "
              "p95 <= 1.2x CKAN's floor (status_show p95). The equivalent package_search bodies are in the JSON."]
    return "\n".join(lines + [""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ini", default="test.ini")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--reuse", action="store_true", help="search the items bulk_import.py --keep left")
    parser.add_argument("--append", action="store_true", help="keep the results of other N")
    parser.add_argument("--stack", choices=sorted(STACKS), default="single",
                        help="the stack --ini points at (cluster: saved as search_latency_cluster)")
    args = parser.parse_args()
    ini = Path(args.ini).resolve()
    name = "search_latency" if args.stack == "single" else f"search_latency_{args.stack}"
    measured = [{**r, "stack": args.stack} for r in _measure(bench_app(str(ini)), ini,
                                                              [int(n) for n in args.sizes.split(",")],
                                                              args.repeat, args.reuse)]
    rows = bench_rows(name, measured, args.append)
    when = bench_now()
    bench_save(name, {"when": when, "stack": args.stack, "rows": rows}, report(rows, when, args.repeat, args.stack))


if __name__ == "__main__":
    main()
