"""Waldur's official Python client (waldur-api-client) against a real
`ckan run` serving the software-catalog API: every software-catalog call
it offers."""
from __future__ import annotations

from pathlib import Path

import pytest

from ckan.lib import jobs
from ckan.tests import factories, helpers

from ckanext.catalogue.tests.helpers import ckan_ini, ckan_servers

waldur = pytest.importorskip("waldur_api_client")

from waldur_api_client import errors  # noqa: E402
from waldur_api_client.api.marketplace_software_catalogs import (  # noqa: E402
    marketplace_software_catalogs_count as cat_count,
)
from waldur_api_client.api.marketplace_software_catalogs import (
    marketplace_software_catalogs_cpu_targets_list as cat_cpu,
)
from waldur_api_client.api.marketplace_software_catalogs import (
    marketplace_software_catalogs_create as cat_create,
)
from waldur_api_client.api.marketplace_software_catalogs import (
    marketplace_software_catalogs_destroy as cat_destroy,
)
from waldur_api_client.api.marketplace_software_catalogs import (
    marketplace_software_catalogs_discover_count as cat_discover_count,
)
from waldur_api_client.api.marketplace_software_catalogs import (
    marketplace_software_catalogs_discover_list as cat_discover,
)
from waldur_api_client.api.marketplace_software_catalogs import (
    marketplace_software_catalogs_import_catalog as cat_import,
)
from waldur_api_client.api.marketplace_software_catalogs import (
    marketplace_software_catalogs_list as cat_list,
)
from waldur_api_client.api.marketplace_software_catalogs import (
    marketplace_software_catalogs_partial_update as cat_patch,
)
from waldur_api_client.api.marketplace_software_catalogs import (
    marketplace_software_catalogs_retrieve as cat_get,
)
from waldur_api_client.api.marketplace_software_catalogs import (
    marketplace_software_catalogs_update as cat_put,
)
from waldur_api_client.api.marketplace_software_catalogs import (
    marketplace_software_catalogs_update_catalog as cat_update_catalog,
)
from waldur_api_client.api.marketplace_software_packages import (  # noqa: E402
    marketplace_software_packages_count as pkg_count,
)
from waldur_api_client.api.marketplace_software_packages import (
    marketplace_software_packages_create as pkg_create,
)
from waldur_api_client.api.marketplace_software_packages import (
    marketplace_software_packages_destroy as pkg_destroy,
)
from waldur_api_client.api.marketplace_software_packages import (
    marketplace_software_packages_list as pkg_list,
)
from waldur_api_client.api.marketplace_software_packages import (
    marketplace_software_packages_partial_update as pkg_patch,
)
from waldur_api_client.api.marketplace_software_packages import (
    marketplace_software_packages_update as pkg_put,
)
from waldur_api_client.api.marketplace_software_targets import (  # noqa: E402
    marketplace_software_targets_count as tgt_count,
)
from waldur_api_client.api.marketplace_software_targets import (
    marketplace_software_targets_create as tgt_create,
)
from waldur_api_client.api.marketplace_software_targets import (
    marketplace_software_targets_destroy as tgt_destroy,
)
from waldur_api_client.api.marketplace_software_targets import (
    marketplace_software_targets_list as tgt_list,
)
from waldur_api_client.api.marketplace_software_targets import (
    marketplace_software_targets_partial_update as tgt_patch,
)
from waldur_api_client.api.marketplace_software_targets import (
    marketplace_software_targets_retrieve as tgt_get,
)
from waldur_api_client.api.marketplace_software_versions import (  # noqa: E402
    marketplace_software_versions_count as ver_count,
)
from waldur_api_client.api.marketplace_software_versions import (
    marketplace_software_versions_create as ver_create,
)
from waldur_api_client.api.marketplace_software_versions import (
    marketplace_software_versions_destroy as ver_destroy,
)
from waldur_api_client.api.marketplace_software_versions import (
    marketplace_software_versions_list as ver_list,
)
from waldur_api_client.api.marketplace_software_versions import (
    marketplace_software_versions_partial_update as ver_patch,
)
from waldur_api_client.api.marketplace_software_versions import (
    marketplace_software_versions_retrieve as ver_get,
)
from waldur_api_client.api.marketplace_software_versions import (
    marketplace_software_versions_update as ver_put,
)
from waldur_api_client.client import AuthenticatedClient, Client  # noqa: E402
from waldur_api_client.models.catalog_type_enum import CatalogTypeEnum  # noqa: E402
from waldur_api_client.models.name_enum import NameEnum  # noqa: E402
from waldur_api_client.models.patched_software_catalog_request import PatchedSoftwareCatalogRequest  # noqa: E402
from waldur_api_client.models.patched_software_package_request import PatchedSoftwarePackageRequest  # noqa: E402
from waldur_api_client.models.software_catalog_import_request import SoftwareCatalogImportRequest  # noqa: E402
from waldur_api_client.models.software_catalog_o_enum import SoftwareCatalogOEnum  # noqa: E402
from waldur_api_client.models.software_catalog_request import SoftwareCatalogRequest  # noqa: E402
from waldur_api_client.models.software_package_o_enum import SoftwarePackageOEnum  # noqa: E402
from waldur_api_client.models.software_package_request import SoftwarePackageRequest  # noqa: E402
from waldur_api_client.types import UNSET  # noqa: E402

