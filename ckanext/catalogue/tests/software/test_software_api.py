"""Software catalogs through the Waldur-compatible API: imports as jobs run
by the test worker, packages on the DataStore, every collection's filters,
ordering, paging headers, and who may do what."""
from __future__ import annotations

import shutil
import uuid as uuidlib
from pathlib import Path
from typing import Any

import pytest

from ckan import logic
from ckan.lib import jobs
from ckan.tests import factories, helpers

from ckanext.catalogue.tests.helpers import free_port

SAMPLES = Path(__file__).parent / "data"
API = "/api/marketplace-software-"

pytestmark = [
    pytest.mark.ckan_config("ckanext.catalogue.software.eessi_url", str(SAMPLES / "eessi")),
    pytest.mark.ckan_config("ckanext.catalogue.software.spack_url", str(SAMPLES / "spack" / "repology.json")),
    pytest.mark.usefixtures("clean_datastore", "with_test_worker"),
]


QUEUE = "catalogue-software-tests"  # test.ini's ckanext.catalogue.software.queue


@pytest.fixture(autouse=True)
def empty_queue():
    # Nothing queued by earlier tests (the fuzz pass may import) runs here.
    jobs.get_queue(QUEUE).empty()


def run_jobs() -> None:
    jobs.Worker([QUEUE]).work(burst=True)


@pytest.fixture
def people() -> dict[str, Any]:
    manager = factories.UserWithToken()
    helpers.call_action("catalogue_role_grant", user=manager["name"], role="Catalogue-Manager")
    return {
        "manager": {"Authorization": f"Token {manager['token']}"},
        "sysadmin": {"Authorization": f"Token {factories.SysadminWithToken()['token']}"},
        "user": {"Authorization": f"Token {factories.UserWithToken()['token']}"},
        "admin": None,
    }


def _import(app, headers, name: str) -> dict[str, Any]:
    resp = app.post(f"{API}catalogs/import_catalog/", json={"name": name}, headers=headers)
    assert resp.status_code == 202, resp.body
    assert resp.json == {"status": "importing", "name": name}
    run_jobs()
    found = app.get(f"{API}catalogs/?name={name}", headers=headers).json
    assert len(found) == 1
    return found[0]


@pytest.fixture
def imported(app, people) -> dict[str, dict[str, Any]]:
    return {"EESSI": _import(app, people["manager"], "EESSI"), "Spack": _import(app, people["manager"], "Spack")}


def test_import_stores_rows_in_the_datastore_and_rerun_is_idempotent(app, people, imported):
    eessi, spack = imported["EESSI"], imported["Spack"]
    assert (eessi["version"], eessi["catalog_type"], eessi["catalog_type_display"]) == (
        "2025.06", "binary_runtime", "Binary Runtime (EESSI)")
    assert (eessi["package_count"], eessi["version_count"], eessi["target_count"]) == (2, 2, 2)
    assert (spack["version"], spack["package_count"], spack["version_count"], spack["target_count"]) == (
        "2026.11.02", 3, 5, 11)
    assert spack["last_successful_update"] and spack["update_errors"] == ""
    assert spack["url"].endswith(f"{API}catalogs/{spack['uuid']}/")

    # The packages are a DataStore table of the catalog: datastore_search reads them.
    resources = helpers.call_action("package_show", id=str(uuidlib.UUID(spack["uuid"])))["resources"]
    table = next(r["id"] for r in resources if r["name"] == "packages")
    found = helpers.call_action("datastore_search", resource_id=table, sort="name")
    assert [r["name"] for r in found["records"]] == ["fluxsolve", "makeit", "zipkit"]

    before = {p["name"]: p["uuid"] for p in app.get(f"{API}packages/?page_size=50", headers=people["user"]).json}
    resp = app.post(f"{API}catalogs/{spack['uuid']}/update_catalog/", headers=people["manager"])
    assert resp.status_code == 202 and resp.json == {"status": "updating", "catalog_uuid": spack["uuid"]}
    run_jobs()
    after = {p["name"]: p["uuid"] for p in app.get(f"{API}packages/?page_size=50", headers=people["user"]).json}
    assert after == before
    again = app.get(f"{API}catalogs/{spack['uuid']}/", headers=people["user"]).json
    assert (again["package_count"], again["version_count"], again["target_count"]) == (3, 5, 11)

    # A catalog of that upstream exists: importing it again is refused.
    resp = app.post(f"{API}catalogs/import_catalog/", json={"name": "Spack"}, headers=people["manager"])
    assert resp.status_code == 400
    assert resp.json == ["A catalog with name=Spack and type=source_package already exists."]
    resp = app.post(f"{API}catalogs/import_catalog/", json={"name": "Conda"}, headers=people["manager"])
    assert resp.status_code == 400 and resp.json == {"name": ['"Conda" is not a valid choice.']}


