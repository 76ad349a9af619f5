"""A group purge reindexes its datasets from the dicts CKAN stored in Solr,
minus the group: each document so rebuilt must equal the one CKAN's own
indexer makes from the database."""
from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from ckan import model
from ckan.lib import search
from ckan.lib.search import make_connection
from ckan.tests import factories, helpers

from ckanext.catalogue.core import reindex
from ckanext.catalogue.tests.helpers import catalogue_call

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")


def _versions(ids: list[str]) -> dict[str, int]:
    found = make_connection(decode_dates=False).search(
        q="*:*", fq="id:(" + " OR ".join(f'"{i}"' for i in ids) + ")", fl="id,_version_", rows=len(ids) + 5)
    return {doc["id"]: doc["_version_"] for doc in found.docs}


def _documents(ids: list[str]) -> dict[str, dict[str, Any]]:
    found = make_connection(decode_dates=False).search(
        q="*:*", fq="id:(" + " OR ".join(f'"{i}"' for i in ids) + ")", fl="*", rows=len(ids) + 5)
    docs = {}
    for doc in found.docs:
        doc = {k: v for k, v in doc.items() if k not in ("_version_", "indexed_ts")}
        for field in ("data_dict", "validated_data_dict"):
            doc[field] = json.loads(doc[field])
        docs[doc["id"]] = doc
    return docs


def _differences(one: dict[str, Any], two: dict[str, Any]) -> list[str]:
    """Which fields of which documents part, down to the keys of a dict
    field (data_dict, validated_data_dict), for the failure message."""
    out = []
    for i in one:
        for k in sorted(set(one[i]) | set(two.get(i, {}))):
            a, b = one[i].get(k), two.get(i, {}).get(k)
            if a == b:
                continue
            if isinstance(a, dict) and isinstance(b, dict):
                out.append(f"{i}.{k}: " + repr({key: (a.get(key), b.get(key)) for key in sorted(set(a) | set(b))
                                                  if a.get(key) != b.get(key)}))
            else:
                out.append(f"{i}.{k}: {a!r} != {b!r}")
    return out


def _from_database(ids: list[str]) -> dict[str, dict[str, Any]]:
    before = _versions(ids)
    search.rebuild(package_ids=ids, defer_commit=True, quiet=True)
    # Waiting for the new searcher (search.commit does not): the documents
    # read next are those just made, not the ones they replace.
    make_connection().commit(waitSearcher=True)
    after = _versions(ids)
    assert all(after[i] != before[i] for i in ids), "CKAN's documents are not the ones read"
    return _documents(ids)


def test_documents_rebuilt_after_a_group_purge_equal_ckans_own(monkeypatch):
    admin = factories.Sysadmin()["name"]
    gone, kept = factories.Group(), factories.Group()
    org = factories.Organization()
    ids = [factories.Dataset(owner_org=org["id"], groups=[{"name": gone["name"]}, {"name": kept["name"]}],
                             tags=[{"name": "rain"}], extras=[{"key": "colour", "value": "blue"}],
                             notes=f"Dataset {n}")["id"] for n in range(3)]
    ids.append(factories.Dataset(owner_org=org["id"], groups=[{"name": gone["name"]}])["id"])
    rebuilt_from_database: list[int] = []
    original = reindex.catalogue_reindex_without_group

    def spy(*args, **kwargs):
        rebuilt_from_database.append(original(*args, **kwargs))
        return rebuilt_from_database[-1]

    monkeypatch.setattr("ckanext.catalogue.logic.action.group.catalogue_reindex_without_group", spy)
    catalogue_call(admin, "catalogue_group_purge", id=gone["id"])
    assert rebuilt_from_database == [0]  # every document was rebuilt from what Solr held
    rebuilt = _documents(ids)
    assert all(gone["name"] not in doc.get("groups", []) for doc in rebuilt.values())
    assert rebuilt[ids[0]]["groups"] == [kept["name"]]
    from_database = _from_database(ids)
    assert from_database == rebuilt, _differences(from_database, rebuilt)


@pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", "true")
def test_documents_rebuilt_after_an_organization_purge_equal_ckans_own():
    admin = factories.Sysadmin()["name"]
    org = factories.Organization()
    group = factories.Group()
    ids = [factories.Dataset(owner_org=org["id"], groups=[{"name": group["name"]}], private=False)["id"]
           for _ in range(2)]
    helpers.call_action("bulk_update_delete", context={"user": admin}, org_id=org["id"], datasets=ids[1:])
    # A catalogue item too: its document holds the catalogue's own fields.
    ids.append(catalogue_call(admin, "catalogue_item_create", kind="library.catalog", organization=org["name"],
                              doc={"displayName": "Catalog of the purged", "hashtags": ["lib"]})["id"])
    kept = [ids[0], ids[2]]
    catalogue_call(admin, "catalogue_group_purge", id=org["id"], kind="organization")
    rebuilt = _documents(kept)
    assert "organization" not in rebuilt[ids[0]] and "organization" not in rebuilt[ids[2]]
    assert rebuilt[ids[2]]["catalogue_kind"] == "library.catalog"
    from_database = _from_database(kept)
    assert from_database == rebuilt, _differences(from_database, rebuilt)


def test_a_stale_document_is_dictized_from_the_database(monkeypatch):
    admin = factories.Sysadmin()["name"]
    group = factories.Group()
    dataset = factories.Dataset(groups=[{"name": group["name"]}], owner_org=factories.Organization()["id"])
    # The index lags behind the database (a write whose indexing failed):
    # CKAN's own path takes over, as package_show's cache check would.
    pkg = model.Package.get(dataset["id"])
    pkg.notes = "changed while the index was not told"
    pkg.metadata_modified = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    model.Session.commit()
    taken = []
    original = reindex.catalogue_reindex_without_group
    monkeypatch.setattr("ckanext.catalogue.logic.action.group.catalogue_reindex_without_group",
                        lambda *a, **k: taken.append(original(*a, **k)) or taken[-1])
    catalogue_call(admin, "catalogue_group_purge", id=group["id"])
    assert taken == [1]
    assert _documents([dataset["id"]])[dataset["id"]]["notes"] == "changed while the index was not told"
