"""The authorization matrix of the action API: every role against every
catalogue write action, from one table. A write action without a row fails
the test, so no new write goes unchecked.

Item rows work on a public Global Catalog entry of the organization ``home``
(write rule: the organization's editors and admins, Catalogue-Admins and
Managers, sysadmins); each allowed cell runs on a fresh entry.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ckanext.catalogue.api.openapi import catalogue_action_functions
from ckanext.catalogue.logic.action import read_paths
from ckanext.catalogue.tests.factories import CatalogueGroup, SoftwareCatalog, gc_entry
from ckanext.catalogue.tests.helpers import catalogue_call, gc_doc
from ckanext.catalogue.tests.security.authz import ROLES, SITE, VISIBILITY, WRITERS, People, Row, Write, run_row

# One empty database per module (the people fixture); the rows make their own objects.
pytestmark = pytest.mark.usefixtures("with_plugins")

# Catalogue-Admins and above change groups and empty the trash; Managers and
# sysadmins grant roles and manage software catalogs.
CAT_ADMINS = frozenset({"cat_admin", "cat_manager", "sysadmin"})
MANAGERS = frozenset({"cat_manager", "sysadmin"})


def _entry(people: People, suffix: str) -> str:
    return gc_entry(people.names["admin"], suffix, organization=people.home)["id"]


def _on_entry(make: Callable[[People, str], dict[str, Any]]) -> Callable[[People, str], Write]:
    """A row whose data ``make(people, entry)`` names a fresh home entry; a
    scoped token is scoped to that entry."""
    def setup(action: str) -> Callable[[People, str], Write]:
        def write(people: People, suffix: str) -> Write:
            entry = _entry(people, suffix)
            return Write("POST", f"/api/3/action/{action}", make(people, entry), scope=entry)
        return write
    return setup  # type: ignore[return-value]


def _plain(make: Callable[[People, str], dict[str, Any]]) -> Callable[[str], Callable[[People, str], Write]]:
    """A row whose data names no item (a scoped token is scoped elsewhere)."""
    def setup(action: str) -> Callable[[People, str], Write]:
        return lambda people, suffix: Write("POST", f"/api/3/action/{action}", make(people, suffix))
    return setup


def _archived(people: People, entry: str) -> dict:
    catalogue_call(people.names["admin"], "catalogue_item_delete", id=entry)
    return {"id": entry}


def _with_resource(people: People, entry: str) -> dict:
    made = catalogue_call(people.names["admin"], "catalogue_item_resource_create", id=entry, url="https://e.org/a")
    return {"id": entry, "resource_id": made["id"]}


def _with_artifact(people: People, entry: str) -> dict:
    catalogue_call(people.names["admin"], "catalogue_item_artifact_upload", id=entry, name="a.txt",
                   content="x", content_type="text/plain")
    return {"id": entry, "name": "a.txt"}


def _pending(people: People, suffix: str) -> dict:
    """A gCat item of ``home`` waiting for moderation (moderation is on)."""
    made = catalogue_call(people.author, "catalogue_item_create", kind="gcat.item", organization=people.home, doc={
        "name": f"{suffix}-pending", "title": "t", "notes": "n", "license_id": "cc-by"})
    return {"id": made["id"], "decision": "approve"}


def _group(kind: str) -> Callable[[People, str], dict]:
    def make(people: People, suffix: str) -> dict:
        made = CatalogueGroup(user=people.names["sysadmin"], kind=kind, name=f"g-{suffix}")
        return {"id": made["id"], "kind": kind}
    return make


def _archived_group(people: People, suffix: str) -> dict:
    made = _group("group")(people, suffix)
    catalogue_call(people.names["sysadmin"], "catalogue_group_delete", **made)
    return made


def _trash(people: People, suffix: str) -> dict:
    _archived_group(people, suffix)
    return {}


def _granted(people: People, suffix: str) -> dict:
    catalogue_call(people.names["sysadmin"], "catalogue_role_grant", user=people.grantee, role="Catalogue-Member")
    return {"user": people.grantee, "role": "Catalogue-Member"}


def _catalog(people: People, suffix: str) -> str:
    return SoftwareCatalog(user=people.names["sysadmin"], doc={"name": f"c-{suffix}", "version": "1"})["id"]


def _spack(people: People, suffix: str) -> str:
    """A catalog of an upstream the loaders know (so it can be updated)."""
    return SoftwareCatalog(user=people.names["sysadmin"],
                           doc={"name": "Spack", "version": suffix, "catalog_type": "source_package"})["id"]


def _package(people: People, suffix: str) -> dict:
    catalog = _catalog(people, suffix)
    made = catalogue_call(people.names["sysadmin"], "catalogue_software_record_create", collection="packages",
                          fields={"catalog": catalog, "name": f"p-{suffix}"})
    return {"collection": "packages", "uuid": made["uuid"]}


# Who may rate a public item: whoever is signed in (a scoped token makes
# item writes only).
RATERS = frozenset(ROLES) - {"anonymous", "scoped"}


def _public_item(people: People, suffix: str) -> str:
    return catalogue_call(people.names["sysadmin"], "catalogue_item_create", kind="gcat.item",
                          organization=people.home, doc={"license_id": "cc-by", "name": f"rated-{suffix}", "title": "Rated"})["id"]


def _rated(people: People, suffix: str) -> dict:
    """A public item every signed-in role has rated: each changes its own."""
    item = _public_item(people, suffix)
    for name in people.names.values():
        catalogue_call(name, "catalogue_rating_create", id=item, rating=3)
    return {"id": item}


# action -> (who may, data)
ROWS: dict[str, tuple[frozenset[str], Callable[[str], Callable[[People, str], Write]]]] = {
    "catalogue_item_create": (WRITERS, _on_entry(lambda p, e: {"kind": "globalcatalog.plan", "parent": e,
                                                               "id": f"{e}-plan", "doc": gc_doc(f"{e}-plan")})),
    # Checks a create without storing it: allowed exactly where the create is.
    "catalogue_item_validate": (WRITERS, _on_entry(lambda p, e: {"kind": "globalcatalog.plan", "parent": e,
                                                                 "id": f"{e}-plan", "doc": gc_doc(f"{e}-plan")})),
    "catalogue_item_bulk_create": (WRITERS, _on_entry(lambda p, e: {"records": [
        {"kind": "globalcatalog.plan", "parent": e, "id": f"{e}-bulk", "doc": gc_doc(f"{e}-bulk")}]})),
    "catalogue_item_update": (WRITERS, _on_entry(lambda p, e: {"id": e, "kind": "globalcatalog.service",
                                                               "doc": {**gc_doc(e), "tags": ["changed"]}})),
    "catalogue_item_patch": (WRITERS, _on_entry(lambda p, e: {"id": e, "doc": {"tags": ["patched"]}})),
    "catalogue_item_delete": (WRITERS, _on_entry(lambda p, e: {"id": e})),
    "catalogue_item_purge": (WRITERS, _on_entry(lambda p, e: {"id": e})),
    "catalogue_item_restore": (WRITERS, _on_entry(_archived)),
    "catalogue_item_visibility_update": (VISIBILITY, _on_entry(lambda p, e: {"id": e,
                                                                             "restrictions": "organizations"})),
    "catalogue_item_artifact_upload": (WRITERS, _on_entry(lambda p, e: {
        "id": e, "name": "b.txt", "content": "y", "content_type": "text/plain"})),
    "catalogue_item_artifact_delete": (WRITERS, _on_entry(_with_artifact)),
    "catalogue_item_resource_create": (WRITERS, _on_entry(lambda p, e: {"id": e, "url": "https://e.org/a"})),
    "catalogue_item_resource_update": (WRITERS, _on_entry(lambda p, e: {**_with_resource(p, e),
                                                                        "url": "https://e.org/b"})),
    "catalogue_item_resource_delete": (WRITERS, _on_entry(_with_resource)),
    # Not for scoped tokens: a token never makes another token.
    "catalogue_token_create": (WRITERS - {"scoped"}, _on_entry(lambda p, e: {"item_id": e, "role": "provider"})),
    "catalogue_item_purge_expired": (SITE, _plain(lambda p, s: {})),
    # Queued, never run here; the job removes only what its user may remove.
    "catalogue_item_bulk_remove": (RATERS, _plain(lambda p, s: {"kind": ["gcat.item"]})),
    "catalogue_rating_create": (RATERS, _plain(lambda p, s: {"id": _public_item(p, s), "rating": 4})),
    "catalogue_rating_update": (RATERS, _plain(lambda p, s: {**_rated(p, s), "rating": 1})),
    "catalogue_rating_delete": (RATERS, _plain(_rated)),
    "catalogue_item_moderate": (frozenset({"cat_moderator", "sysadmin"}), _plain(_pending)),
    "catalogue_group_create": (CAT_ADMINS, _plain(lambda p, s: {"kind": "group", "name": f"g-{s}"})),
    "catalogue_group_update": (CAT_ADMINS, _plain(lambda p, s: {**_group("organization")(p, s), "title": "T"})),
    "catalogue_group_patch": (CAT_ADMINS, _plain(lambda p, s: {**_group("group")(p, s), "title": "T"})),
    "catalogue_group_delete": (CAT_ADMINS, _plain(_group("group"))),
    "catalogue_group_purge": (CAT_ADMINS, _plain(_archived_group)),
    "catalogue_trash_empty": (CAT_ADMINS, _plain(_trash)),
    "catalogue_role_grant": (MANAGERS, _plain(lambda p, s: {"user": p.grantee, "role": "Catalogue-Editor"})),
    "catalogue_role_revoke": (MANAGERS, _plain(_granted)),
    "catalogue_software_catalog_create": (MANAGERS, _plain(lambda p, s: {"doc": {"name": f"c-{s}", "version": "1"}})),
    "catalogue_software_catalog_update": (MANAGERS, _plain(lambda p, s: {"id": _catalog(p, s), "partial": True,
                                                                         "doc": {"version": "2"}})),
    "catalogue_software_catalog_delete": (MANAGERS, _plain(lambda p, s: {"id": _catalog(p, s)})),
    "catalogue_software_record_create": (MANAGERS, _plain(lambda p, s: {
        "collection": "packages", "fields": {"catalog": _catalog(p, s), "name": f"p-{s}"}})),
    "catalogue_software_record_update": (MANAGERS, _plain(lambda p, s: {**_package(p, s), "partial": True,
                                                                        "fields": {"description": "d"}})),
    "catalogue_software_record_delete": (MANAGERS, _plain(_package)),
    # Queued, never run here (test.ini's software queue has no worker; emptied after each test).
    "catalogue_software_import": (MANAGERS, _plain(lambda p, s: {"name": "EESSI"})),
    "catalogue_software_update": (MANAGERS, _plain(lambda p, s: {"id": _spack(p, s)})),
    "catalogue_software_schedule": (MANAGERS, _plain(lambda p, s: {})),
}

# The reads that CKAN cannot tell from writes (not side_effect_free).
READS = {"catalogue_group_list", "catalogue_group_show", "catalogue_role_list", "catalogue_role_show",
         "catalogue_trash_list"}


def test_every_write_action_has_a_row():
    writes = {name for name, action in catalogue_action_functions().items()
              if not getattr(action, "side_effect_free", False)
              and name not in read_paths.__all__ and name not in READS}
    assert writes - set(ROWS) == set(), "write actions without a row in ROWS"


@pytest.mark.ckan_config("ckanext.catalogue.moderation", "true")
@pytest.mark.parametrize("action", sorted(ROWS))
def test_each_role_may_make_exactly_the_writes_its_row_allows(app, people: People, action: str):
    allowed, setup = ROWS[action]
    row = Row(allowed, setup(action),
              # A bulk create answers 200 and reports each refused record.
              refused_inside=lambda body: bool(((body or {}).get("result") or {}).get("errors"))
              if action == "catalogue_item_bulk_create" else False)
    assert run_row(app, people, row, action[10:].replace("_", "-")) == []