def test_broken_upstream_records_the_error_and_keeps_the_data(app, people, imported, tmp_path, ckan_config,
                                                              monkeypatch):
    spack = imported["Spack"]
    broken = tmp_path / "repology.json"
    shutil.copy(SAMPLES / "broken" / "repology.json", broken)
    monkeypatch.setitem(ckan_config, "ckanext.catalogue.software.spack_url", str(broken))
    assert app.post(f"{API}catalogs/{spack['uuid']}/update_catalog/",
                    headers=people["manager"]).status_code == 202
    run_jobs()
    shown = app.get(f"{API}catalogs/{spack['uuid']}/", headers=people["user"]).json
    assert shown["update_errors"].startswith("Catalog update failed: Invalid JSON in Spack data at ")
    assert shown["last_update_attempt"] > spack["last_successful_update"]
    assert shown["last_successful_update"] == spack["last_successful_update"]
    assert (shown["package_count"], shown["version_count"], shown["target_count"]) == (3, 5, 11)

    # discover: an upstream that cannot be read has no latest version.
    found = app.get(f"{API}catalogs/discover/", headers=people["manager"]).json
    assert found == [
        {"name": "EESSI", "catalog_type": "binary_runtime", "latest_version": "2025.06", "existing": True,
         "existing_version": "2025.06", "update_available": False},
        {"name": "Spack", "catalog_type": "source_package", "latest_version": None, "existing": True,
         "existing_version": "2026.11.02", "update_available": False},
    ]


def test_package_filters_ordering_and_nested_versions(app, people, imported):
    user = people["user"]

    def names(query: str) -> list[str]:
        resp = app.get(f"{API}packages/?{query}", headers=user)
        assert resp.status_code == 200, resp.body
        return [p["name"] for p in resp.json]

    assert sorted(names("page_size=50")) == ["Molsim", "OnlyNew", "fluxsolve", "makeit", "zipkit"]
    assert names("name=SIM") == ["Molsim"]
    assert names("name_exact=molsim") == ["Molsim"]
    assert names("query=archive") == ["zipkit"]
    assert names("query=3.1.4") == ["fluxsolve"]
    assert names(f"catalog_uuid={imported['EESSI']['uuid']}&o=-name") == ["OnlyNew", "Molsim"]
    assert names("catalog_type=source_package&o=name") == ["fluxsolve", "makeit", "zipkit"]
    assert names("catalog_name=ees&o=name") == ["Molsim", "OnlyNew"]
    assert names("category=windows") == ["zipkit"]
    assert names("license=BSD-3-Clause") == ["fluxsolve"]
    assert names("cpu_family=x86_64&o=name") == ["Molsim", "OnlyNew"]
    assert names("cpu_family=aarch64&cpu_family=x86_64&o=name") == ["Molsim", "OnlyNew"]
    assert names("cpu_microarchitecture=generic&o=name") == ["Molsim", "OnlyNew"]
    assert names("has_version=2.0") == ["makeit"]
    assert names("is_extension=true") == []
    assert names("has_gpu=true") == []
    assert names("has_gpu=false&catalog_type=binary_runtime&o=name") == ["Molsim", "OnlyNew"]
    assert names("o=catalog_name,name") == ["Molsim", "OnlyNew", "fluxsolve", "makeit", "zipkit"]
    assert names("o=-catalog_name&o=-name") == ["zipkit", "makeit", "fluxsolve", "OnlyNew", "Molsim"]

    flux = app.get(f"{API}packages/?name=flux", headers=user).json[0]
    assert flux["catalog_name"] == "Spack" and flux["catalog_version"] == "2026.11.02"
    assert flux["catalog"].endswith(f"catalogs/{imported['Spack']['uuid']}/")
    assert flux["homepage"] == "https://fluxsolve.example.org" and flux["maintainers"] == ["bo", "cy"]
    assert flux["version_count"] == 1 and flux["versions"][0]["version"] == "3.1.4"
    assert flux["versions"][0]["targets"][0]["target_type"] == "build_variant"
    assert app.get(f"{API}packages/{flux['uuid']}/", headers=user).json["name"] == "fluxsolve"

    bad = app.get(f"{API}packages/?o=size&has_gpu=maybe&catalog_uuid=x", headers=user)
    assert bad.status_code == 400
    assert set(bad.json) == {"o", "has_gpu", "catalog_uuid"}


