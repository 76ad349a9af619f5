"""Benchmark: bulk import of catalogue items with parents (IUDX resource
groups and resources under one provider) through ``catalogue_item_bulk_create``
(1,000 records per call, as ``ckan catalogue item import`` sends them),
beside a loop of CKAN's ``package_create`` measured in the same run.

Run by ``make bench``; writes ``bench/results/bulk_import.{json,md,svg}``.
``--sizes 1000,10000,100000`` chooses N; the ``package_create`` loop runs on
at most ``--reference`` datasets per size (its rate is per dataset). The
items are those ``search_latency.py`` searches; ``--keep`` leaves the last
N's for it to reuse (``bench/results/dataset.json`` names them).
"""
from __future__ import annotations

import argparse
import json
import time
from typing import Any

from bench_items import (
    DATASET,
    RESULTS,
    bench_app,
    bench_context,
    bench_iudx_groups,
    bench_iudx_records,
    bench_machine,
    bench_now,
    bench_provider_chain,
    bench_rows,
    bench_save,
)
from bench_plot import Panel, Series, bench_svg

BATCH = 1000


# The rows a bulk import writes, by table, in the order they can be put back.
_TABLES = [
    ("package", "id IN (SELECT id FROM bench_ids)"),
    ("package_tag", "package_id IN (SELECT id FROM bench_ids)"),
    ("member", "table_id IN (SELECT id FROM bench_ids)"),
    ("catalogue_item", "id IN (SELECT id FROM bench_ids)"),
    ("catalogue_item_key", "item_id IN (SELECT id FROM bench_ids)"),
    ("activity", "object_id IN (SELECT id FROM bench_ids)"),
]


def _physical_limit(provider: str, posts: list[tuple[Any, str]]) -> float:
    """Seconds to write the very rows the bulk import wrote under the
    provider (PostgreSQL COPY, one transaction) and send Solr the very
    requests that added its documents (``posts``: the bodies as sent, in
    the import's batches), then one commit: the floor no importer can go
    under. The rows and documents are read out, removed and put back, so
    the data is as before."""
    import io

    import pysolr

    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckan.lib.search.common import make_connection

    pkg = model.Package.get(provider)
    assert pkg is not None
    raw = model.Session.connection().connection
    cursor = raw.cursor()
    cursor.execute("CREATE TEMP TABLE bench_ids ON COMMIT DROP AS SELECT id FROM package "
                   "WHERE owner_org = %s AND id <> %s", (pkg.owner_org, provider))
    dumps: list[tuple[str, io.StringIO]] = []
    for table, where in _TABLES:
        out = io.StringIO()
        cursor.copy_expert(f'COPY (SELECT * FROM "{table}" WHERE {where}) TO STDOUT', out)
        dumps.append((table, out))
    conn = make_connection(decode_dates=False)
    site = tk.config["ckan.site_id"]
    fq = [f'+site_id:"{site}"', f'+owner_org:"{pkg.owner_org}"', f'-id:"{provider}"']
    for table, where in reversed(_TABLES):
        cursor.execute(f'DELETE FROM "{table}" WHERE {where}')
    raw.commit()
    conn.delete(q=" ".join(fq), commit=True)

    started = time.perf_counter()
    for table, out in dumps:
        out.seek(0)
        cursor.copy_expert(f'COPY "{table}" FROM STDIN', out)
    raw.commit()
    solr = pysolr.Solr(conn.url, timeout=600)
    for message, solrapi in posts:
        solr._update(message, commit=False, solrapi=solrapi)
    solr.commit(softCommit=True, waitSearcher=True)  # the commit the import makes
    seconds = time.perf_counter() - started
    model.Session.remove()
    return seconds


# The steps of the import timed in the measured run (name, module, function):
# wall-clock seconds inside each, summed over the run. Steps nest (record
# checks hold CKAN's validation when a record makes the held ones be
# written), so the shares need not add up.
_PHASES = [
    ("record checks (kind schema, links, placement, access)", "ckanext.catalogue.logic.action.item", "_check_create"),
    ("free ids, names and keys (3 queries per part)", "ckanext.catalogue.logic.action.item", "catalogue_taken_conflicts"),
    ("CKAN's dataset validation", "ckanext.catalogue.core.bulk", "catalogue_bulk_validate"),
    ("SQL writes (COPY)", "ckanext.catalogue.core.bulk", "catalogue_copy_rows"),
    ("dataset dicts as package_show makes them", "ckanext.catalogue.core.bulk", "catalogue_show_many"),
    ("activities", "ckanext.catalogue.core.bulk", "_record_activities"),
    ("search documents by CKAN's indexer (posted in the background)", "ckanext.catalogue.core.bulk",
     "catalogue_bulk_index"),
    ("waiting for Solr's last posts and its commit", "ckanext.catalogue.core.solr", "CataloguePoster.finish"),
    ("PostgreSQL commit", "ckan.model", "repo.commit"),
]


