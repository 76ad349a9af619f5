"""Benchmark: HTTP throughput of GET item, with and without If-None-Match,
under a bounded loopback load.

A public Global Catalog entry is made; gunicorn serves the ini with
``--workers`` (default 2) worker processes; wrk (Debian's, installed by
``make bench``) loads each URL for ``--seconds`` with ``--connections``. Beside
the entry (200, and 304 with its ETag in If-None-Match) the same run loads
CKAN's own ``package_show`` of that dataset and ``status_show`` (the cost of
any request to the portal). Writes ``bench/results/http_throughput.{json,md}``.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_items import bench_app, bench_bulk, bench_context, bench_machine, bench_now, bench_save

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(url: str, seconds: int, connections: int, headers: dict[str, str]) -> dict[str, Any]:
    command = ["wrk", "--threads", "1", "--connections", str(connections), "--duration", f"{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    out = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    found: dict[str, Any] = {"requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])}
    for pct, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        found[f"p{pct}_ms"] = round(float(value) * _UNITS[unit], 2)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    found["failed"] = int(bad[1]) if bad else 0
    assert not found["failed"] and not errors, out
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ini", default="test.ini")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    assert shutil.which("wrk"), "wrk is missing: `make bench` installs it (Debian's package)"
    import requests

    import ckan.plugins.toolkit as tk

    from ckanext.catalogue.core.purge import catalogue_purge_packages
    from ckanext.catalogue.tests.helpers import gunicorn_server

    ini = Path(args.ini).resolve()
    app = bench_app(str(ini))
    stamp = int(time.time())
    entry = f"http-{stamp}"
    with app._wsgi_app.test_request_context():  # type: ignore[attr-defined]
        org = tk.get_action("organization_create")(bench_context(), {"name": f"http-{stamp}"})
        made = bench_bulk([{"kind": "globalcatalog.service", "id": entry, "organization": org["name"],
                            "private": False,
                            "doc": {"name": entry, "disabled": False, "tags": ["bench"], "images": {"image": "i"},
                                    "overview_ui": {"en": {"display_name": "Bench", "description": "d",
                                                           "long_description": "l"}},
                                    "provider": {"name": "p", "email": "p@example.org"}}}])
    rows = []
    try:
        with tempfile.TemporaryDirectory() as logs, gunicorn_server(ini, args.workers, Path(logs)) as url:
            item_url = f"{url}/globalcatalog/api/v1/{entry}"
            first = requests.get(item_url)
            first.raise_for_status()
            etag = first.headers["ETag"]
            assert requests.get(item_url, headers={"If-None-Match": etag}).status_code == 304
            for label, target, headers in [
                ("GC GET entry (200)", item_url, {}),
                ("GC GET entry, If-None-Match (304)", item_url, {"If-None-Match": etag}),
                ("CKAN package_show of the same dataset", f"{url}/api/3/action/package_show?id={made[0]}", {}),
                ("CKAN status_show (any request's floor)", f"{url}/api/3/action/status_show", {}),
            ]:
                rows.append({"request": label, **_wrk(target, args.seconds, args.connections, headers)})
                print(rows[-1], flush=True)
    finally:
        with app._wsgi_app.test_request_context():  # type: ignore[attr-defined]
            catalogue_purge_packages(made)
    when = bench_now()
    lines = [
        "# HTTP throughput of GET item",
        "",
        f"Run {when} on {bench_machine()} ({os.cpu_count()} CPUs, shared by server and load). gunicorn with "
        f"{args.workers} worker processes; wrk with 1 thread and {args.connections} connections for {args.seconds}s "
        "per row, on loopback. Rows after the first two are this run's references.",
        "",
        "| Request | Requests/s | p50 ms | p99 ms |",
        "|---|---:|---:|---:|",
        *(f"| {r['request']} | {r['requests_per_second']} | {r.get('p50_ms')} | {r.get('p99_ms')} |" for r in rows),
        "",
    ]
    bench_save("http_throughput", {"when": when, "workers": args.workers, "connections": args.connections,
                                   "seconds": args.seconds, "rows": rows}, "\n".join(lines))


if __name__ == "__main__":
    main()