def test_versions_and_targets_filters(app, people, imported):
    user = people["user"]
    versions = app.get(f"{API}versions/?package_name=makeit&o=-version", headers=user).json
    assert [v["version"] for v in versions] == ["main", "2.0"]
    assert versions[1]["target_count"] == 2 and versions[1]["package_name"] == "makeit"
    assert versions[1]["dependencies"] == {}
    molsim = app.get(f"{API}versions/?package_name=Molsim", headers=user).json[0]
    assert molsim["dependencies"] == {"EESSI": "2025.06", "GCCcore": "14.2.0"}
    assert molsim["module"] == {"full_module_name": "Molsim/2025.1-foss-2025a"}
    assert [v["version"] for v in app.get(f"{API}versions/?version_exact=1.0", headers=user).json] == ["1.0"]
    assert app.get(f"{API}versions/?cpu_family=x86_64", headers=user).headers["X-Result-Count"] == "2"

    targets = app.get(f"{API}targets/?target_type=PLATFORM", headers=user).json
    assert [(t["target_name"], t["package_name"]) for t in targets] == [("windows", "zipkit"), ("windows", "zipkit")]
    assert app.get(f"{API}targets/?cpu_family=X86_64", headers=user).headers["X-Result-Count"] == "2"
    assert app.get(f"{API}targets/?path=cvmfs", headers=user).headers["X-Result-Count"] == "2"
    by_version = app.get(f"{API}targets/?version_uuid={versions[1]['uuid']}&o=target_type", headers=user).json
    assert [t["target_type"] for t in by_version] == ["build_system", "build_variant"]


def test_paging_headers_and_head_count(app, people, imported):
    user = people["user"]
    resp = app.get(f"{API}versions/?page_size=2&page=2&o=version", headers=user)
    assert resp.status_code == 200 and len(resp.json) == 2
    assert resp.headers["X-Result-Count"] == "7"
    base = f"http://test.ckan.net{API}versions/"
    assert resp.headers["Link"] == (
        f'<{base}?page_size=2&o=version>; rel="first", <{base}?page_size=2&o=version>; rel="prev", '
        f'<{base}?page_size=2&o=version&page=3>; rel="next", <{base}?page_size=2&o=version&page=4>; rel="last"')
    assert app.get(f"{API}versions/?page=9", headers=user).status_code == 404
    assert app.get(f"{API}versions/?page_size=1000", headers=user).json.__len__() == 7
    head = app.client.head(f"{API}packages/?catalog_type=source_package", headers=user)
    assert head.status_code == 200 and head.headers["X-Result-Count"] == "3" and head.data == b""
    assert "Content-Type" not in head.headers  # DRF drops the type of an empty body


