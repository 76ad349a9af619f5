"""`ckan catalogue item import|export`: the bulk path, through the real CLI."""
from __future__ import annotations

import json
import uuid

import pytest

from ckanext.catalogue.tests.helpers import catalogue_call, run_ckan
from ckanext.catalogue.tests.iudx import samples as s


def _tree_records(groups: int, per_group: int) -> list[dict]:
    ids = {k: str(uuid.uuid4()) for k in ("owner", "cos", "rs", "provider")}
    records = [
        {"doc": {**s.owner(), "id": ids["owner"]}},
        {"doc": {**s.cos(ids["owner"]), "id": ids["cos"]}},
        {"doc": {**s.resource_server(ids["cos"], owner_id=ids["owner"]), "id": ids["rs"]}},
        {"doc": {**s.provider(ids["rs"]), "id": ids["provider"]}},
    ]
    for g in range(groups):
        group_id = str(uuid.uuid4())
        records.append({"doc": {**s.resource_group(ids["provider"], name=f"group-{g}"), "id": group_id}})
        records += [{"doc": s.resource(group_id, ids["provider"], f"sensor-{g}-{r}", resourceServer=ids["rs"])}
                    for r in range(per_group)]
    return records


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_import_creates_in_batches_reports_refusals_and_export_round_trips(tmp_path):
    records = _tree_records(groups=3, per_group=5)
    bad = {"doc": {**s.resource(str(uuid.uuid4()), str(uuid.uuid4()), "orphan", resourceServer=str(uuid.uuid4()))}}
    lines = [json.dumps(r) for r in records[:6]] + [json.dumps(bad), "{not json"] + [json.dumps(r) for r in records[6:]]
    source = tmp_path / "items.jsonl"
    source.write_text("\n".join(lines) + "\n")

    result = run_ckan("catalogue", "item", "import", str(source), "--batch-size", "7")
    assert result.returncode == 1, result.stderr
    assert f"created {len(records)} item(s), refused 2" in result.stdout
    assert "line 7: resourceGroup" in result.stderr and "line 8:" in result.stderr

    provider = records[3]["doc"]["id"]
    under = catalogue_call(None, "catalogue_item_count", ancestor=[provider])["count"]
    assert under == 3 + 15
    group = records[4]["doc"]["id"]
    assert catalogue_call(None, "catalogue_item_children", id=group)["count"] == 5

    group_id = str(uuid.uuid4())
    more = [{"doc": {**s.resource_group(provider, name="group-more"), "id": group_id}}]
    more += [{"doc": s.resource(group_id, provider, f"more-{r}")} for r in range(3)]
    again = tmp_path / "more.jsonl"
    again.write_text("\n".join(json.dumps(r) for r in more) + "\n")
    compared = run_ckan("catalogue", "item", "import", str(again), "--compare")
    assert compared.returncode == 0, compared.stderr
    assert "package_create loop:" in compared.stdout and "x as fast" in compared.stdout
    assert catalogue_call(None, "catalogue_item_count", q="reference measurement")["count"] == 0

    exported = tmp_path / "export.jsonl"
    result = run_ckan("catalogue", "item", "export", str(exported))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in exported.read_text().splitlines()]
    assert len(rows) == len(records) + len(more)
    position = {row["id"]: i for i, row in enumerate(rows)}
    assert all(position[row["parent"]] < position[row["id"]] for row in rows if row.get("parent"))


def test_group_trash_and_item_commands_follow_the_same_rules(iudx_tree):
    from ckan.tests import factories

    member = factories.User()["name"]
    catalogue_call(iudx_tree["sysadmin"], "catalogue_role_grant", user=member, role="Catalogue-Member")

    refused = run_ckan("catalogue", "group", "create", "climate", "--user", member)
    assert refused.returncode == 1 and "not allowed" in refused.stderr
    created = run_ckan("catalogue", "group", "create", "climate", "--title", "Climate")
    assert created.returncode == 0 and "created group climate" in created.stdout
    assert run_ckan("catalogue", "group", "list").stdout.split() == ["climate"]
    assert run_ckan("catalogue", "group", "delete", "climate").returncode == 0
    assert "group\tclimate" in run_ckan("catalogue", "trash", "list").stdout
    assert run_ckan("catalogue", "group", "delete", "climate", "--purge").returncode == 0
    assert run_ckan("catalogue", "trash", "list").stdout.strip() == ""

    blocked = run_ckan("catalogue", "item", "delete", iudx_tree["rg"])
    assert blocked.returncode == 1 and "doc has associated item" in blocked.stderr
    refused = run_ckan("catalogue", "item", "delete", iudx_tree["rg"], "--purge", "--cascade", "--user", member)
    assert refused.returncode == 1 and "not allowed" in refused.stderr
    purged = run_ckan("catalogue", "item", "delete", iudx_tree["rg"], "--purge", "--cascade")
    assert purged.returncode == 0 and "purged 2 item(s)" in purged.stdout