class _PhaseWatch:
    """Times the steps of ``_PHASES`` and keeps the bodies of the requests
    that added documents to Solr, as sent (bytes: nothing for Python's
    collector to scan, nothing serialised again), for the physical limit."""

    def __init__(self) -> None:
        import importlib

        import pysolr

        self.seconds: dict[str, float] = dict.fromkeys((label for label, _m, _f in _PHASES), 0.0)
        self.docs: list[tuple[Any, str]] = []  # (message, solrapi) of each add request
        self.undo: list[tuple[Any, str, Any]] = []
        for label, module, name in _PHASES:
            owner: Any = importlib.import_module(module)
            *path, attr = name.split(".")
            for part in path:
                owner = getattr(owner, part)
            self._wrap(owner, attr, label)
        update = pysolr.Solr._update
        docs = self.docs

        def kept(solr: Any, message: Any, *args: Any, **kwargs: Any) -> Any:
            if kwargs.get("handler", "update") == "update" and (message[:4] in ("<add", b"<add")
                                                                  or message[:1] in ("[", b"[")):
                docs.append((message, kwargs.get("solrapi", "XML")))
            return update(solr, message, *args, **kwargs)

        self.undo.append((pysolr.Solr, "_update", update))
        pysolr.Solr._update = kept  # type: ignore[method-assign]

    def _wrap(self, owner: Any, attr: str, label: str) -> None:
        original = getattr(owner, attr)
        seconds = self.seconds

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[label] += time.perf_counter() - started

        self.undo.append((owner, attr, original))
        setattr(owner, attr, timed)

    def stop(self, n: int) -> list[dict[str, Any]]:
        for owner, attr, original in reversed(self.undo):
            setattr(owner, attr, original)
        return [{"phase": label, "seconds": round(value, 2), "ms_per_item": round(1000 * value / n, 3)}
                for label, value in self.seconds.items()]


# Warm-up before any timing: a small import and a few package_create calls.
_WARM_ITEMS = 50
_WARM_CREATES = 5


def _warm_up() -> None:
    """Run both timed paths once on a few items, then remove them: what a
    new process does once (imports, schemas built and cached, first
    connections) is not part of either rate."""
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.catalogue.core.purge import catalogue_purge_packages

    stamp = int(time.time())
    owner, rs, provider = bench_provider_chain(f"bench-warm-{stamp}")
    groups = tk.get_action("catalogue_item_bulk_create")(
        bench_context(), {"records": bench_iudx_groups(100, provider, rs)})["created"]
    result = tk.get_action("catalogue_item_bulk_create")(
        bench_context(), {"records": bench_iudx_records(provider, groups, 0, _WARM_ITEMS)})
    assert not result["errors"], result["errors"][:3]
    org = tk.get_action("organization_create")(bench_context(), {"name": f"bench-warm-{stamp}"})
    made = [tk.get_action("package_create")(bench_context(), {"name": f"bench-warm-{stamp}-{i}",
                                                              "owner_org": org["id"]})["id"]
            for i in range(_WARM_CREATES)]
    tk.get_action("catalogue_item_purge")(bench_context(), {"id": owner, "cascade": True})
    catalogue_purge_packages(made)
    tk.get_action("organization_purge")(bench_context(), {"id": org["id"]})
    model.Session.commit()