def test_catalog_crud_and_permission_matrix(app, people):
    body = {"name": "Conda", "version": "24.1", "catalog_type": "package_manager", "description": "Conda forge"}
    assert app.post(f"{API}catalogs/", json=body).status_code == 401
    assert app.post(f"{API}catalogs/", json=body, headers=people["user"]).json == {
        "detail": "You do not have permission to perform this action."}
    created = app.post(f"{API}catalogs/", json=body, headers=people["manager"])
    assert created.status_code == 201, created.body
    catalog = created.json
    assert (catalog["package_count"], catalog["auto_update_enabled"], catalog["supports_cpu_target_restrictions"]) == (
        0, True, False)
    dup = app.post(f"{API}catalogs/", json=body, headers=people["sysadmin"])
    assert dup.status_code == 400
    invalid = app.post(f"{API}catalogs/", json={"catalog_type": "zip", "source_url": "no url"},
                       headers=people["manager"])
    assert invalid.status_code == 400
    assert set(invalid.json) == {"name", "version", "catalog_type", "source_url"}

    url = f"{API}catalogs/{catalog['uuid']}/"
    # Reads: anyone (ckanext.catalogue.software.anonymous_read, on by default, as in Waldur).
    assert app.get(url).json["name"] == "Conda"
    assert app.get(url, headers=people["user"]).json["name"] == "Conda"
    assert app.client.patch(url, json={"description": "x"}, headers=people["user"]).status_code == 403
    patched = app.client.patch(url, json={"description": "Community packages"}, headers=people["manager"])
    assert patched.status_code == 200 and patched.json["version"] == "24.1"
    # PUT names the required fields; what it leaves out keeps its value (as in Waldur).
    assert app.client.put(url, json={"description": "x"}, headers=people["manager"]).json == {
        "name": ["This field is required."], "version": ["This field is required."]}
    replaced = app.client.put(url, json={"name": "Conda", "version": "24.2"}, headers=people["manager"]).json
    assert (replaced["version"], replaced["description"], replaced["catalog_type"]) == (
        "24.2", "Community packages", "package_manager")
    # No loader reads a catalog named Conda.
    refused = app.post(f"{url}update_catalog/", headers=people["manager"])
    assert refused.status_code == 400
    assert refused.json == ["No loader configuration found for Conda (package_manager)."]

    # Records by hand: a package, a version, a target.
    pkg = app.post(f"{API}packages/", json={"catalog": replaced["url"], "name": "numpy", "licenses": ["BSD"]},
                   headers=people["manager"])
    assert pkg.status_code == 201, pkg.body
    assert app.post(f"{API}packages/", json={"catalog": replaced["url"], "name": "numpy"},
                    headers=people["manager"]).status_code == 400
    ver = app.post(f"{API}versions/", json={"package_uuid": pkg.json["uuid"], "version": "2.1",
                                            "release_date": "2026-06-01"}, headers=people["manager"])
    assert ver.status_code == 201 and ver.json["release_date"] == "2026-06-01"
    assert app.post(f"{API}versions/", headers=people["manager"]).json == {
        "package_uuid": ["This field is required."], "version": ["This field is required."]}
    tgt = app.post(f"{API}targets/", json={"version_uuid": ver.json["uuid"], "target_type": "cpu_architecture",
                                           "target_name": "x86_64", "gpu_architectures": ["nvidia/cc90"]},
                   headers=people["manager"])
    assert tgt.status_code == 201
    # Natural keys are unique, as in Waldur.
    again = app.post(f"{API}targets/", json={"version_uuid": ver.json["uuid"], "target_type": "cpu_architecture",
                                             "target_name": "x86_64"}, headers=people["manager"])
    assert again.status_code == 400 and "must make a unique set" in again.json["non_field_errors"][0]
    # A PUT of a target with no body changes nothing but its modification time.
    assert app.client.put(f"{API}targets/{tgt.json['uuid']}/", headers=people["manager"]).json[
        "gpu_architectures"] == ["nvidia/cc90"]
    assert app.post(f"{API}catalogs/", data="name=x&version=1", headers={
        **people["manager"], "Content-Type": "application/x-www-form-urlencoded"}).status_code == 400
    assert app.get(f"{API}packages/?has_gpu=true", headers=people["user"]).json[0]["name"] == "numpy"
    assert app.get(f"{API}versions/?release_date_after=2026-01-01", headers=people["user"]).json[0]["uuid"] == \
        ver.json["uuid"]
    assert app.client.delete(f"{API}targets/{tgt.json['uuid']}/", headers=people["user"]).status_code == 403
    assert app.client.delete(f"{API}packages/{pkg.json['uuid']}/", headers=people["manager"]).status_code == 204
    assert app.get(f"{API}versions/{ver.json['uuid']}/", headers=people["user"]).status_code == 404
    assert app.get(url, headers=people["manager"]).json["package_count"] == 0

    assert app.client.delete(url, headers=people["user"]).status_code == 403
    assert app.client.delete(url, headers=people["manager"]).status_code == 204
    assert app.get(url, headers=people["manager"]).json == {"detail": "Not found."}
    # Discover, import and update are for managers only.
    assert app.get(f"{API}catalogs/discover/", headers=people["user"]).status_code == 403
    assert app.get(f"{API}catalogs/discover/").status_code == 401
    assert app.post(f"{API}catalogs/import_catalog/", json={"name": "EESSI"},
                    headers=people["user"]).status_code == 403
    assert app.client.options(f"{API}catalogs/").status_code == 405


