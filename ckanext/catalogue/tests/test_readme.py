"""README.rst stays readable and complete: it parses as reStructuredText
without a warning (a malformed table renders as an error block on PyPI and
GitHub), and it lists every config option the extension declares."""
from __future__ import annotations

import io
from pathlib import Path

import docutils.core
import yaml

ROOT = Path(__file__).resolve().parents[3]
README = ROOT / "README.rst"
DECLARATION = ROOT / "ckanext" / "catalogue" / "config_declaration.yaml"


def test_the_readme_parses_without_a_warning():
    warnings = io.StringIO()
    docutils.core.publish_doctree(README.read_text(), settings_overrides={
        "warning_stream": warnings, "report_level": 2, "syntax_highlight": "none", "halt_level": 5})
    assert warnings.getvalue() == ""


def _listed(key: str, text: str) -> bool:
    # Per-API options share one row: ``<option>.<api>`` naming each API.
    parent, _, api = key.rpartition(".")
    return f"``{key}``" in text or (f"``{parent}.<api>``" in text and f"``{api}``" in text)


def test_the_readme_lists_every_declared_option():
    declared = [option["key"] for group in yaml.safe_load(DECLARATION.read_text())["groups"]
                for option in group["options"]]
    text = README.read_text()
    assert declared
    assert [key for key in declared if not _listed(key, text)] == []
