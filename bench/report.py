"""The benchmark report: every benchmark's results (bench/results/*.json)
with each target beside what was measured, one Markdown and one JSON file,
and a plot of cost against N with the references (``report.{md,json,svg}``).
Run last by ``make bench``; benchmarks not run are said to be missing."""
from __future__ import annotations

import datetime
import json
from typing import Any

from bench_items import RESULTS
from bench_plot import Panel, Series, bench_svg

PARTS = ("single_write", "bulk_import", "search_latency", "hierarchy", "group_purge", "software_import",
         "http_throughput", "bulk_profile")


def _load() -> dict[str, Any]:
    found = {}
    for name in PARTS:
        path = RESULTS / f"{name}.json"
        if path.exists():
            found[name] = json.loads(path.read_text())
    return found


def _verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def _targets(data: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(what, target, measured, verdict) rows."""
    rows = []
    if "single_write" in data:
        single = data["single_write"]
        reference = next(r for r in single["rows"] if r["write"] == "group_create")
        for r in single["rows"]:
            if r["write"].startswith("catalogue_"):
                rows.append((f"One {r['write'].removeprefix('catalogue_item_')} through the API, p95 "
                             f"({single['indexed_documents']} documents indexed)",
                             f"<= {single['target_ms']} ms, visible to the next search",
                             f"{r['p95_ms']} ms (Solr {r['solr_p95_ms']} ms; group_create {reference['p95_ms']} ms)",
                             _verdict(r["p95_ms"] <= single["target_ms"] and not single["not_seen_by_next_search"])))
    if "bulk_import" in data:
        bulk = data["bulk_import"]["rows"]
        for r in bulk:
            rows.append((f"Bulk import, N={r['n']}", ">= 25x package_create loop (aim 50x)",
                         f"{r['ratio']}x ({r['bulk_items_per_second']} vs {r['package_create_items_per_second']} "
                         "items/s)", _verdict(r["ratio"] >= 25)))
            if "to_limit" in r:
                rows.append((f"Bulk import per item, N={r['n']}", "<= 2x the limit (COPY + raw Solr posts)",
                             f"{r['to_limit']}x ({r['bulk_ms_per_item']} vs {r['limit_ms_per_item']} ms)",
                             _verdict(r["to_limit"] <= 2)))
            if r["n"] >= 100_000:
                rows.append((f"Bulk import of N={r['n']}", "under 5 minutes", f"{r['bulk_seconds']} s",
                             _verdict(r["bulk_seconds"] < 300)))
        per_item = [r["bulk_ms_per_item"] for r in bulk]
        if len(per_item) > 1:
            spread = max(per_item) / min(per_item)
            rows.append(("Bulk import linear in N", "ms per item flat across N (within 1.5x)",
                         f"{min(per_item)}-{max(per_item)} ms ({spread:.2f}x)", _verdict(spread <= 1.5)))
    if "search_latency" in data:
        for r in data["search_latency"]["rows"]:
            if "package_search_p95_ms" not in r:
                continue  # a run from before the restated target
            rows.append((f"Search p95, {r['query']}, N={r['n']}", "<= CKAN's package_search p95 (same query)",
                         f"{r['api_p95_ms']} vs {r['package_search_p95_ms']} ms",
                         _verdict(r["api_p95_ms"] <= r["package_search_p95_ms"])))
            over = round(r["api_p95_ms"] - r["solr_p95_ms"], 2)
            floor = round(1.2 * r["ckan_floor_p95_ms"], 2)
            rows.append((f"Search p95 over raw Solr, {r['query']}, N={r['n']}", "<= 1.2x CKAN's floor (status_show p95)",
                         f"{over} ms vs {floor} ms", _verdict(over <= floor)))
    if "hierarchy" in data:
        hier = data["hierarchy"]["rows"]
        for read in dict.fromkeys(r["read"] for r in hier):
            counts = {(r["sql"], r["solr_requests"]) for r in hier if r["read"] == read}
            sizes = ",".join(str(r["n"]) for r in hier if r["read"] == read)
            rows.append((f"Queries per request, {read}", f"constant in N (N={sizes})",
                         "; ".join(f"{sql} SQL, {solr} Solr" for sql, solr in sorted(counts)),
                         _verdict(len(counts) == 1) if "," in sizes else "one N only: not shown"))
    if "group_purge" in data:
        for r in data["group_purge"]["rows"]:
            floor = f" (ours {r['catalogue']['seconds']} s; CKAN's reindex alone {r['reindex_seconds']} s)" \
                if "reindex_seconds" in r else ""
            rows.append((f"Group purge, N={r['n']}", ">= 10x group_purge", f"{r['ratio']}x{floor}",
                         _verdict(r["ratio"] >= 10)))
    if "software_import" in data:
        soft = data["software_import"]
        rows.append((f"Software catalog import ({soft['packages']} packages, {soft['versions']} versions)",
                     "(no ratio given) beside raw datastore_upsert of the same rows",
                     f"{soft['ratio_import_vs_raw']}x", "-"))
    if "http_throughput" in data:
        http = {r["request"]: r for r in data["http_throughput"]["rows"]}
        full, cached = (next((r for k, r in http.items() if k.startswith(prefix)), None)
                        for prefix in ("GC GET entry (200)", "GC GET entry, If-None-Match"))
        if full and cached:
            rows.append(("GET item, 304 path", "(no target) throughput beside the 200 path",
                         f"{cached['requests_per_second']} vs {full['requests_per_second']} requests/s", "-"))
    return rows


def _api_beside_solr(rows: list[dict[str, Any]], key: str, title: str) -> Panel:
    """API p95 against N for each request (``key``), with its Solr p95 dashed."""
    series = []
    for name in dict.fromkeys(r[key] for r in rows):
        mine = [r for r in rows if r[key] == name]
        series.append(Series(name, [(r["n"], r["api_p95_ms"]) for r in mine]))
        series.append(Series(f"{name}: Solr", [(r["n"], r["solr_p95_ms"]) for r in mine], reference=True))
    return Panel(title, "ms", series)


def _panels(data: dict[str, Any]) -> list[Panel]:
    panels = []
    if "bulk_import" in data:
        from bulk_import import bulk_panel

        panels.append(bulk_panel(data["bulk_import"]["rows"]))
    if "search_latency" in data:
        panels.append(_api_beside_solr(data["search_latency"]["rows"], "query",
                                       "Search p95 through the APIs, and the same Solr requests"))
    if "hierarchy" in data:
        panels.append(_api_beside_solr(data["hierarchy"]["rows"], "read",
                                       "Hierarchy reads p95, and the same Solr requests"))
    if "group_purge" in data:
        rows = data["group_purge"]["rows"]
        panels.append(Panel("Purge of a group with N datasets", "seconds", [
            Series("catalogue_group_purge", [(r["n"], r["catalogue"]["seconds"]) for r in rows]),
            Series("group_purge", [(r["n"], r["ckan"]["seconds"]) for r in rows], reference=True),
            Series("reindex alone", [(r["n"], r["reindex_seconds"]) for r in rows if "reindex_seconds" in r],
                   reference=True)]))
    return panels


def main() -> None:
    data = _load()
    when = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    lines = ["# Benchmark report", "", f"Assembled {when} from `bench/results/*.json`; each part was measured "
             "beside its reference in its own run (the dates are in each part).", "",
             "| Measure | Target | Measured | Verdict |", "|---|---|---|---|"]
    lines += [f"| {what} | {target} | {measured} | {verdict} |" for what, target, measured, verdict in _targets(data)]
    missing = [name for name in PARTS if name not in data]
    if missing:
        lines += ["", "Not run: " + ", ".join(f"`{m}`" for m in missing) + "."]
    lines += ["", "Plot of cost against N: `report.svg`.", ""]
    for name in PARTS:
        md = RESULTS / f"{name}.md"
        if name in data and md.exists():
            lines += ["", md.read_text().replace("\n# ", "\n## ").replace("# ", "## ", 1)]
    (RESULTS / "report.md").write_text("\n".join(lines) + "\n")
    (RESULTS / "report.json").write_text(json.dumps({"when": when, "targets": [
        {"measure": w, "target": t, "measured": m, "verdict": v} for w, t, m, v in _targets(data)],
        "parts": data}, indent=2) + "\n")
    (RESULTS / "report.svg").write_text(bench_svg(_panels(data)))
    print("\n".join(lines[:8 + len(_targets(data))]))


if __name__ == "__main__":
    main()
