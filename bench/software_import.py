"""Benchmark: a Spack-sized software-catalog import (generated: 8,000
packages, 40,000 versions) through the project's import path, beside a raw
``datastore_upsert`` of the same rows in the same run.

Run by ``make bench`` (``python bench/software_import.py --ini test.ini``);
writes ``bench/results/software_import.{json,md}``.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_items import bench_machine, bench_now, bench_save


def spack_document(packages: int, versions_per_package: int) -> dict[str, Any]:
    """A repology.json in Spack's format: every fifth package is a build tool,
    every seventh detectable, so some versions get extra targets."""
    doc: dict[str, Any] = {"last_update": "2026-11-01 00:00:00.000000", "num_packages": packages, "packages": {}}
    for n in range(packages):
        name = f"pkg{n:05d}"
        categories = ["hpc"] + (["build-tools"] if n % 5 == 0 else []) + (["detectable"] if n % 7 == 0 else [])
        doc["packages"][name] = {
            "name": name, "alias": [], "categories": categories, "dependencies": [f"pkg{(n + 1) % packages:05d}"],
            "downloads": [], "homepages": [f"https://example.org/{name}"], "licenses": ["MIT"],
            "maintainers": ["bench"], "patches": [], "summary": f"Package number {n}",
            "version": [{"version": f"{v}.0.{n % 10}", "downloads": [f"https://example.org/{name}-{v}.tar.gz"]}
                        for v in range(versions_per_package)],
        }
    return doc


def run(ini: str, packages: int, versions_per_package: int, batch: int) -> dict[str, Any]:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(ini)
    app = make_app(config)
    with app._wsgi_app.test_request_context():  # type: ignore[attr-defined]
        return _measure(packages, versions_per_package, batch)


def _measure(packages: int, versions_per_package: int, batch: int) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.catalogue.software import store
    from ckanext.catalogue.software.loaders import spack

    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    ctx = lambda: {"user": site, "ignore_auth": True}  # noqa: E731
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "repology.json"
        source.write_text(json.dumps(spack_document(packages, versions_per_package)))

        catalog = tk.get_action("catalogue_software_catalog_create")(ctx(), {"doc": {
            "name": f"bench-{int(time.time())}", "version": "1", "catalog_type": "source_package"}})
        tables = store.catalogue_software_tables([catalog["id"]])[catalog["id"]]
        started = time.perf_counter()
        data = spack.load(str(source))
        parsed = time.perf_counter()
        counts = store.catalogue_software_replace(tables, data)
        written = time.perf_counter()
        rows = sum(counts)

        # The same rows, raw, through the DataStore's own action into plain
        # DataStore tables of an ordinary dataset.
        org = tk.get_action("organization_create")(ctx(), {"name": f"bench-org-{int(time.time())}"})
        dataset = tk.get_action("package_create")(ctx(), {"name": f"bench-raw-{int(time.time())}",
                                                          "owner_org": org["id"]})
        import sqlalchemy as sa

        from ckanext.datastore.backend.postgres import get_read_engine

        raw_seconds = 0.0
        with get_read_engine().connect() as conn:
            copies = {c: [dict(r) for r in conn.execute(sa.text(f'SELECT * FROM "{tables[c]}"')).mappings()]
                      for c in store.COLLECTIONS}
        for collection in store.COLLECTIONS:
            # Not a DataStore-writable url_type: no "patch last_modified"
            # job per call is left in the queue.
            resource = tk.get_action("resource_create")(ctx(), {
                "package_id": dataset["id"], "name": collection, "url_type": "catalogue_bench",
                "url": "_datastore_only_resource"})
            created = tk.get_action("datastore_create")(ctx(), {
                "resource_id": resource["id"], "force": True, "fields": store.TABLE_FIELDS[collection],
                "primary_key": ["uuid"], "indexes": store.TABLE_INDEXES[collection], "records": []})
            records = []
            for row in copies[collection]:
                row.pop("_id", None)
                row.pop("_full_text", None)
                records.append({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()})
            start = time.perf_counter()
            for offset in range(0, len(records), batch):
                tk.get_action("datastore_upsert")(ctx(), {
                    "resource_id": created["resource_id"], "records": records[offset:offset + batch],
                    "method": "insert", "force": True})
            raw_seconds += time.perf_counter() - start

        tk.get_action("catalogue_software_catalog_delete")(ctx(), {"id": catalog["id"]})
        tk.get_action("dataset_purge")(ctx(), {"id": dataset["id"]})
        model.Session.commit()

    write_seconds = written - parsed
    return {
        "benchmark": "software_import",
        "when": bench_now(),
        "machine": bench_machine(),
        "packages": counts[0], "versions": counts[1], "targets": counts[2], "rows": rows,
        "parse_seconds": round(parsed - started, 3),
        "import_seconds": round(write_seconds, 3),
        "import_rows_per_second": round(rows / write_seconds),
        "import_with_parse_rows_per_second": round(rows / (written - started)),
        "raw_datastore_upsert_seconds": round(raw_seconds, 3),
        "raw_datastore_upsert_rows_per_second": round(rows / raw_seconds),
        "raw_batch_size": batch,
        "ratio_import_vs_raw": round((rows / write_seconds) / (rows / raw_seconds), 2),
    }


def report(result: dict[str, Any]) -> str:
    return "\n".join([
        "# Software catalog import (Spack-sized)",
        "",
        f"Run {result['when']} on {result['machine']}.",
        f"{result['packages']} packages, {result['versions']} versions, {result['targets']} targets "
        f"({result['rows']} rows), generated in Spack's repology.json format.",
        "",
        "| Path | Seconds | Rows/s |",
        "|---|---:|---:|",
        f"| Project import (one transaction, batched DataStore inserts, uuids kept) | "
        f"{result['import_seconds']} | {result['import_rows_per_second']} |",
        f"| Same, with parsing the source | {round(result['parse_seconds'] + result['import_seconds'], 3)} | "
        f"{result['import_with_parse_rows_per_second']} |",
        f"| Raw `datastore_upsert` of the same rows ({result['raw_batch_size']} per call) | "
        f"{result['raw_datastore_upsert_seconds']} | {result['raw_datastore_upsert_rows_per_second']} |",
        "",
        f"Import vs raw upsert: {result['ratio_import_vs_raw']}x.",
        "",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ini", default="test.ini")
    parser.add_argument("--packages", type=int, default=8000)
    parser.add_argument("--versions", type=int, default=5, help="versions per package")
    parser.add_argument("--batch", type=int, default=2000, help="rows per raw datastore_upsert call")
    args = parser.parse_args()
    result = run(args.ini, args.packages, args.versions, args.batch)
    bench_save("software_import", result, report(result))


if __name__ == "__main__":
    main()
