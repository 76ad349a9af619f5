"""Authorization matrix rows of the software (Waldur) API's writes: each works
on a fresh software catalog (and the package, version or target it needs),
made by a sysadmin. Catalogue-Managers and sysadmins manage software;
imports and updates are only queued (the test empties the queue). Scoped
tokens identify nobody here (they are IUDX's and the action API's)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ckanext.catalogue.tests.helpers import catalogue_call
from ckanext.catalogue.tests.security.authz import People, Row, Write

API = "/api/marketplace-software-"
# Catalogue-Managers and sysadmins manage software (catalogue_software_manage).
MANAGERS = frozenset({"cat_manager", "sysadmin"})
COLLECTIONS = ("packages", "versions", "targets")


def _catalog(people: People, suffix: str) -> str:
    return catalogue_call(people.names["sysadmin"], "catalogue_software_catalog_create",
                          doc={"name": f"c-{suffix}", "version": "1"})["id"]


def _spack(people: People, suffix: str) -> str:
    """A catalog of an upstream the loaders know (so it can be updated); the
    version is the suffix's tail (unique within a row; 50 characters at most)."""
    return catalogue_call(people.names["sysadmin"], "catalogue_software_catalog_create", doc={
        "name": "Spack", "version": suffix.rsplit("-", 1)[-1], "catalog_type": "source_package"})["id"]


def _fields(collection: str, people: People, suffix: str) -> dict[str, Any]:
    """The fields of a new record of ``collection``, on fresh parents."""
    if collection == "packages":
        return {"catalog": _catalog(people, suffix), "name": f"p-{suffix}"}
    if collection == "versions":
        return {"package_uuid": _record("packages", people, suffix), "version": "1"}
    return {"version_uuid": _record("versions", people, suffix), "target_name": "x86_64"}


def _record(collection: str, people: People, suffix: str) -> str:
    return catalogue_call(people.names["sysadmin"], "catalogue_software_record_create", collection=collection,
                          fields=_fields(collection, people, suffix))["uuid"]


def _on(method: str, path: str, make: Callable[[People, str], str] | None = None,
        body: Callable[[People, str], dict[str, Any]] | None = None) -> Callable[[People, str], Write]:
    """A write to ``API + path``, formatted with ``u``, the id ``make``
    returns for a fresh object; ``body(people, suffix)`` is sent."""
    def setup(people: People, suffix: str) -> Write:
        made = make(people, suffix) if make else ""
        return Write(method, API + path.format(u=made), body(people, suffix) if body else None)
    return setup


# Replacing and changing bodies per collection (PUT names the required field).
REPLACE: dict[str, dict[str, Any]] = {"packages": {"name": "renamed"}, "versions": {"version": "2"},
                                      "targets": {"target_name": "aarch64"}}
CHANGE: dict[str, dict[str, Any]] = {"packages": {"description": "d"}, "versions": {"module_version": "m"},
                                     "targets": {"location": "/cvmfs"}}


def _record_rows(collection: str) -> dict[tuple[str, str], Row]:
    def make(people: People, suffix: str) -> str:
        return _record(collection, people, suffix)

    return {
        ("POST", f"{API}{collection}/"): Row(MANAGERS, _on("POST", f"{collection}/", body=lambda p, s: _fields(
            collection, p, s))),
        ("PUT", f"{API}{collection}/<uuid>/"): Row(MANAGERS, _on("PUT", f"{collection}/{{u}}/", make,
                                                                 lambda p, s: REPLACE[collection])),
        ("PATCH", f"{API}{collection}/<uuid>/"): Row(MANAGERS, _on("PATCH", f"{collection}/{{u}}/", make,
                                                                   lambda p, s: CHANGE[collection])),
        ("DELETE", f"{API}{collection}/<uuid>/"): Row(MANAGERS, _on("DELETE", f"{collection}/{{u}}/", make)),
    }


ROWS: dict[tuple[str, str], Row] = {
    ("POST", f"{API}catalogs/"): Row(MANAGERS, _on("POST", "catalogs/", body=lambda p, s: {
        "name": f"c-{s}", "version": "1", "catalog_type": "package_manager"})),
    ("PUT", f"{API}catalogs/<uuid>/"): Row(MANAGERS, _on("PUT", "catalogs/{u}/", _catalog, lambda p, s: {
        "name": f"c-{s}", "version": "2"})),
    ("PATCH", f"{API}catalogs/<uuid>/"): Row(MANAGERS, _on("PATCH", "catalogs/{u}/", _catalog, lambda p, s: {
        "description": "d"})),
    ("DELETE", f"{API}catalogs/<uuid>/"): Row(MANAGERS, _on("DELETE", "catalogs/{u}/", _catalog)),
    # Queued, never run (test.ini's software queue has no worker).
    ("POST", f"{API}catalogs/<uuid>/update_catalog/"): Row(MANAGERS, _on("POST", "catalogs/{u}/update_catalog/",
                                                                         _spack)),
    ("POST", f"{API}catalogs/import_catalog/"): Row(MANAGERS, _on("POST", "catalogs/import_catalog/",
                                                                  body=lambda p, s: {"name": "EESSI"})),
    **{key: row for collection in COLLECTIONS for key, row in _record_rows(collection).items()},
}
