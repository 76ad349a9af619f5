"""The benchmark report: every benchmark's results (bench/results/*.json)
with each target beside what was measured, one Markdown and one JSON file,
and a plot of cost against N with the references (``report.{md,json,svg}``),
also written as ``bench/reports/latest.{md,json,svg}`` to be committed (and
the targets table into README.rst, between its ``bench-table`` comments). The
JSON's ``targets`` list holds ``{name, target, measured, reference,
verdict}`` (``met`` or ``missed``). Run last by ``make bench``; benchmarks
not run are said to be missing."""
from __future__ import annotations

import datetime
import json
from typing import Any

from bench_items import RESULTS, bench_machine
from bench_plot import Panel, Series, bench_svg

PARTS = ("single_write", "bulk_import", "search_latency", "search_latency_cluster", "hierarchy", "group_purge",
         "software_import", "http_throughput")


# The latest full run, committed (README.rst shows its table).
REPORTS = RESULTS.parent / "reports"


def _load() -> dict[str, Any]:
    found = {}
    for name in PARTS:
        path = RESULTS / f"{name}.json"
        if path.exists():
            found[name] = json.loads(path.read_text())
    return found


def _verdict(met: bool) -> str:
    return "met" if met else "missed"


class _Targets(list[dict[str, str]]):
    def add(self, name: str, target: str, measured: str, reference: str, met: bool) -> None:
        self.append({"name": name, "target": target, "measured": measured, "reference": reference,
                     "verdict": _verdict(met)})


