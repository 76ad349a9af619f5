"""Loading the demo catalogue from ``data/``: organizations and groups, an
IUDX city, Global Catalog services, iTwin library objects, gCat items (one
by the demo Catalogue-Editor, one archived), and the EESSI and Spack
software catalogs read by their real loaders from shipped snapshots.

Idempotent: what exists already (by id, or by name) is left as it is, so a
second run only fills what is missing. Everything goes through the actions,
as a sysadmin, except the software loads, which run the import job's own
function on the snapshots."""
from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

from ckanext.catalogue.core.rules import catalogue_resolve
from ckanext.catalogue.demo.users import DemoUser, catalogue_ensure_users
from ckanext.catalogue.software.logic.action import catalogue_software_import_job

DATA = Path(__file__).with_name("data")
DEMO_ORGANIZATION = "catalogue-demo"
# The demo user who authors the gCat item that waits for a moderator.
DEMO_EDITOR = "demo-editor"
# The organizations of the city's providers (the provider items bind them).
PROVIDER_ORGANIZATIONS = {
    "pune-municipal-corporation": "Pune Municipal Corporation",
    "pune-transport": "Pune Mahanagar Parivahan",
    "pune-environment": "Pune Environment Cell",
}
# Ids of the library objects, made from their names, so a second run finds them.
_LIBRARY_IDS = uuid.UUID("0b6d8a52-6a35-4cb8-8f0e-5a1f3cf1d4a7")
Step = Callable[[str], None]


def _read(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text())


def _call(user: str, action: str, data: dict[str, Any]) -> Any:
    return tk.get_action(action)(cast(Context, {"user": user}), data)


def _exists(item_id: str) -> bool:
    """Whether an item has this id or alias (an archived one too: it waits
    in the trash)."""
    return catalogue_resolve(item_id) is not None


def _groups(user: str, created: list[str]) -> None:
    organizations = {DEMO_ORGANIZATION: "Catalogue demo provider", **PROVIDER_ORGANIZATIONS}
    for name, title in organizations.items():
        if model.Group.get(name) is None:
            _call(user, "catalogue_group_create", {"kind": "organization", "name": name, "title": title,
                                                   "description": f"{title} (demo organization)."})
            created.append(f"organization {name}")
    for group in _read("catalogue.json")["gcat"]["groups"]:
        if model.Group.get(group["name"]) is None:
            _call(user, "catalogue_group_create", {"kind": "group", **group})
            created.append(f"group {group['name']}")


def _iudx(user: str, created: list[str], step: Step) -> None:
    items = _read("iudx_city.json")["items"]
    made = 0
    for record in items:
        step("IUDX city")
        if _exists(record["id"]):
            continue
        data: dict[str, Any] = {"kind": record["kind"], "id": record["id"], "doc": record["doc"]}
        if record.get("organization"):
            data["organization"] = record["organization"]
        _call(user, "catalogue_item_create", data)
        made += 1
    if made:
        created.append(f"{made} IUDX items (owner, COS, resource server, providers, resource groups, resources)")


def _globalcatalog(user: str, created: list[str], step: Step) -> None:
    made = 0
    for entry in _read("catalogue.json")["globalcatalog"]:
        step("Global Catalog")
        if _exists(entry["id"]):
            continue
        data: dict[str, Any] = {"kind": entry["kind"], "id": entry["id"], "doc": entry["doc"],
                                "private": not entry["public"]}
        if entry.get("parent"):
            data["parent"] = entry["parent"]
        else:
            data["organization"] = DEMO_ORGANIZATION
        _call(user, "catalogue_item_create", data)
        made += 1
    if made:
        created.append(f"{made} Global Catalog entries (services, plans, deployments)")


def _library_id(kind: str, name: str) -> str:
    return str(uuid.uuid5(_LIBRARY_IDS, f"{kind}:{name}"))


