"""The curl examples of README.rst work as written against the demo: every
``curl`` command of its bash blocks runs, in order and in one shell (so a
block's variables and the objects an earlier line made carry on), against a
served test portal loaded with ``make run``'s demo, and must answer the
status that starts its comment (``# 201 ...``)."""
from __future__ import annotations

import configparser
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docutils.core
import docutils.nodes
import pytest

import ckan.lib.jobs as jobs
from ckan.tests import factories

from ckanext.catalogue.demo import catalogue_load_demo
from ckanext.catalogue.tests.helpers import ROOT, ckan_ini, ckan_servers

README = ROOT / "README.rst"
DEMO_URL = "http://127.0.0.1:5000"
# Jobs the examples queue wait here and are dropped after: a worker running
# them during the run would race the lines that follow.
QUEUE = "catalogue-readme-tests"

_STATUS = re.compile(r"#\s*([1-5]\d\d)\b")


@dataclass
class CurlLine:
    number: int  # its order in README.rst
    text: str
    status: int | None


def _bash_blocks() -> list[str]:
    tree = docutils.core.publish_doctree(README.read_text(), settings_overrides={
        "report_level": 5, "syntax_highlight": "none"})
    return [node.astext() for node in tree.findall(docutils.nodes.literal_block) if "bash" in node["classes"]]


def _commands(block: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, comment) of each curl command of a bash block: offsets in
    the block, and the comment of its last line. A small shell lexer: quotes
    (the JSON bodies span lines), backslash-newline, ``#`` comments."""
    quote = ""
    start = -1
    comment = ""
    i = 0
    while i < len(block):
        char = block[i]
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "\\":
            i += 1  # the escaped character, a newline included
        elif char == "#" and (i == 0 or block[i - 1] in " \t\n"):
            end_of_line = block.find("\n", i)
            end_of_line = len(block) if end_of_line < 0 else end_of_line
            comment = block[i:end_of_line]
            i = end_of_line
            continue
        elif char == "\n":
            if start >= 0:
                yield start, i, comment
                start = -1
            comment = ""
        elif start < 0 and block.startswith("curl ", i) and (i == 0 or not block[i - 1].isalnum()):
            start = i
        i += 1
    if start >= 0:
        yield start, len(block), comment


def readme_curl_lines() -> tuple[str, list[CurlLine]]:
    """The README's bash blocks as one script whose every curl command
    carries its number, and the commands with the status their comment says."""
    script: list[str] = []
    lines: list[CurlLine] = []
    for block in _bash_blocks():
        commands = list(_commands(block))
        if not commands:
            continue  # the install and run commands
        cursor = 0
        for start, end, comment in commands:
            found = _STATUS.match(comment.strip())
            lines.append(CurlLine(len(lines), block[start:end].strip(), int(found.group(1)) if found else None))
            script.append(block[cursor:start] + f"__n={lines[-1].number} ")
            cursor = start
        script.append(block[cursor:] + "\n")
    return "".join(script), lines


def test_every_readme_curl_line_says_its_status():
    _, lines = readme_curl_lines()
    assert len(lines) > 50
    assert [line.text for line in lines if line.status is None] == []


@pytest.fixture
def demo_portal(clean_db, clean_index, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A served test portal holding the demo, as ``make run`` leaves it, and
    a sysadmin's token (the one ``make run`` prints)."""
    admin = factories.SysadminWithToken()
    catalogue_load_demo(admin["name"])
    # The portal of make run (development.ini): its plugins and views, rate limits on.
    development = configparser.ConfigParser(interpolation=None, strict=False)
    development.read(ROOT / "development.ini")
    served = {key: development["app:main"][key] for key in ("ckan.plugins", "ckan.views.default_views")}
    served.update({"ckanext.catalogue.rate_limit.enabled": "true", "ckanext.catalogue.jobs.queue": QUEUE,
                   "ckanext.catalogue.software.queue": QUEUE})
    ini = tmp_path / "readme.ini"
    ini.write_text(f"[app:main]\nuse = config:{ckan_ini()}\n" + "".join(f"{k} = {v}\n" for k, v in served.items()))
    try:
        with ckan_servers(ini, 1, tmp_path) as (url,):
            yield url, admin["token"]
    finally:
        jobs.get_queue(QUEUE).empty()


def test_the_readme_curl_lines_answer_as_their_comments_say(demo_portal: tuple[str, str]):
    url, token = demo_portal
    script, lines = readme_curl_lines()
    # Each curl writes "@@curl <number>" before its answer (when not piped)
    # and "@@curl <number> <status>" after it, on one stream.
    wrapper = ('curl() { echo "@@curl $__n" >&2; '
               'command curl -sS --max-time 60 -w "%{stderr}\\n@@curl $__n %{http_code}\\n" "$@"; }\n')
    run = subprocess.run(["bash", "-c", wrapper + script.replace(DEMO_URL, url)], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, cwd=ROOT, env={**os.environ, "TOKEN": token},
                         timeout=600)
    if (ROOT / "test-artifacts").is_dir():
        (ROOT / "test-artifacts" / "readme-curl.txt").write_text(run.stdout)
    answered = {int(n): int(status) for n, status in re.findall(r"^@@curl (\d+) (\d+)$", run.stdout, re.M)}
    wrong = [line for line in lines if answered.get(line.number) != line.status]
    if wrong:
        answers = dict(re.findall(r"^@@curl (\d+)\n(.*?)^@@curl \1 ", run.stdout, re.M | re.S))
        pytest.fail("\n\n".join(f"#{line.number} said {line.status}, answered {answered.get(line.number)}:\n"
                                 f"{line.text}\n{answers.get(str(line.number), '')[:1500]}" for line in wrong)
                    + f"\n--- the end of the output ---\n{run.stdout[-2000:]}", pytrace=False)