def _targets(data: dict[str, Any]) -> list[dict[str, str]]:
    """One ``{name, target, measured, reference, verdict}`` per target of
    issue 21 that a part measured (the reference measured in the same run)."""
    rows = _Targets()
    if "single_write" in data:
        single = data["single_write"]
        reference = next(r for r in single["rows"] if r["write"] == "group_create")
        for r in single["rows"]:
            if r["write"].startswith("catalogue_"):
                rows.add(f"One {r['write'].removeprefix('catalogue_item_')} through the API, p95 "
                         f"({single['indexed_documents']} documents indexed)",
                         f"<= {single['target_ms']} ms, visible to the next search",
                         f"{r['p95_ms']} ms (Solr {r['solr_p95_ms']} ms); {single['not_seen_by_next_search']} "
                         "not seen by the next search", f"group_create {reference['p95_ms']} ms",
                         r["p95_ms"] <= single["target_ms"] and not single["not_seen_by_next_search"])
    if "bulk_import" in data:
        bulk = data["bulk_import"]["rows"]
        for r in bulk:
            rows.add(f"Bulk import, N={r['n']}", ">= 25x package_create loop (aim 50x)",
                     f"{r['ratio']}x ({r['bulk_items_per_second']} items/s)",
                     f"package_create {r['package_create_items_per_second']} items/s", r["ratio"] >= 25)
            if "to_limit" in r:
                rows.add(f"Bulk import per item, N={r['n']}", "<= 2x the limit (COPY + raw Solr posts)",
                         f"{r['to_limit']}x ({r['bulk_ms_per_item']} ms)", f"limit {r['limit_ms_per_item']} ms",
                         r["to_limit"] <= 2)
            if r["n"] >= 100_000:
                rows.add(f"Bulk import of N={r['n']}", "under 5 minutes", f"{r['bulk_seconds']} s", "-",
                         r["bulk_seconds"] < 300)
        per_item = [r["bulk_ms_per_item"] for r in bulk]
        if len(per_item) > 1:
            spread = max(per_item) / min(per_item)
            rows.add("Bulk import linear in N", "ms per item flat across N (within 1.5x)",
                     f"{min(per_item)}-{max(per_item)} ms ({spread:.2f}x)",
                     "N=" + ",".join(str(r["n"]) for r in bulk), spread <= 1.5)
    for part, where in (("search_latency", ""), ("search_latency_cluster", ", cluster stack")):
        for r in data.get(part, {}).get("rows", []):
            if "package_search_p95_ms" not in r:
                continue  # a run from before the restated target
            rows.add(f"Search p95, {r['query']}, N={r['n']}{where}", "<= CKAN's package_search p95 (same query)",
                     f"{r['api_p95_ms']} ms", f"package_search {r['package_search_p95_ms']} ms",
                     r["api_p95_ms"] <= r["package_search_p95_ms"])
            over = round(r["api_p95_ms"] - r["solr_p95_ms"], 2)
            floor = round(1.2 * r["ckan_floor_p95_ms"], 2)
            rows.add(f"Search p95 over raw Solr, {r['query']}, N={r['n']}{where}",
                     "<= 1.2x CKAN's floor (status_show p95)",
                     f"{over} ms (API {r['api_p95_ms']} - Solr {r['solr_p95_ms']})", f"1.2x floor {floor} ms",
                     over <= floor)
    if "hierarchy" in data:
        hier = data["hierarchy"]["rows"]
        for read in dict.fromkeys(r["read"] for r in hier):
            counts = {(r["sql"], r["solr_requests"]) for r in hier if r["read"] == read}
            sizes = ",".join(str(r["n"]) for r in hier if r["read"] == read)
            if "," in sizes:
                rows.add(f"Queries per request, {read}", f"constant in N (N={sizes})",
                         "; ".join(f"{sql} SQL, {solr} Solr" for sql, solr in sorted(counts)), "-", len(counts) == 1)
        for r in hier:
            if r["read"].startswith("GC entry depth=*") and r["n"] >= 10_000:
                rows.add(f"{r['read']}, N={r['n']}", "<= 2x raw Solr p95 (same requests)",
                         f"{r['api_p95_ms']} ms ({r['p95_ratio']}x)", f"Solr {r['solr_p95_ms']} ms",
                         r["api_p95_ms"] <= 2 * r["solr_p95_ms"])
    if "group_purge" in data:
        for r in data["group_purge"]["rows"]:
            floor = f"; CKAN's reindex alone {r['reindex_seconds']} s" if "reindex_seconds" in r else ""
            rows.add(f"Group purge, N={r['n']}", ">= 10x group_purge",
                     f"{r['ratio']}x ({r['catalogue']['seconds']} s)", f"group_purge {r['ckan']['seconds']} s{floor}",
                     r["ratio"] >= 10)
    if "software_import" in data:
        soft = data["software_import"]
        rows.add(f"Software catalog import ({soft['packages']} packages, {soft['versions']} versions)",
                 ">= 1x raw datastore_upsert of the same rows", f"{soft['ratio_import_vs_raw']}x",
                 "raw datastore_upsert", soft["ratio_import_vs_raw"] >= 1)
    if "http_throughput" in data:
        http = data["http_throughput"]
        by = {r["request"]: r for r in http["rows"]}
        full = next((r for k, r in by.items() if k.startswith("GC GET entry (200)")), None)
        core = next((r for k, r in by.items() if k.startswith("CKAN package_show")), None)
        if full and core:
            ratio = full["requests_per_second"] / max(core["requests_per_second"], 1e-6)
            rows.add(f"GET item, {http.get('workers', 2)} gunicorn workers under wrk",
                     ">= 1x package_show of the same dataset", f"{full['requests_per_second']} requests/s "
                     f"({ratio:.2f}x)", f"package_show {core['requests_per_second']} requests/s", ratio >= 1)
    return rows