def _library(user: str, created: list[str], step: Step) -> None:
    library = _read("catalogue.json")["library"]
    made = 0
    for many, kind in (("catalogs", "library.catalog"), ("categories", "library.category"),
                       ("manufacturers", "library.manufacturer")):
        for doc in library[many]:
            step("iTwin library")
            item_id = _library_id(kind, doc["displayName"])
            if not _exists(item_id):
                _call(user, "catalogue_item_create", {"kind": kind, "id": item_id, "doc": doc,
                                                      "organization": DEMO_ORGANIZATION})
                made += 1
    for component in library["components"]:
        step("iTwin library")
        item_id = _library_id("library.component", component["displayName"])
        if _exists(item_id):
            continue
        doc = {k: v for k, v in component.items() if k != "weblinks"}
        doc["catalogs"] = [_library_id("library.catalog", name) for name in component["catalogs"]]
        doc["category"] = _library_id("library.category", component["category"])
        doc["manufacturer"] = _library_id("library.manufacturer", component["manufacturer"])
        _call(user, "catalogue_item_create", {"kind": "library.component", "id": item_id, "doc": doc,
                                              "organization": DEMO_ORGANIZATION})
        for link in component["weblinks"]:
            _call(user, "catalogue_item_resource_create", {"id": item_id, "role": "weblink",
                                                           "name": link["displayName"], "url": link["uri"]})
        made += 1
    if made:
        created.append(f"{made} iTwin library objects (catalogs, categories, a manufacturer, components)")


def _gcat(user: str, authors: dict[str, str], created: list[str], step: Step) -> None:
    made = []
    for record in _read("catalogue.json")["gcat"]["items"]:
        step("gCat items")
        if _exists(record["name"]):
            continue
        doc = {k: v for k, v in record.items() if k not in ("groups", "author", "comment", "archived")}
        author = authors.get(record.get("author", ""), user)
        _call(author, "catalogue_item_create", {"kind": "gcat.item", "doc": doc})
        for group in record.get("groups", []):  # CKAN's own membership: the portal's group pages and facets
            _call(user, "member_create", {"id": group, "object": record["name"], "object_type": "package",
                                          "capacity": "public"})
        if record.get("archived"):
            _call(user, "catalogue_item_delete", {"id": record["name"]})
        made.append(record["name"])
    if made:
        created.append(f"gCat items {', '.join(made)} (the last one archived, in the trash)")


def _software(user: str, created: list[str], step: Step) -> None:
    for name, location in (("EESSI", DATA / "software" / "eessi"),
                           ("Spack", DATA / "software" / "spack" / "repology.json")):
        step("software catalogs")
        found = _call(user, "catalogue_software_catalog_list", {"name": name})
        if found.get("count"):
            continue
        result = catalogue_software_import_job(name, user, location=str(location))
        if result.get("error"):
            raise RuntimeError(f"the {name} demo catalog did not load: {result['error']}")
        created.append(f"software catalog {name}: {result['packages']} packages, {result['versions']} versions, "
                       f"{result['targets']} targets")


def _no_step(_label: str) -> None:
    return None


def catalogue_demo_people() -> list[dict[str, Any]]:
    """The demo's users: one per catalogue role and a provider's editor."""
    return cast("list[dict[str, Any]]", _read("catalogue.json")["users"])


def catalogue_demo_steps() -> int:
    """How many steps ``catalogue_load_demo`` reports, for a progress bar."""
    catalogue = _read("catalogue.json")
    library = catalogue["library"]
    return (len(_read("iudx_city.json")["items"]) + len(catalogue["globalcatalog"])
            + sum(len(library[k]) for k in ("catalogs", "categories", "manufacturers", "components"))
            + len(catalogue["gcat"]["items"]) + 2)


@dataclasses.dataclass(frozen=True)
class DemoLoaded:
    """What a run of the demo made: one line per kind of object, and the
    users made now (their passwords and tokens are shown once)."""

    lines: list[str]
    users: list[DemoUser]


def catalogue_load_demo(user: str, step: Step | None = None) -> DemoLoaded:
    """Load what is missing of the demo as ``user`` (a sysadmin): the
    organizations, the demo users (the provider's editor joins its
    organization), then every dialect's objects; the gCat item with an
    ``author`` is made by the demo Catalogue-Editor. ``step(label)`` is
    called once per record."""
    created: list[str] = []
    report: Step = step or _no_step
    _groups(user, created)
    users = catalogue_ensure_users(catalogue_demo_people())
    _iudx(user, created, report)
    _globalcatalog(user, created, report)
    _library(user, created, report)
    _gcat(user, {"editor": DEMO_EDITOR}, created, report)
    _software(user, created, report)
    model.Session.remove()
    return DemoLoaded(created, users)
