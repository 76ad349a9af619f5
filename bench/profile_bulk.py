"""Where the bulk import's time goes: one ``catalogue_item_bulk_create`` of
N IUDX resources under one resource group, profiled with cProfile, and the
cumulative time of each phase (per item) written to
``bench/results/bulk_profile.{md,json}``. Phases overlap (activities call
package_show, which validates), so the shares need not add up.

Run with ``.venv/bin/python bench/profile_bulk.py --ini test.ini --n 200``
(the test stack must be up: ``make services``); it removes what it made.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from typing import Any

from bench_items import (
    bench_app,
    bench_context,
    bench_create,
    bench_machine,
    bench_now,
    bench_provider_chain,
    bench_save,
)

# (label, file suffix, function name) of the functions whose cumulative time is a phase.
PHASES = [
    ("record checks, as catalogue_item_create makes them (_check_create)", "catalogue/logic/action/item.py",
     "_check_create"),
    ("CKAN's dataset validation (catalogue_bulk_validate)", "catalogue/core/bulk.py", "catalogue_bulk_validate"),
    ("rows, hooks and activities (catalogue_bulk_insert)", "catalogue/core/bulk.py", "catalogue_bulk_insert"),
    ("dataset dicts as package_show makes them (catalogue_show_many)", "catalogue/core/bulk.py",
     "catalogue_show_many"),
    ("search documents by CKAN's indexer (index_package)", "ckan/lib/search/index.py", "index_package"),
    ("navl validation (all callers)", "ckan/lib/navl/dictization_functions.py", "validate"),
    ("Solr HTTP requests", "pysolr.py", "_send_request"),
    ("SQL statements", "sqlalchemy/engine/base.py", "_execute_context"),
]


def _profile(n: int) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk

    from ckanext.catalogue.tests.iudx import samples as s

    stamp = int(time.time())
    owner, rs, provider = bench_provider_chain(f"prof-{stamp}")
    group = bench_create(s.resource_group(provider, rs, name=f"prof-group-{stamp}"))
    records = [{"doc": s.resource(group, provider, name=f"prof-sensor-{i}")} for i in range(n)]
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    result = tk.get_action("catalogue_item_bulk_create")(bench_context(), {"records": records})
    profiler.disable()
    seconds = time.perf_counter() - started
    assert not result["errors"], result["errors"][:3]
    tk.get_action("catalogue_item_purge")(bench_context(), {"id": owner, "cascade": True})

    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    phases = []
    for label, suffix, name in PHASES:
        calls = cumulative = 0.0
        for (filename, _line, function), (_cc, ncalls, _tt, ct, _callers) in stats.items():
            if function == name and filename.endswith(suffix):
                calls += ncalls
                cumulative += ct
        phases.append({"phase": label, "calls_per_item": round(calls / n, 1),
                       "ms_per_item": round(1000 * cumulative / n, 2)})
    return {"n": n, "seconds": round(seconds, 2), "ms_per_item": round(1000 * seconds / n, 2), "phases": phases}


def report(found: dict[str, Any], when: str) -> str:
    lines = ["# Where the bulk import's time goes", "",
             f"Run {when} on {bench_machine()}: one `catalogue_item_bulk_create` of {found['n']} IUDX "
             f"resources, {found['seconds']} s, {found['ms_per_item']} ms per item (under cProfile, which slows "
             "Python code). Cumulative time per item; phases overlap.", "",
             "| Phase | Calls per item | ms per item |", "|---|---:|---:|"]
    lines += [f"| {p['phase']} | {p['calls_per_item']} | {p['ms_per_item']} |" for p in found["phases"]]
    return "\n".join(lines + [""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ini", default="test.ini")
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    with bench_app(args.ini)._wsgi_app.test_request_context():
        found = _profile(args.n)
    when = bench_now()
    bench_save("bulk_profile", {"when": when, **found}, report(found, when))


if __name__ == "__main__":
    main()
