"""Lay out the Solr home for CKAN's cores from the installed ckan package:
``ckan`` (the portal of ``make run``) and ``ckan_test`` (``make test`` and
the benchmarks), alike, so running the tests never touches the portal's
index.

Usage: python make_home.py SOLR_HOME

The schema is the ``schema.xml`` shipped inside the installed ckan package with
the catalogue's field types and fields (``conf/schema-catalogue.xml``) spliced
in; its ``name`` is kept, because CKAN refuses unknown schema names at start-up.
Re-running refreshes configuration and keeps the index.
"""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import ckan

HERE = Path(__file__).resolve().parent


def _children(xml: str, tag: str) -> str:
    match = re.search(rf"<{tag}>(.*?)</{tag}>", xml, re.S)
    if not match:
        raise SystemExit(f"schema-catalogue.xml has no <{tag}> section")
    return match.group(1)


def build_schema() -> str:
    core = (Path(ckan.__file__).parent / "config" / "solr" / "schema.xml").read_text()
    extra = (HERE / "conf" / "schema-catalogue.xml").read_text()
    for tag in ("types", "fields"):
        closing = f"</{tag}>"
        if core.count(closing) != 1:
            raise SystemExit(f"unexpected ckan schema.xml: {closing} found {core.count(closing)} times")
        core = core.replace(closing, _children(extra, tag) + closing)
    return core


CORES = ("ckan", "ckan_test")


def main(target: str) -> None:
    home = Path(target)
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "home" / "solr.xml", home / "solr.xml")
    schema = build_schema()
    for core in CORES:
        conf = home / core / "conf"
        conf.mkdir(parents=True, exist_ok=True)
        (home / core / "core.properties").write_text(
            f"name={core}\nconfig=solrconfig.xml\nschema=schema.xml\ndataDir=data\n")
        for name in ("solrconfig.xml", "synonyms.txt", "protwords.txt"):
            shutil.copy(HERE / "conf" / name, conf / name)
        (conf / "schema.xml").write_text(schema)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