def _measure(sizes: list[int], reference: int, keep: bool) -> list[dict[str, Any]]:
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.catalogue.core.purge import catalogue_purge_packages

    _warm_up()
    rows = []
    for n in sizes:
        stamp = int(time.time())
        owner, rs, provider = bench_provider_chain(f"bench-{stamp}")
        group_docs = bench_iudx_groups(n, provider, rs)

        watch = _PhaseWatch()
        started = time.perf_counter()
        group_ids: list[str] = []
        for offset in range(0, len(group_docs), BATCH):
            result = tk.get_action("catalogue_item_bulk_create")(
                bench_context(), {"records": group_docs[offset:offset + BATCH]})
            assert not result["errors"], result["errors"][:3]
            group_ids += result["created"]
        # Made a batch at a time: the records of 100k items are not all held.
        for offset in range(0, n - len(group_ids), BATCH):
            records = bench_iudx_records(provider, group_ids, offset, min(n - len(group_ids), offset + BATCH))
            result = tk.get_action("catalogue_item_bulk_create")(bench_context(), {"records": records})
            assert not result["errors"], result["errors"][:3]
        bulk_seconds = time.perf_counter() - started
        phases = watch.stop(n)
        limit_seconds = _physical_limit(provider, watch.docs)
        # Documents in the requests replayed (the groups, then the items).
        posted = sum(len(json.loads(message)) if api == "JSON" else
                     (message if isinstance(message, str) else message.decode()).count("<doc")
                     for message, api in watch.docs)
        watch.docs.clear()

        sample = min(n, reference)
        org = tk.get_action("organization_create")(bench_context(), {"name": f"bench-ref-{stamp}"})
        site = bench_context()  # once: the loop times package_create alone
        started = time.perf_counter()
        made = [tk.get_action("package_create")(dict(site), {"name": f"bench-ref-{stamp}-{i}", "owner_org": org["id"],
                                                             "notes": f"Sensor {i}"})["id"] for i in range(sample)]
        reference_seconds = time.perf_counter() - started

        if keep and n == sizes[-1]:
            DATASET.write_text(json.dumps({"n": n, "owner": owner, "provider": provider}))
        else:
            tk.get_action("catalogue_item_purge")(bench_context(), {"id": owner, "cascade": True})
        catalogue_purge_packages(made)
        tk.get_action("organization_purge")(bench_context(), {"id": org["id"]})
        model.Session.commit()

        bulk_rate = n / bulk_seconds
        reference_rate = sample / reference_seconds
        rows.append({"n": n, "bulk_seconds": round(bulk_seconds, 2), "bulk_items_per_second": round(bulk_rate, 1),
                     "reference_sample": sample, "reference_seconds": round(reference_seconds, 2),
                     "package_create_items_per_second": round(reference_rate, 1),
                     "ratio": round(bulk_rate / reference_rate, 1),
                     "bulk_ms_per_item": round(1000 * bulk_seconds / n, 3),
                     "limit_seconds": round(limit_seconds, 2), "limit_ms_per_item": round(1000 * limit_seconds / n, 3),
                     "to_limit": round(bulk_seconds / limit_seconds, 1), "limit_documents": posted,
                     "phases": phases})
        print(rows[-1], flush=True)
    return rows


def bulk_panel(rows: list[dict[str, Any]]) -> Panel:
    """Seconds against N for both paths (the reference at its measured rate)."""
    return Panel("Bulk import: seconds for N items", "seconds", [
        Series("catalogue_item_bulk_create", [(r["n"], r["bulk_seconds"]) for r in rows]),
        Series("package_create loop", [(r["n"], round(r["n"] / r["package_create_items_per_second"], 2))
                                       for r in rows], reference=True),
    ])


def report(rows: list[dict[str, Any]], when: str) -> str:
    lines = [
        "# Bulk import of catalogue items with parents",
        "",
        f"Run {when} on {bench_machine()}. Items: IUDX resource groups (N/100) and resources (tagged, with "
        "points) under one provider, N in all, "
        f"created by `catalogue_item_bulk_create` in calls of {BATCH}; the reference is a loop of `package_create` "
        "on plain datasets in the same run (on at most the sample size shown). The limit writes the very rows "
        "(PostgreSQL `COPY`) and posts the very documents the import posted (kept as they were handed to Solr; "
        "straight to Solr in the import's own requests, one commit). Each process first runs both paths once on "
        f"a few items ({_WARM_ITEMS} imported, {_WARM_CREATES} `package_create` calls), removed before timing.",
        "",
        "| N | Bulk s | Bulk items/s | ms per item | package_create sample | package_create items/s | Ratio | "
        "Limit s (COPY + raw Solr) | Bulk / limit |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['n']} | {r['bulk_seconds']} | {r['bulk_items_per_second']} | {r['bulk_ms_per_item']} | "
                     f"{r['reference_sample']} | {r['package_create_items_per_second']} | {r['ratio']}x | "
                     f"{r['limit_seconds']} | {r['to_limit']}x |")
    lines += ["", "Linear in N when ms per item stays flat. Plot: `bulk_import.svg`.", "",
              "Where the import's time goes, in the same runs (wall-clock ms per item inside each step; documents "
              "are posted to Solr from a background thread while the next records are checked, so Solr's own "
              "work shows only as the wait at the end of each call; steps nest, so the shares need not add up):",
              "", "| Step | " + " | ".join(f"N={r['n']}" for r in rows) + " |",
              "|---|" + "---:|" * len(rows)]
    for index, phase in enumerate(rows[0].get("phases", []) if rows else []):
        lines.append(f"| {phase['phase']} | " + " | ".join(
            str(r["phases"][index]["ms_per_item"]) if len(r.get("phases", [])) > index else "-" for r in rows) + " |")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ini", default="test.ini")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--reference", type=int, default=1000, help="package_create loop size at most")
    parser.add_argument("--keep", action="store_true", help="keep the last N's items for search_latency.py")
    parser.add_argument("--append", action="store_true", help="keep the results of other N")
    args = parser.parse_args()
    with bench_app(args.ini)._wsgi_app.test_request_context():
        rows = bench_rows("bulk_import", _measure([int(n) for n in args.sizes.split(",")], args.reference,
                                                  args.keep), args.append)
    when = bench_now()
    bench_save("bulk_import", {"when": when, "rows": rows}, report(rows, when))
    (RESULTS / "bulk_import.svg").write_text(bench_svg([bulk_panel(rows)]))


if __name__ == "__main__":
    main()
