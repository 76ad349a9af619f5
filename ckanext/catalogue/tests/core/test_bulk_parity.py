"""The bulk writer against CKAN's own one-by-one path: the same records
created through ``catalogue_item_create`` / ``package_create`` and through
the bulk writer leave the same rows, activities and search documents, field
by field (ids, names and times aside), with a second plugin that adds a
field through ``IDatasetForm`` and hooks of its own."""
from __future__ import annotations

import contextlib
import json
import re
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.search import make_connection
from ckan.tests import factories, helpers

from ckanext.activity.model import Activity

from ckanext.catalogue.core import bulk
from ckanext.catalogue.model import CatalogueItem, CatalogueItemKey
from ckanext.catalogue.tests import parity_plugin
from ckanext.catalogue.tests.helpers import catalogue_call
from ckanext.catalogue.tests.iudx import samples as s

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "catalogue catalogue_iudx catalogue_gcat activity catalogue_parity_form"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?")


class _Normal:
    """Replaces each run's ids and name prefix by placeholders shared by
    both runs, and every time by ``<time>``."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def name(self, value: str, placeholder: str) -> None:
        self.names[value] = placeholder

    def __call__(self, value: Any) -> Any:
        if isinstance(value, dict):
            if value.keys() == {"extras"} or "extras" in value and isinstance(value["extras"], list):
                # Extras in key order: a dataset read back from PostgreSQL
                # has them in JSONB's order, one still in the session in
                # the order given (package_create's activity sees that).
                value = dict(value, extras=sorted(value["extras"], key=lambda e: e["key"]))
            # An ETag is a digest of the modification time.
            return {k: "<etag>" if k == "etag" else self(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self(v) for v in value]
        if hasattr(value, "isoformat"):
            return "<time>"
        if isinstance(value, str):
            for real in sorted(self.names, key=len, reverse=True):
                value = value.replace(real, self.names[real])
            return _TIME.sub("<time>", value)
        return value


def _snapshot(ids: list[str], activities_before: set[str]) -> dict[str, Any]:
    """What CKAN and the catalogue hold for these datasets."""
    session = model.Session
    pkg, tag, pkg_tag, member = model.package_table, model.tag_table, model.package_tag_table, model.member_table
    order = {i: n for n, i in enumerate(ids)}
    packages = sorted((dict(r._mapping) for r in session.execute(sa.select(pkg).where(pkg.c.id.in_(ids)))),
                      key=lambda r: order[r["id"]])
    tags = sorted((order[r.package_id], r.name, r.state, r.vocabulary_id) for r in session.execute(
        sa.select(pkg_tag.c.package_id, tag.c.name, pkg_tag.c.state, tag.c.vocabulary_id)
        .join(tag, tag.c.id == pkg_tag.c.tag_id).where(pkg_tag.c.package_id.in_(ids))))
    members = sorted((order[r.table_id], r.table_name, r.capacity, r.group_id, r.state) for r in session.execute(
        sa.select(member).where(member.c.table_id.in_(ids))))
    items = sorted((order[r.id], r.kind, r.parent_id) for r in session.query(CatalogueItem).filter(
        CatalogueItem.id.in_(ids)))
    keys = sorted((order[r.item_id], r.key, r.purpose) for r in session.query(CatalogueItemKey).filter(
        CatalogueItemKey.item_id.in_(ids)))
    activities = sorted(((order[a.object_id], a.user_id, a.activity_type, a.data,
                          a.permission_labels) for a in session.query(Activity).filter(
        Activity.object_id.in_(ids), Activity.id.notin_(activities_before))), key=lambda a: a[0])
    found = make_connection(decode_dates=False).search(
        q="*:*", fq="id:(" + " OR ".join(f'"{i}"' for i in ids) + ")", fl="*", rows=len(ids) + 10)
    docs = []
    for doc in sorted(found.docs, key=lambda d: order[d["id"]]):
        doc = {k: v for k, v in doc.items() if k not in ("_version_", "indexed_ts", "index_id")}
        for field in ("data_dict", "validated_data_dict", "catalogue_item"):
            if field in doc:
                doc[field] = json.loads(doc[field])
        docs.append(doc)
    return {"packages": packages, "tags": tags, "members": members, "items": items, "keys": keys,
            "activities": activities, "docs": docs, "count": len(ids)}


def _difference(one: Any, two: Any, path: str = "") -> list[str]:
    """Where two snapshots part (for the failure message)."""
    if isinstance(one, str) and isinstance(two, str) and one[:1] in "{[" and two[:1] in "{[":
        with contextlib.suppress(ValueError):
            one, two = json.loads(one), json.loads(two)
    if isinstance(one, dict) and isinstance(two, dict):
        return [d for k in sorted(set(one) | set(two)) for d in _difference(one.get(k, "<absent>"),
                                                                            two.get(k, "<absent>"), f"{path}.{k}")]
    if isinstance(one, list) and isinstance(two, list) and len(one) == len(two):
        return [d for n, (a, b) in enumerate(zip(one, two, strict=True)) for d in _difference(a, b, f"{path}[{n}]")]
    return [] if one == two else [f"{path}: {one!r:.200} != {two!r:.200}"]


def _activity_ids() -> set[str]:
    return {a for (a,) in model.Session.query(Activity.id)}


def _tree(prefix: str, ids: list[str]) -> list[dict[str, Any]]:
    """An IUDX city (the provider makes its own organization, so it takes
    the one-by-one path) and two gCat items with tags, as bulk records."""
    owner, cos, rs, provider, rg, r1, r2 = ids[:7]
    return [
        {"id": owner, "doc": s.owner(f"{prefix}-owner")},
        {"id": cos, "doc": s.cos(owner, f"{prefix}-cos.example.org")},
        {"id": rs, "doc": s.resource_server(cos, f"{prefix}-rs", owner_id=owner)},
        {"id": provider, "doc": s.provider(rs, f"{prefix}-provider")},
        {"id": rg, "doc": s.resource_group(provider, rs, f"{prefix}-rg")},
        {"id": r1, "doc": s.resource(rg, provider, f"{prefix}-sensor-1", resourceServer=rs)},
        {"id": r2, "doc": s.resource(rg, provider, f"{prefix}-sensor-2", lon=73.9, lat=18.6, resourceServer=rs)},
        {"kind": "gcat.item", "doc": {"license_id": "cc-by", "name": f"{prefix}-gcat-one", "title": "One", "notes": "Shared",
                                      "tags": [{"name": "water"}, {"name": "flood"}, {"name": f"{prefix}-new"}]}},
        {"kind": "gcat.item", "private": True,
         "doc": {"license_id": "cc-by", "name": f"{prefix}-gcat-two", "title": " Two ", "tags": [{"name": "water"}]}},
    ]


def _run_ids(n: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(n)]


def test_bulk_written_items_equal_those_created_one_by_one():
    admin = factories.Sysadmin()["name"]
    normal = _Normal()
    snapshots = []
    for run, prefix in enumerate(("parityone", "paritytwo")):
        ids = _run_ids(7)
        for n, i in enumerate(ids):
            normal.name(i, f"<item{n}>")
        normal.name(prefix, "<prefix>")
        tree = _tree(prefix, ids)
        before = _activity_ids()
        seen_before = len(parity_plugin.CREATED_SEEN)
        if run == 0:
            created = [catalogue_call(admin, "catalogue_item_create", **record)["id"] for record in tree]
        else:
            result = catalogue_call(admin, "catalogue_item_bulk_create", records=tree)
            assert result["errors"] == [] and result["not_indexed"] == []
            assert result["written"] == {"bulk": 8, "single": 1}
            created = result["created"]
        # The second plugin's create hook saw each item once.
        assert sorted(parity_plugin.CREATED_SEEN[seen_before:]) == sorted(created)
        for n, i in enumerate(created[7:]):
            normal.name(i, f"<gcat{n}>")
        new_tag = model.Tag.by_name(f"{prefix}-new")
        normal.name(new_tag.id, "<new-tag>")
        provider_org = model.Package.get(ids[3]).owner_org
        org = model.Group.get(provider_org)
        normal.name(org.id, "<provider-org>")
        normal.name(org.name, "<provider-org-name>")
        snapshots.append(normal(_snapshot(created, before)))
    one, two = snapshots
    assert one["count"] == two["count"] == 9
    for part in ("packages", "tags", "members", "items", "keys", "activities", "docs"):
        assert one[part] == two[part], (part, _difference(one[part], two[part]))
    # The second plugin's index hook marked every document; a tag new to
    # the site was made by each path.
    assert all(d["extras_parity_hook"].startswith("indexed ") for d in two["docs"])
    assert ["<prefix>-new", "active", None] in [t[1:] for t in two["tags"]]
    # Listed by creation time, the bulk-made items keep their records' order.
    found = catalogue_call(admin, "catalogue_item_search", kind=["gcat.item"], q="paritytwo")
    assert [i["name"] for i in found["results"]] == ["paritytwo-gcat-one", "paritytwo-gcat-two"]


def test_bulk_written_datasets_equal_package_create_with_a_plugin_field():
    admin = factories.Sysadmin()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    normal = _Normal()
    snapshots = []
    for run, prefix in enumerate(("parityone", "paritytwo")):
        ids = _run_ids(3)
        for n, i in enumerate(ids):
            normal.name(i, f"<dataset{n}>")
        normal.name(prefix, "<prefix>")
        dicts = [{"id": i, "name": f"{prefix}-{n}", "type": parity_plugin.PARITY_TYPE, "owner_org": org["id"],
                  "title": f"Dataset {n}", "notes": "Some notes", "parity_code": f"code-{n}",
                  "license_id": "cc-by", "url": "https://example.org", "version": "1.0",
                  "private": n == 2, "tags": [{"name": "shared"}, {"name": f"tag-{n}"}],
                  "extras": [{"key": "colour", "value": "blue"}]} for n, i in enumerate(ids)]
        before = _activity_ids()
        context = {"user": admin["name"], "ignore_auth": False}
        if run == 0:
            for pkg_dict in dicts:
                helpers.call_action("package_create", context=dict(context), **pkg_dict)
        else:
            assert bulk.catalogue_bulk_create_datasets(context, dicts, 2) == ids
        snapshots.append(normal(_snapshot(ids, before)))
    one, two = snapshots
    for part in ("packages", "tags", "members", "activities", "docs"):
        assert one[part] == two[part], (part, _difference(one[part], two[part]))
    assert two["docs"][0]["extras_parity_code"] == "code-0"
    assert two["activities"][0][3]["package"]["parity_code"] == "code-0"


def test_a_refused_dataset_leaves_nothing_written():
    admin = factories.Sysadmin()
    org = factories.Organization()
    good = {"id": str(uuid.uuid4()), "name": "fine-dataset", "type": parity_plugin.PARITY_TYPE,
            "owner_org": org["id"], "parity_code": "x"}
    bad = dict(good, id=str(uuid.uuid4()), name="no-code", parity_code="")
    with pytest.raises(bulk.CatalogueInvalid) as refused:
        bulk.catalogue_bulk_create_datasets({"user": admin["name"]}, [good, bad], 10)
    assert refused.value.error_dict["index"] == ["1"] and "parity_code" in refused.value.error_dict
    assert model.Package.get("fine-dataset") is None


def test_the_batch_s_validation_refuses_and_accepts_as_package_create_does():
    """The bulk writer reads the database once per batch for CKAN's id,
    name and organization checks; each dataset's outcome (errors, or the
    organization stored) equals what package_create gives it alone."""
    admin = factories.Sysadmin()
    org = factories.Organization(name="parity-org")
    taken = factories.Dataset(owner_org=org["id"], name="taken-name")
    gone = factories.Dataset(owner_org=org["id"], name="gone-name")
    helpers.call_action("package_delete", context={"user": admin["name"]}, id=gone["id"])

    def dataset(**fields: Any) -> dict[str, Any]:
        return {"id": str(uuid.uuid4()), "name": f"fresh-{uuid.uuid4().hex[:8]}", "owner_org": org["id"], **fields}

    cases = {
        "id taken": dataset(id=taken["id"]),
        "name in use": dataset(name="taken-name"),
        "name of a deleted dataset": dataset(name="gone-name"),
        "organization by name": dataset(owner_org="parity-org"),
        "unknown organization": dataset(owner_org="no-such-org"),
        "unknown organization again": dataset(owner_org="no-such-org"),
        "no organization": dataset(owner_org=None),
        "empty organization": dataset(owner_org=""),
        "fine": dataset(),
    }
    context = {"user": admin["name"]}
    batch = bulk.catalogue_bulk_validate(context, list(cases.values()), None)
    for (case, pkg_dict), bulk_outcome in zip(cases.items(), batch, strict=True):
        # Each case alone: none names another, so the ones created first
        # change nothing for the others.
        try:
            made = helpers.call_action("package_create", context=dict(context), **pkg_dict)
        except tk.ValidationError as error:
            alone: Any = {k: v for k, v in error.error_dict.items() if k != "__type"}
        else:
            alone = {"owner_org": made["owner_org"]}
        got = bulk_outcome.error_dict if isinstance(bulk_outcome, bulk.CatalogueInvalid) \
            else {"owner_org": bulk_outcome.get("owner_org")}
        assert got == alone, (case, got, alone)
    refused = {case for case, outcome in zip(cases, batch, strict=True) if isinstance(outcome, bulk.CatalogueInvalid)}
    assert refused >= {"id taken", "name in use", "unknown organization", "unknown organization again"}
    assert "fine" not in refused and "name of a deleted dataset" not in refused


def test_a_validator_raising_ckan_s_validation_error_refuses_its_record_only():
    """A validator that calls an action raises CKAN's ValidationError, not
    navl's Invalid: package_create refuses that dataset with it, and the
    batch refuses that record alone, with the same errors."""
    admin = factories.Sysadmin()
    org = factories.Organization()
    good = {"id": str(uuid.uuid4()), "name": "kept-dataset", "type": parity_plugin.PARITY_TYPE,
            "owner_org": org["id"], "parity_code": "x"}
    bad = dict(good, id=str(uuid.uuid4()), name="refused-dataset", parity_code=parity_plugin.REFUSED_CODE)
    with pytest.raises(tk.ValidationError) as alone:
        helpers.call_action("package_create", context={"user": admin["name"]}, **bad)
    kept, refused = bulk.catalogue_bulk_validate({"user": admin["name"]}, [good, bad], None)
    assert isinstance(kept, dict) and kept["name"] == "kept-dataset"
    assert isinstance(refused, bulk.CatalogueInvalid)
    assert refused.error_dict == {k: v for k, v in alone.value.error_dict.items() if k != "__type"}


def test_a_taken_id_name_or_key_is_refused_in_a_batch_as_catalogue_item_create_refuses_it(iudx_tree):
    """The batch asks once, for all its records, whether their ids, names
    and keys are free; each refusal equals catalogue_item_create's for the
    same record, and nothing of a refused record is written."""
    t = iudx_tree
    admin = t["sysadmin"]
    kept = catalogue_call(admin, "catalogue_item_create", kind="gcat.item", doc={"license_id": "cc-by", "name": "kept-item", "title": "K"})
    binned = catalogue_call(admin, "catalogue_item_create", kind="gcat.item", doc={"license_id": "cc-by", "name": "binned-item", "title": "B"})
    catalogue_call(admin, "catalogue_item_delete", id=binned["id"])
    aliased = catalogue_call(admin, "catalogue_item_create", id="legacy/path/one",
                             doc=s.resource(t["rg"], t["provider"], name="aliased-sensor"))
    cases = {
        "id of an item": {"id": t["resource"], "doc": s.resource(t["rg"], t["provider"], name="other-sensor")},
        "name of an item": {"kind": "gcat.item", "doc": {"license_id": "cc-by", "name": "kept-item", "title": "Again"}},
        "name of an item in the trash": {"kind": "gcat.item", "doc": {"license_id": "cc-by", "name": "binned-item", "title": "Again"}},
        "name that is an item's id": {"kind": "gcat.item", "doc": {"license_id": "cc-by", "name": kept["id"], "title": "Again"}},
        "unique name under the group": {"doc": s.resource(t["rg"], t["provider"])},
        "alias in use": {"id": "legacy/path/one", "doc": s.resource(t["rg"], t["provider"], name="new-sensor")},
    }
    alone: dict[str, Any] = {}
    for case, record in cases.items():
        with pytest.raises(tk.ValidationError) as refused:
            catalogue_call(admin, "catalogue_item_create", **record)
        alone[case] = {k: v for k, v in refused.value.error_dict.items() if k != "__type"}
    fine = {"kind": "gcat.item", "doc": {"license_id": "cc-by", "name": "fresh-item", "title": "Fresh"}}
    twin = {"kind": "gcat.item", "doc": {"license_id": "cc-by", "name": "fresh-item", "title": "Twin"}}
    before = model.Session.query(model.Package).count()
    result = catalogue_call(admin, "catalogue_item_bulk_create", records=[*cases.values(), fine, twin])
    got = {failure["index"]: failure["errors"] for failure in result["errors"]}
    for index, case in enumerate(cases):
        assert got.get(index) == alone[case], (case, got.get(index), alone[case])
    assert len(result["created"]) == 1
    assert model.Session.query(model.Package).count() == before + 1
    # The second record of a name the first one takes is refused as a
    # second catalogue_item_create of it would be.
    with pytest.raises(tk.ValidationError) as again:
        catalogue_call(admin, "catalogue_item_create", **twin)
    assert got[len(cases) + 1] == {k: v for k, v in again.value.error_dict.items() if k != "__type"}
    assert aliased["id"] not in result["created"]
