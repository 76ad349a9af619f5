"""What the item benchmarks share: the site user's context, bulk loading,
an IUDX chain (owner, COS, resource server, provider) to put items under,
the Solr requests an API call makes, and timing."""
from __future__ import annotations

import datetime
import json
import platform
import statistics
import time
from pathlib import Path
from typing import Any, Callable

BATCH = 1000
RESULTS = Path(__file__).parent / "results"


def bench_context() -> dict[str, Any]:
    """A context of the site user (a sysadmin), fresh for each action call."""
    import ckan.plugins.toolkit as tk

    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    return {"user": site, "ignore_auth": True}


def bench_create(doc: dict[str, Any]) -> str:
    import ckan.plugins.toolkit as tk

    return tk.get_action("catalogue_item_create")(bench_context(), {"doc": doc})["id"]


def bench_bulk(records: list[dict[str, Any]]) -> list[str]:
    """Create ``records`` with ``catalogue_item_bulk_create``, BATCH per call;
    the ids in order. Any refused record stops the benchmark."""
    import ckan.plugins.toolkit as tk

    made: list[str] = []
    for offset in range(0, len(records), BATCH):
        result = tk.get_action("catalogue_item_bulk_create")(bench_context(),
                                                             {"records": records[offset:offset + BATCH]})
        assert not result["errors"], result["errors"][:3]
        made += result["created"]
    return made


def bench_provider_chain(prefix: str) -> tuple[str, str, str]:
    """(owner, resource server, provider) ids of a new IUDX chain named
    ``<prefix>-...`` (purging the owner with cascade removes it all)."""
    from ckanext.catalogue.tests.iudx import samples as s

    owner = bench_create(s.owner(f"{prefix}-owner"))
    cos = bench_create(s.cos(owner, f"{prefix}-cos.example.org"))
    rs = bench_create(s.resource_server(cos, f"{prefix}-rs"))
    return owner, rs, bench_create(s.provider(rs, f"{prefix}-provider"))


def bench_solr_requests(client: Any, path: str, args: dict[str, str],
                        headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The Solr requests one API call makes (recorded from pysolr), to be
    replayed straight to Solr as the call's raw reference."""
    import pysolr

    recorded: list[dict[str, Any]] = []
    original = pysolr.Solr._select

    def record(self: Any, params: dict[str, Any], handler: Any = None) -> Any:
        recorded.append(dict(params))
        return original(self, params, handler)

    pysolr.Solr._select = record  # type: ignore[method-assign]
    try:
        response = client.get(path, query_string=args, headers=headers or {})
        assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])
    finally:
        pysolr.Solr._select = original  # type: ignore[method-assign]
    return recorded


def bench_interleaved(runs: dict[str, Callable[[], Any]], repeat: int, warm: int = 5) -> dict[str, list[float]]:
    """Milliseconds of ``repeat`` runs of each of ``runs``, taken in turns
    (one of each per round, the order rotated every round) after ``warm``
    unmeasured rounds: what the machine does meanwhile (Solr merging
    segments after an import, another process) falls on every series alike,
    not on whichever was measured at that moment."""
    names = list(runs)
    found: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(warm + repeat):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            runs[name]()
            if round_ >= warm:
                found[name].append(1000 * (time.perf_counter() - started))
    return found


def bench_percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return round(values[0], 2)
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 2)


class BenchCounter:
    """SQL statements and Solr requests made while it is open."""

    def __init__(self) -> None:
        self.sql = self.solr = 0

    def __enter__(self) -> "BenchCounter":
        import pysolr
        import sqlalchemy as sa

        from ckan import model

        self._original = pysolr.Solr._send_request

        def counted(solr: Any, *args: Any, **kwargs: Any) -> Any:
            self.solr += 1
            return self._original(solr, *args, **kwargs)

        pysolr.Solr._send_request = counted  # type: ignore[method-assign]
        sa.event.listen(model.meta.engine, "before_cursor_execute", self._statement)
        return self

    def _statement(self, *args: Any) -> None:
        self.sql += 1

    def __exit__(self, *exc: Any) -> None:
        import pysolr
        import sqlalchemy as sa

        from ckan import model

        pysolr.Solr._send_request = self._original  # type: ignore[method-assign]
        sa.event.remove(model.meta.engine, "before_cursor_execute", self._statement)


def bench_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def bench_machine() -> str:
    import os

    return f"{platform.platform()}, {os.cpu_count()} CPUs"


def bench_rows(name: str, rows: list[dict[str, Any]], append: bool) -> list[dict[str, Any]]:
    """``rows``, after the rows of ``bench/results/<name>.json`` measured at
    other N when ``append`` (``make bench`` runs one N at a time)."""
    path = RESULTS / f"{name}.json"
    if not append or not path.exists():
        return rows
    sizes = {r["n"] for r in rows}
    kept = [r for r in json.loads(path.read_text()).get("rows", []) if r.get("n") not in sizes]
    return sorted(kept + rows, key=lambda r: r["n"])


# The IUDX data set bulk_import.py leaves (with --keep) for search_latency.py
# to reuse (--reuse): N items are imported once per N.
DATASET = RESULTS / "dataset.json"


def bench_iudx_records(provider: str, groups: list[str], start: int, stop: int) -> list[dict[str, Any]]:
    """IUDX resources ``start`` to ``stop`` under ``groups``, spread over a
    degree of longitude and latitude, tagged with one of 50 zones: what the
    searches look for."""
    from ckanext.catalogue.tests.iudx import samples as s

    return [{"doc": s.resource(groups[i % len(groups)], provider, name=f"lat-sensor-{i}",
                               lon=73.0 + (i % 100) / 100, lat=18.0 + (i // 100 % 100) / 100,
                               tags=["flood", "sensor", f"zone-{i % 50}"])} for i in range(start, stop)]


def bench_iudx_groups(n: int, provider: str, rs: str) -> list[dict[str, Any]]:
    """The resource groups (one per 100 items) the N items go under."""
    from ckanext.catalogue.tests.iudx import samples as s

    return [{"doc": s.resource_group(provider, rs, name=f"lat-group-{g}")} for g in range(max(1, n // 100))]


def bench_save(name: str, payload: dict[str, Any], markdown: str) -> None:
    """Write ``bench/results/<name>.json`` and ``.md`` and print the Markdown."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps({"benchmark": name, **payload}, indent=2) + "\n")
    (RESULTS / f"{name}.md").write_text(markdown)
    print(markdown)


def bench_app(ini: str) -> Any:
    """CKAN's WSGI app on ``ini`` (the plugins loaded, as ``ckan run`` has them)."""
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    return make_app(load_config(ini))
