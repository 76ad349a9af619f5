"""Lay out the Solr home for CKAN's cores from the installed ckan package:
``ckan`` (the portal of ``make run``) and ``ckan_test`` (``make test`` and
the benchmarks), alike, so running the tests never touches the portal's
index.

Usage: python make_home.py SOLR_HOME
       python make_home.py --configset DIR   (the same files for SolrCloud)

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


# CKAN's schema declares _version_ a string; SolrCloud replicas look
# versions up as longs (a string one fails every forwarded update, and the
# replicas drift apart), so the configset takes Solr's own definition.
_CKAN_VERSION_FIELD = '<field name="_version_" type="string" indexed="true" stored="true"/>'
_CLOUD_VERSION_FIELD = '<field name="_version_" type="plong" indexed="false" stored="false" docValues="true"/>'


def write_conf(conf: Path, cloud: bool = False) -> None:
    """One core's (or, ``cloud``, a SolrCloud configset's) configuration files."""
    conf.mkdir(parents=True, exist_ok=True)
    for name in ("solrconfig.xml", "synonyms.txt", "protwords.txt"):
        shutil.copy(HERE / "conf" / name, conf / name)
    schema = build_schema()
    if cloud:
        if schema.count(_CKAN_VERSION_FIELD) != 1:
            raise SystemExit("unexpected ckan schema.xml: its _version_ field is not the one this script replaces")
        schema = schema.replace(_CKAN_VERSION_FIELD, _CLOUD_VERSION_FIELD)
    (conf / "schema.xml").write_text(schema)


def main(target: str) -> None:
    home = Path(target)
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "home" / "solr.xml", home / "solr.xml")
    for core in CORES:
        write_conf(home / core / "conf")
        (home / core / "core.properties").write_text(
            f"name={core}\nconfig=solrconfig.xml\nschema=schema.xml\ndataDir=data\n")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--configset":
        write_conf(Path(sys.argv[2]), cloud=True)
    elif len(sys.argv) == 2:
        main(sys.argv[1])
    else:
        raise SystemExit(__doc__)