def _stacks_side_by_side(data: dict[str, Any]) -> list[str]:
    """Search p50/p95 on the single node beside the cluster stack, for each
    N and query both measured (``make bench BENCH_STACK=cluster``)."""
    if "search_latency" not in data or "search_latency_cluster" not in data:
        return []
    single = {(r["n"], r["query"]): r for r in data["search_latency"]["rows"]}
    pairs = [(single[(r["n"], r["query"])], r) for r in data["search_latency_cluster"]["rows"]
             if (r["n"], r["query"]) in single]
    lines = ["", "## Search: single node beside the cluster stack", "",
             "The same queries at the same N, measured in the same `make bench BENCH_STACK=cluster` run: "
             "one Solr core on one node, and the SolrCloud collection of 2 shards x 2 replicas on 2 nodes "
             "(`make cluster`), each behind one `ckan run`.", "",
             "| N | Query | Single API p50 ms | Single API p95 ms | Cluster API p50 ms | Cluster API p95 ms "
             "| Cluster / single p95 | Single Solr p95 ms | Cluster Solr p95 ms |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for one, many in pairs:
        lines.append(f"| {one['n']} | {one['query']} | {one['api_p50_ms']} | {one['api_p95_ms']} | "
                     f"{many['api_p50_ms']} | {many['api_p95_ms']} | "
                     f"{many['api_p95_ms'] / max(one['api_p95_ms'], 0.01):.2f}x | {one['solr_p95_ms']} | "
                     f"{many['solr_p95_ms']} |")
    return lines


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
    if "search_latency_cluster" in data:
        panels.append(_api_beside_solr(data["search_latency_cluster"]["rows"], "query",
                                       "Search p95 on the cluster stack (2 shards x 2 replicas), and its Solr"))
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


README = RESULTS.parent.parent / "README.rst"
_START, _END = ".. bench-table-start", ".. bench-table-end"


def _readme_table(targets: list[dict[str, str]], when: str) -> str:
    """The targets as an RST list table, for README.rst's block between
    its two ``bench-table`` comments."""
    def cell(text: str) -> str:
        return text.replace("*", "\\*").replace("|", "/")

    lines = [_START, "", f".. list-table:: Targets of the committed run ({when[:10]}, ``bench/reports/latest.md``)",
             "   :header-rows: 1", "", "   * - Measure", "     - Target", "     - Measured", "     - Reference",
             "     - Verdict"]
    for t in targets:
        lines += [f"   * - {cell(t['name'])}", f"     - {cell(t['target'])}", f"     - {cell(t['measured'])}",
                  f"     - {cell(t['reference'])}", f"     - {t['verdict']}"]
    return "\n".join([*lines, "", _END])


def _update_readme(targets: list[dict[str, str]], when: str) -> None:
    text = README.read_text()
    if _START in text and _END in text:
        head, rest = text.split(_START, 1)
        README.write_text(head + _readme_table(targets, when) + rest.split(_END, 1)[1])


def main() -> None:
    data = _load()
    when = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    targets = _targets(data)
    met = sum(t["verdict"] == "met" for t in targets)
    lines = ["# Benchmark report", "", f"Assembled {when} on {bench_machine()} from `bench/results/*.json`; each "
             "figure sits beside its reference measured in the same run (the dates are in each part). "
             f"{met} of {len(targets)} targets met.", "",
             "| Measure | Target | Measured | Reference (same run) | Verdict |", "|---|---|---|---|---|"]
    lines += [f"| {t['name']} | {t['target']} | {t['measured']} | {t['reference']} | "
              f"{t['verdict'] if t['verdict'] == 'met' else '**missed**'} |" for t in targets]
    missing = [name for name in PARTS if name not in data]
    if missing:
        lines += ["", "Not run: " + ", ".join(f"`{m}`" for m in missing) + "."]
    lines += _stacks_side_by_side(data)
    table_end = len(lines)
    lines += ["", "Plot of cost against N (log-log, references dashed): `report.svg`.", ""]
    for name in PARTS:
        md = RESULTS / f"{name}.md"
        if name in data and md.exists():
            lines += ["", md.read_text().replace("\n# ", "\n## ").replace("# ", "## ", 1)]
    markdown = "\n".join(lines) + "\n"
    document = json.dumps({"when": when, "machine": bench_machine(), "targets": targets, "parts": data},
                          indent=2) + "\n"
    svg = bench_svg(_panels(data))
    for folder in (RESULTS, REPORTS):
        folder.mkdir(parents=True, exist_ok=True)
    for folder, stem in ((RESULTS, "report"), (REPORTS, "latest")):
        (folder / f"{stem}.md").write_text(markdown)
        (folder / f"{stem}.json").write_text(document)
        (folder / f"{stem}.svg").write_text(svg)
    _update_readme(targets, when)
    print("\n".join(lines[:table_end]))


if __name__ == "__main__":
    main()
