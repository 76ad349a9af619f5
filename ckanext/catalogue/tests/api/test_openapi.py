"""The OpenAPI document: it describes exactly the operations the code
routes, the portal shows it, and schemathesis, run against a served portal
with that document, finds no server error and no response that breaks it."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk

from ckanext.catalogue.api.openapi import ACTION_PREFIX, catalogue_action_functions
from ckanext.catalogue.api.routes import CATALOGUE_API_METHODS
from ckanext.catalogue.tests.helpers import ROOT, ckan_ini, ckan_servers

SCHEMATHESIS = ROOT / ".venv-fuzz" / "bin" / "schemathesis"
HTTP_METHODS = ("get", "head", "post", "put", "patch", "delete", "purge", "options")


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


@pytest.mark.usefixtures("clean_db")
def test_document_describes_exactly_the_routed_operations(app):
    doc = app.get("/catalogue/openapi.json").json
    assert doc["openapi"] == "3.1.0"
    routed = {(_openapi_path(rule), method.lower())
              for rules in CATALOGUE_API_METHODS.values() for rule, methods in rules.items() for method in methods}
    assert {path.split("/")[1] for path, _ in routed} == {"gcat", "globalcatalog", "iudx", "library", "api"}
    documented = {(path, method.lower()) for path, item in doc["paths"].items() if not path.startswith(ACTION_PREFIX)
                  for method in [*item, *item.get("x-additionalOperations", {})] if method.lower() in HTTP_METHODS}
    assert documented == routed
    assert {p for p in doc["paths"] if p.startswith(ACTION_PREFIX)} == {f"{ACTION_PREFIX}/{n}" for n in catalogue_action_functions()}
    operation_ids = [op["operationId"] for item in doc["paths"].values()
                     for method, op in item.items() if method in HTTP_METHODS]
    assert len(operation_ids) == len(set(operation_ids))
    # The action API's bodies come from the actions' validation schemas.
    create = doc["paths"][f"{ACTION_PREFIX}/catalogue_item_create"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["doc"] and body["properties"]["private"] == {"type": "boolean"}
    search = doc["paths"][f"{ACTION_PREFIX}/catalogue_item_search"]["post"]["requestBody"]
    limit = search["content"]["application/json"]["schema"]["properties"]["limit"]
    assert limit == {"default": 10, "type": "integer", "minimum": 0, "maximum": 10000}


@pytest.mark.usefixtures("clean_db")
def test_an_unrouted_method_gets_the_dialect_405_with_allow(app):
    gcat = app.client.options("/gcat/items")
    assert gcat.status_code == 405 and gcat.headers["Allow"] == "GET, POST, DELETE, PURGE" and gcat.json["status"] == 405
    iudx = app.client.patch("/iudx/cat/v1/item")
    assert iudx.status_code == 405 and iudx.json["type"] == "urn:dx:cat:MethodNotAllowed"
    library = app.post("/library/catalogs/x")
    assert library.status_code == 405 and library.headers["Allow"] == "GET, PUT, DELETE"
    assert library.json["error"]["code"] == "MethodNotAllowed"
    assert app.client.head("/gcat/licenses").status_code == 200
    # A collection gCat does not have is a 404 whatever the method.
    assert app.client.put("/gcat/nothing").status_code == 404


@pytest.mark.usefixtures("clean_db")
def test_docs_page_lists_every_operation(app):
    doc = app.get("/catalogue/openapi.json").json
    page = app.get("/catalogue-api")
    assert page.status_code == 200
    for item in doc["paths"].values():
        for method, op in item.items():
            if method in HTTP_METHODS:
                assert f'id="op-{op["operationId"]}"' in page.body
    assert "/catalogue-api" in app.get("/").body  # reachable from the portal's footer


def _schemathesis(url: str, headers: dict[str, str], seconds: int, examples: int, report: str
                  ) -> subprocess.CompletedProcess:
    # One worker: Hypothesis parses lambda sources with ``compile``, which on
    # CPython 3.11 is not thread-safe ("AST constructor recursion depth
    # mismatch", a runtime error of the run, not of the API, seen with two).
    command = [str(SCHEMATHESIS), "run", f"{url}/catalogue/openapi.json", "--url", url,
               "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                           "response_schema_conformance",
               "--suppress-health-check", "all", "--workers", "1", "--no-color",
               "--report", "junit", "--report-dir", report]
    command += ["--max-time", str(seconds)] if seconds else ["--max-examples", str(examples), "--seed", "20261123"]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    return subprocess.run(command, capture_output=True, text=True, timeout=max(seconds * 2, 900))


def test_schemathesis_finds_no_server_error_and_no_schema_violation(iudx_tree, tmp_path):
    """Quick pass in `make test`; `make fuzz` sets CATALOGUE_FUZZ_SECONDS for a long one."""
    assert SCHEMATHESIS.exists(), "run `make fuzz-venv` (make test does)"
    sysadmin = iudx_tree["sysadmin"]
    token = tk.get_action("api_token_create")({"user": sysadmin, "ignore_auth": True},
                                              {"user": sysadmin, "name": "fuzz"})["token"]
    seconds = int(os.environ.get("CATALOGUE_FUZZ_SECONDS") or 0)
    reports = ROOT / "test-artifacts" / "schemathesis"
    failures = []
    with ckan_servers(Path(ckan_ini()), 1, tmp_path) as (url,):
        # Anonymous calls mostly end at the auth check: fewer examples find what they can.
        for name, headers, examples in (("sysadmin", {"Authorization": token, "token": token}, 6),
                                        ("anonymous", {}, 3)):
            done = _schemathesis(url, headers, seconds, examples, str(reports / name))
            (reports / name).mkdir(parents=True, exist_ok=True)
            (reports / name / "output.txt").write_text(done.stdout + done.stderr)
            if done.returncode != 0:
                failures.append(f"--- as {name} (exit {done.returncode}):\n{done.stdout[-6000:]}{done.stderr[-2000:]}")
    assert not failures, "\n".join(failures)


def test_what_the_fuzzer_found_stays_fixed(app, clean_db):
    from ckan.tests import factories

    sysadmin = factories.SysadminWithToken()
    huge = app.get("/gcat/organizations", query_string={"limit": "31866937209803173888"})
    assert huge.status_code == 400 and "limit" in huge.json["errors"]
    for user in (5, {"a": {"b": 1}}, ["x"]):
        shown = app.post("/api/3/action/catalogue_role_show", json={"user": user})
        assert shown.status_code in (403, 409), shown.body
    listed = app.post("/api/3/action/catalogue_role_list", json={"offset": 10 ** 24},
                      headers={"Authorization": sysadmin["token"]})
    assert listed.status_code == 409 and "offset" in listed.json["error"]
    for extras in (None, {}):
        made = app.post("/gcat/groups", json={"name": "fuzzed", "extras": extras},
                        headers={"Authorization": sysadmin["token"]})
        assert made.status_code == 400 and made.json["errors"] == {"extras": ["A list of objects is required"]}
    nul = app.post("/gcat/items", json={"name": "nul-item", "notes": "a\u0000b"},
                   headers={"Authorization": sysadmin["token"]})
    assert nul.status_code == 400 and "notes" in nul.json["errors"]


def test_wrong_types_in_paging_and_ids_are_refused_not_crashed(app, clean_db):
    assert app.get("/gcat/groups?offset=null&offset=null").status_code == 400
    assert app.get("/gcat/items?limit=null").status_code == 400
    facets = app.post("/api/3/action/catalogue_item_facets", json={"field": "tags", "limit": {}})
    assert facets.status_code == 409 and "limit" in facets.json["error"]
    updated = app.post("/api/3/action/catalogue_group_update", json={"id": {"a": 1}, "name": "x"})
    assert updated.status_code in (403, 404, 409), updated.body
    nul_id = app.post("/api/3/action/catalogue_group_patch", json={"id": "\u0000", "name": ""})
    assert nul_id.status_code == 409 and "id" in nul_id.json["error"]
    moderation = app.post("/api/3/action/catalogue_item_search", json={"moderation": 5})
    assert moderation.status_code == 409
