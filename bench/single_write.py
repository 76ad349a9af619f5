"""One write through the action API: create, update (patch) and delete of a
catalogue item, each timed from request to answer, beside CKAN's own
``package_create`` and ``group_create`` (no search index) measured in the
same run. Each create is followed by a search for it: a write must be
visible to the next search (read-your-writes). The time spent waiting for
Solr (every request pysolr sends, the commit included) is reported per
write, so the share of the search index is seen beside the rest."""
from __future__ import annotations

import argparse
import time
import uuid
from typing import Any

from bench_items import bench_app, bench_machine, bench_now, bench_percentile, bench_save

TARGET_MS = 150


class _SolrClock:
    """Milliseconds spent in pysolr's requests while open."""

    def __init__(self) -> None:
        self.ms = 0.0

    def __enter__(self) -> "_SolrClock":
        import pysolr

        self._original = pysolr.Solr._send_request

        def timed(solr: Any, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return self._original(solr, *args, **kwargs)
            finally:
                self.ms += 1000 * (time.perf_counter() - started)

        pysolr.Solr._send_request = timed  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: Any) -> None:
        import pysolr

        pysolr.Solr._send_request = self._original  # type: ignore[method-assign]


def _post(client: Any, headers: dict[str, str], action: str, body: dict[str, Any]) -> tuple[Any, float, float]:
    """(result, ms, ms waiting for Solr) of one action API call."""
    with _SolrClock() as solr:
        started = time.perf_counter()
        response = client.post(f"/api/3/action/{action}", json=body, headers=headers)
        ms = 1000 * (time.perf_counter() - started)
    assert response.status_code == 200, (action, response.status_code, response.get_data(as_text=True)[:300])
    return response.json["result"], ms, solr.ms


def _row(name: str, runs: list[tuple[float, float]]) -> dict[str, Any]:
    total = [ms for ms, _ in runs]
    solr = [s for _, s in runs]
    return {"write": name, "p50_ms": bench_percentile(total, 50), "p95_ms": bench_percentile(total, 95),
            "solr_p50_ms": bench_percentile(solr, 50), "solr_p95_ms": bench_percentile(solr, 95)}


def _measure(app: Any, repeat: int) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk
    from ckan.lib.search.common import make_connection

    with app._wsgi_app.test_request_context():
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        token = tk.get_action("api_token_create")({"user": site, "ignore_auth": True},
                                                  {"user": site, "name": "single-write-bench"})["token"]
        org = tk.get_action("organization_create")({"user": site, "ignore_auth": True},
                                                   {"name": f"sw-{uuid.uuid4().hex[:8]}"})
    indexed = make_connection().search("*:*", rows=0).hits
    client = app._wsgi_app.test_client()
    headers = {"Authorization": token}
    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in (
        "group_create", "package_create", "catalogue_item_create", "catalogue_item_patch", "catalogue_item_delete")}
    unseen = 0
    for i in range(repeat + 3):
        stamp = uuid.uuid4().hex[:10]
        measured = i >= 3  # the first three warm the caches up
        timings = {}
        _, *timings["group_create"] = _post(client, headers, "group_create", {"name": f"sw-g-{stamp}"})
        _, *timings["package_create"] = _post(client, headers, "package_create",
                                               {"name": f"sw-p-{stamp}", "owner_org": org["id"]})
        item, *timings["catalogue_item_create"] = _post(client, headers, "catalogue_item_create", {
            "kind": "gcat.item", "doc": {"name": f"sw-i-{stamp}", "title": "A write", "license_id": "cc-by"}})
        # Read-your-writes: the next search by the same client finds it.
        found, _, _ = _post(client, headers, "catalogue_item_search", {"ids": [item["id"]]})
        unseen += found["count"] != 1
        _, *timings["catalogue_item_patch"] = _post(client, headers, "catalogue_item_patch",
                                                     {"id": item["id"], "doc": {"title": "Changed"}})
        _, *timings["catalogue_item_delete"] = _post(client, headers, "catalogue_item_delete", {"id": item["id"]})
        if measured:
            for name, (ms, solr_ms) in timings.items():
                runs[name].append((ms, solr_ms))
    return {"indexed_documents": indexed, "repeat": repeat, "not_seen_by_next_search": unseen,
            "rows": [_row(name, values) for name, values in runs.items()]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ini", required=True)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    measured = _measure(bench_app(args.ini), args.repeat)
    rows = measured["rows"]
    reference = next(r for r in rows if r["write"] == "group_create")
    lines = [
        "# One write through the action API",
        "",
        f"{bench_now()} on {bench_machine()}; {measured['repeat']} writes each, on an index of "
        f"{measured['indexed_documents']} documents. Target: each catalogue write's p95 <= {TARGET_MS} ms, "
        f"visible to the next search. Reference: group_create (no search index) p95 {reference['p95_ms']} ms.",
        "",
        "| write | p50 ms | p95 ms | of which Solr, p50 / p95 ms |",
        "|---|---|---|---|",
        *[f"| {r['write']} | {r['p50_ms']} | {r['p95_ms']} | {r['solr_p50_ms']} / {r['solr_p95_ms']} |" for r in rows],
        "",
        f"Creates not found by the next search: {measured['not_seen_by_next_search']} of {measured['repeat'] + 3}.",
        "",
    ]
    bench_save("single_write", {"date": bench_now(), "machine": bench_machine(), "target_ms": TARGET_MS, **measured},
               "\n".join(lines))


if __name__ == "__main__":
    main()