def test_anonymous_reads_by_default(app, people, imported):
    """As Waldur's own view tests expect (waldur/waldur-mastermind,
    src/waldur_mastermind/marketplace/tests/, SoftwareCatalogViewSetTest.
    test_anonymous_user_can_see_catalog_list): anonymous callers list and
    read; they write nothing."""
    assert app.get(f"{API}catalogs/").status_code == 200
    assert app.get(f"{API}packages/?name=zip").json[0]["name"] == "zipkit"
    assert app.post(f"{API}catalogs/", json={"name": "x", "version": "1"}).status_code == 401


def test_schedule_queues_due_catalogs(app, people, imported, ckan_config, monkeypatch):
    result = helpers.call_action("catalogue_software_schedule",
                                 context={"user": helpers.call_action("get_site_user")["name"]})
    # Both were attempted moments ago: none is due.
    assert result == {"queued": []}
    uuid = imported["EESSI"]["uuid"]
    app.client.patch(f"{API}catalogs/{uuid}/", json={"auto_update_enabled": False}, headers=people["manager"])
    monkeypatch.setitem(ckan_config, "ckanext.catalogue.software.update_interval", 0)
    result = helpers.call_action("catalogue_software_schedule",
                                 context={"user": helpers.call_action("get_site_user")["name"]})
    assert result == {"queued": [imported["Spack"]["uuid"]]}
    run_jobs()
    shown = app.get(f"{API}catalogs/{imported['Spack']['uuid']}/", headers=people["user"]).json
    assert shown["last_update_attempt"] > imported["Spack"]["last_update_attempt"]


@pytest.mark.ckan_config("ckanext.catalogue.software.anonymous_read", "false")
def test_catalogs_stay_hidden_from_anonymous_elsewhere(app, people, imported, ckan_config, monkeypatch):
    spack = str(uuidlib.UUID(imported["Spack"]["uuid"]))
    anonymous = {"user": "", "ignore_auth": False}
    query = {"q": "", "fq": "+dataset_type:catalogue", "include_private": True}
    assert helpers.call_action("package_search", context=dict(anonymous), **query)["count"] == 0
    with pytest.raises(logic.NotFound):  # hidden reads as unknown
        helpers.call_action("package_show", context=dict(anonymous), id=spack)
    table = next(r["id"] for r in helpers.call_action("package_show", id=spack)["resources"] if r["name"] == "targets")
    with pytest.raises(logic.NotFound):  # and so do its tables
        helpers.call_action("datastore_search", context=dict(anonymous), resource_id=table)
    user = factories.User()["name"]
    assert helpers.call_action("package_search", context={"user": user}, **query)["count"] == 2
    assert helpers.call_action("datastore_search", context={"user": user}, resource_id=table)["total"] == 11

    monkeypatch.setitem(ckan_config, "ckanext.catalogue.software.anonymous_read", True)
    assert helpers.call_action("package_search", context=dict(anonymous), **query)["count"] == 2
    assert helpers.call_action("datastore_search", context=dict(anonymous), resource_id=table)["total"] == 11