SAMPLES = Path(__file__).parent / "data"
QUEUE = "catalogue-software-tests"  # test.ini's ckanext.catalogue.software.queue
EESSI, SPACK = str(SAMPLES / "eessi"), str(SAMPLES / "spack" / "repology.json")

pytestmark = [
    pytest.mark.ckan_config("ckanext.catalogue.software.eessi_url", EESSI),
    pytest.mark.ckan_config("ckanext.catalogue.software.spack_url", SPACK),
    pytest.mark.usefixtures("clean_datastore", "with_test_worker"),
]


@pytest.fixture
def server(tmp_path):
    ini = tmp_path / "software.ini"
    ini.write_text(f"[app:main]\nuse = config:{ckan_ini()}\n"
                   f"ckanext.catalogue.software.eessi_url = {EESSI}\n"
                   f"ckanext.catalogue.software.spack_url = {SPACK}\n")
    with ckan_servers(ini, 1, tmp_path) as urls:
        yield urls[0]


def test_official_client_drives_every_software_call(server):
    jobs.get_queue(QUEUE).empty()
    manager = factories.UserWithToken()
    helpers.call_action("catalogue_role_grant", user=manager["name"], role="Catalogue-Manager")
    reader = factories.UserWithToken()
    client = AuthenticatedClient(base_url=server, token=manager["token"], timeout=60)
    plain = AuthenticatedClient(base_url=server, token=reader["token"], timeout=60)

    # Import both upstreams: 202 at once, the jobs run on the worker.
    for name in (NameEnum.EESSI, NameEnum.SPACK):
        assert cat_import.sync_detailed(client=client, body=SoftwareCatalogImportRequest(name=name)).status_code == 202
    jobs.Worker([QUEUE]).work(burst=True)

    found = cat_list.sync(client=plain, o=[SoftwareCatalogOEnum.NAME])
    assert [(c.name, c.catalog_type) for c in found] == [
        ("EESSI", CatalogTypeEnum.BINARY_RUNTIME), ("Spack", CatalogTypeEnum.SOURCE_PACKAGE)]
    eessi, spack = found
    assert (spack.package_count, spack.version_count, spack.target_count) == (3, 5, 11)
    assert cat_count.sync(client=plain, catalog_type=CatalogTypeEnum.SOURCE_PACKAGE) == 1
    assert cat_get.sync(uuid=spack.uuid, client=plain).version == "2026.11.02"
    discovered = cat_discover.sync(client=client)
    assert [(d.name, d.latest_version, d.update_available) for d in discovered] == [
        ("EESSI", "2025.06", False), ("Spack", "2026.11.02", False)]
    assert cat_discover_count.sync(client=client) == 2
    assert [(t.cpu_family, t.cpu_microarchitecture) for t in cat_cpu.sync(uuid=eessi.uuid, client=plain)] == [
        ("x86_64", "generic")]
    assert cat_update_catalog.sync_detailed(uuid=spack.uuid, client=client).status_code == 202
    jobs.Worker([QUEUE]).work(burst=True)

    # Packages, versions and targets, with filters and paging (sync_all follows Link).
    packages = pkg_list.sync(client=plain, catalog_uuid=spack.uuid, o=[SoftwarePackageOEnum.NAME])
    assert [p.name for p in packages] == ["fluxsolve", "makeit", "zipkit"]
    assert packages[2].versions[0].targets and packages[2].catalog_name == "Spack"
    assert pkg_count.sync(client=plain, category="windows") == 1
    assert [p.name for p in pkg_list.sync(client=plain, cpu_family=["x86_64"], o=[SoftwarePackageOEnum.NAME])] == [
        "Molsim", "OnlyNew"]
    assert len(pkg_list.sync_all(client=plain)) == 5
    versions = ver_list.sync(client=plain, package_uuid=packages[1].uuid)
    assert sorted(v.version for v in versions) == ["2.0", "main"]
    assert ver_count.sync(client=plain, catalog_uuid=spack.uuid) == 5
    assert ver_get.sync(uuid=versions[0].uuid, client=plain).package_name == "makeit"
    targets = tgt_list.sync(client=plain, version_uuid=versions[0].uuid)
    assert tgt_count.sync(client=plain, catalog_uuid=spack.uuid) == 11
    assert tgt_get.sync(uuid=targets[0].uuid, client=plain).uuid == targets[0].uuid

    # Writes: a catalog, a package; versions and targets can be patched.
    made = cat_create.sync(client=client, body=SoftwareCatalogRequest(
        name="Conda", version="24.1", catalog_type=CatalogTypeEnum.PACKAGE_MANAGER, description="conda-forge"))
    assert made.package_count == 0 and made.catalog_type == CatalogTypeEnum.PACKAGE_MANAGER
    assert cat_patch.sync(uuid=made.uuid, client=client, body=PatchedSoftwareCatalogRequest(
        description="Community", catalog_type=UNSET)).description == "Community"
    assert cat_put.sync(uuid=made.uuid, client=client, body=SoftwareCatalogRequest(
        name="Conda", version="24.2")).catalog_type == CatalogTypeEnum.BINARY_RUNTIME
    pkg = pkg_create.sync(client=client, body=SoftwarePackageRequest(catalog=made.url, name="numpy"))
    assert pkg.catalog_name == "Conda" and pkg.version_count == 0
    assert pkg_patch.sync(uuid=pkg.uuid, client=client,
                          body=PatchedSoftwarePackageRequest(description="Arrays")).description == "Arrays"
    assert pkg_put.sync(uuid=pkg.uuid, client=client, body=SoftwarePackageRequest(
        catalog=made.url, name="numpy", homepage="https://numpy.org")).homepage == "https://numpy.org"
    assert ver_patch.sync(uuid=versions[0].uuid, client=client).version == versions[0].version
    assert tgt_patch.sync(uuid=targets[0].uuid, client=client).uuid == targets[0].uuid
    # The client sends no body to create or replace a version or a target:
    # the API answers which fields it needs.
    for call in (lambda: ver_create.sync(client=client), lambda: tgt_create.sync(client=client),
                 lambda: ver_put.sync(uuid=versions[0].uuid, client=client)):
        with pytest.raises(errors.UnexpectedStatus) as refused:
            call()
        assert refused.value.status_code == 400 and b"This field is required." in refused.value.content

    assert tgt_destroy.sync_detailed(uuid=targets[0].uuid, client=client).status_code == 204
    assert ver_destroy.sync_detailed(uuid=versions[0].uuid, client=client).status_code == 204
    assert pkg_destroy.sync_detailed(uuid=pkg.uuid, client=client).status_code == 204
    assert cat_destroy.sync_detailed(uuid=made.uuid, client=client).status_code == 204
    with pytest.raises(errors.UnexpectedStatus) as gone:
        cat_get.sync(uuid=made.uuid, client=client)
    assert gone.value.status_code == 404

    # The permission matrix as the client sees it.
    with pytest.raises(errors.UnexpectedStatus) as forbidden:
        cat_create.sync(client=plain, body=SoftwareCatalogRequest(name="x", version="1"))
    assert forbidden.value.status_code == 403
    # Anonymous callers read, as in Waldur, and write nothing.
    assert [c.name for c in cat_list.sync(client=Client(base_url=server))] == [c.name for c in cat_list.sync(
        client=client)]
    with pytest.raises(errors.UnexpectedStatus) as anonymous:
        cat_create.sync(client=Client(base_url=server), body=SoftwareCatalogRequest(name="x", version="1"))
    assert anonymous.value.status_code == 401