def test_eessi_stack_with_extensions_gpus_and_toolchains(app, people):
    manager, user = people["manager"], people["user"]
    made = app.post(f"{API}catalogs/", json={"name": "EESSI", "version": "2023.06"}, headers=manager).json
    assert app.post(f"{API}catalogs/{made['uuid']}/update_catalog/", headers=manager).status_code == 202
    run_jobs()
    catalog = app.get(f"{API}catalogs/{made['uuid']}/", headers=user).json
    # EESSI keeps its stack version: Molsim (CPU and CUDA builds), Tiler, the molpy extension.
    assert (catalog["version"], catalog["package_count"], catalog["version_count"], catalog["target_count"]) == (
        "2023.06", 3, 4, 6)

    def names(query: str) -> list[str]:
        resp = app.get(f"{API}packages/?{query}&o=name", headers=user)
        assert resp.status_code == 200, resp.body
        return [p["name"] for p in resp.json]

    molsim = app.get(f"{API}packages/?name_exact=Molsim", headers=user).json[0]
    assert [e["name"] for e in molsim["extensions"]] == ["molpy"] and molsim["extension_count"] == 1
    assert names("is_extension=true") == ["molpy"]
    molpy = app.get(f"{API}packages/?is_extension=true", headers=user).json[0]
    assert [(p["name"], p["versions"]) for p in molpy["parent_softwares"]] == [("Molsim", ["2024.4", "2024.4"])]
    assert names(f"parent_software_uuid={molsim['uuid']}") == ["molpy"]
    assert names("gpu_arch=nvidia/cc90") == ["Molsim"] and names("has_gpu=true") == ["Molsim"]
    assert names("extension_name=molpy") == ["Molsim"] and names("extension_type=python") == ["Molsim"]
    assert names("toolchain_name=foss") == ["Molsim"]
    assert names("toolchain_families_compatibility=2023a_foss") == ["Tiler"]
    assert names("description=TILING") == ["Tiler"] and sorted(names("catalog_version=2023")) == ["Molsim", "Tiler", "molpy"]
    assert names("offering_uuid=7b2f0d2e0c6a4a8e9f1d2c3b4a596877") == []

    def count(collection: str, query: str) -> int:
        resp = app.client.head(f"{API}{collection}/?{query}", headers=user)
        assert resp.status_code == 200
        return int(resp.headers["X-Result-Count"])

    assert count("versions", "has_gpu=true") == 1 and count("versions", "gpu_arch=nvidia/cc80") == 1
    assert count("versions", "toolchain_version=2023b") == 2 and count("versions", "toolchain_name=GCCcore") == 1
    assert count("versions", "catalog_type=binary_runtime") == 4 and count("versions", "release_date_before=2020-01-01") == 0
    assert count("targets", "gpu_arch=nvidia/cc80") == 1 and count("targets", "has_gpu=false") == 5
    assert count("targets", "target_subtype=zen") == 2 and count("targets", "target_name=aarch") == 1
    assert count("targets", f"package_uuid={molsim['uuid']}") == 4
    assert count("targets", f"catalog_uuid={made['uuid']}") == 6
    cpu = app.get(f"{API}catalogs/{made['uuid']}/cpu_targets/", headers=user).json
    assert [(t["cpu_family"], t["cpu_microarchitecture"]) for t in cpu] == [
        ("aarch64", "neoverse_v1"), ("x86_64", "amd/zen3"), ("x86_64", "generic")]
    assert [c["name"] for c in app.get(f"{API}catalogs/?version=2023&auto_update_enabled=true", headers=user).json] == [
        "EESSI"]
    assert app.get(f"{API}catalogs/?auto_update_enabled=false", headers=user).json == []

    # Deleting a package takes it out of its extensions' parents.
    assert app.client.delete(f"{API}packages/{molsim['uuid']}/", headers=manager).status_code == 204
    assert app.get(f"{API}packages/?is_extension=true", headers=user).json[0]["parent_softwares"] == []
    assert app.get(f"{API}packages/?page=999999999999", headers=user).json == {"detail": "Invalid page."}
    assert len(app.get(f"{API}packages/?page_size=99999999999", headers=user).json) == 2


def test_cpu_targets_come_from_the_catalog_versions_architecture_map(app, people):
    """Waldur's SoftwareCatalogCpuTargetsTest (waldur/waldur-mastermind,
    src/waldur_mastermind/marketplace/tests/test_software_catalogs.py, over
    catalog_loaders/eessi.py cpu_targets_for_catalog): the entry of the
    catalog's own version in metadata.architectures_map, by hardware path,
    split at the first slash of the build it runs; other catalog types and
    catalogs without the map have none. No imported table is needed."""
    manager = people["manager"]
    archs = {"2023.06": {"x86_64/intel/haswell": "x86_64/intel/haswell"},
             "2025.06": {path: path for path in ("x86_64/generic", "x86_64/amd/zen3", "x86_64/intel/sapphirerapids",
                                                 "x86_64/intel/icelake", "aarch64/neoverse_n1")}
             | {"x86_64/intel/graniterapids": "x86_64/intel/skylake_avx512"}}
    eessi = app.post(f"{API}catalogs/", json={"name": "EESSI", "version": "2025.06", "catalog_type": "binary_runtime",
                                              "metadata": {"architectures_map": archs}}, headers=manager)
    assert eessi.status_code == 201, eessi.body
    got = app.get(f"{API}catalogs/{eessi.json['uuid']}/cpu_targets/", headers=people["user"])
    assert got.status_code == 200
    assert got.json == [
        {"cpu_family": "aarch64", "cpu_microarchitecture": "neoverse_n1", "full_arch": "aarch64/neoverse_n1"},
        {"cpu_family": "x86_64", "cpu_microarchitecture": "amd/zen3", "full_arch": "x86_64/amd/zen3"},
        {"cpu_family": "x86_64", "cpu_microarchitecture": "generic", "full_arch": "x86_64/generic"},
        {"cpu_family": "x86_64", "cpu_microarchitecture": "intel/skylake_avx512",
         "full_arch": "x86_64/intel/graniterapids"},
        {"cpu_family": "x86_64", "cpu_microarchitecture": "intel/icelake", "full_arch": "x86_64/intel/icelake"},
        {"cpu_family": "x86_64", "cpu_microarchitecture": "intel/sapphirerapids",
         "full_arch": "x86_64/intel/sapphirerapids"},
    ]
    # Anonymous callers read it too (anonymous_read, on by default).
    assert app.get(f"{API}catalogs/{eessi.json['uuid']}/cpu_targets/").json == got.json

    listed = app.post(f"{API}catalogs/", json={"name": "Listed", "version": "1", "catalog_type": "binary_runtime",
                                               "metadata": {"architectures_map": {"1": ["x86_64/generic", "x86_64/amd/zen3"]}}},
                      headers=manager).json
    assert [t["cpu_microarchitecture"] for t in app.get(f"{API}catalogs/{listed['uuid']}/cpu_targets/").json] == [
        "amd/zen3", "generic"]
    for body in ({"name": "Spack", "version": "1", "catalog_type": "source_package",
                  "metadata": {"architectures_map": {"1": ["x86_64/generic"]}}},
                 {"name": "Bare", "version": "1", "catalog_type": "binary_runtime", "metadata": {}}):
        made = app.post(f"{API}catalogs/", json=body, headers=manager).json
        assert app.get(f"{API}catalogs/{made['uuid']}/cpu_targets/").json == []


def test_a_datastore_that_does_not_answer_is_a_503_with_one_sentence(app, people, imported, ckan_config,
                                                                     monkeypatch):
    """Reads of the software tables when the DataStore database is down:
    Waldur's error shape, the reason in one sentence, no stack trace. The
    read URL alone down reads the write URL (core/replica.py)."""
    nowhere = f"127.0.0.1:{free_port()}"
    monkeypatch.setitem(ckan_config, "ckan.datastore.read_url", f"postgresql://datastore_default:pass@{nowhere}/ds")
    assert app.get(f"{API}packages/", headers=people["manager"]).status_code == 200
    monkeypatch.setitem(ckan_config, "ckan.datastore.write_url", f"postgresql://ckan_default:pass@{nowhere}/ds")
    resp = app.get(f"{API}packages/", headers=people["manager"])
    assert resp.status_code == 503
    assert resp.json == {"detail": "The catalogue's DataStore cannot be read now (neither its replica nor its "
                                   "primary database answers); try again shortly."}
