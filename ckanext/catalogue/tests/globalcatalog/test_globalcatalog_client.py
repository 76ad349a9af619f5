"""IBM's official Python client (ibm-platform-services GlobalCatalogV1 with a
bearer-token authenticator) against a real `ckan run` serving
/globalcatalog/api/v1: every operation it offers, with the expectations of
the SDK's own integration tests."""
from __future__ import annotations

from pathlib import Path

import pytest
from ibm_cloud_sdk_core import ApiException  # noqa: E402
from ibm_cloud_sdk_core.authenticators import BearerTokenAuthenticator, NoAuthAuthenticator  # noqa: E402
from ibm_platform_services import GlobalCatalogV1  # noqa: E402
from ibm_platform_services.global_catalog_v1 import (  # noqa: E402
    CatalogEntry,
    EntrySearchResult,
    Image,
    Message,
    PricingGet,
    Provider,
    VisibilityDetail,
    VisibilityDetailAccounts,
)

from ckan.tests import factories

from ckanext.catalogue.tests.helpers import ckan_ini, ckan_servers

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")


@pytest.fixture
def server(tmp_path):
    with ckan_servers(Path(ckan_ini()), 1, tmp_path) as urls:
        yield urls[0]


def _status(call) -> int:
    try:
        return call().get_status_code()
    except ApiException as error:
        return error.code


def test_official_client_drives_every_global_catalog_call(server):
    owner = factories.UserWithToken()
    factories.Organization(users=[{"name": owner["name"], "capacity": "admin"}])
    service = GlobalCatalogV1(authenticator=BearerTokenAuthenticator(owner["token"]))
    service.set_service_url(f"{server}/globalcatalog/api/v1/")
    reader_user = factories.UserWithToken()
    reader_org = factories.Organization(users=[{"name": reader_user["name"], "capacity": "member"}])
    reader = GlobalCatalogV1(authenticator=BearerTokenAuthenticator(reader_user["token"]))
    reader.set_service_url(f"{server}/globalcatalog/api/v1")
    anonymous = GlobalCatalogV1(authenticator=NoAuthAuthenticator())
    anonymous.set_service_url(f"{server}/globalcatalog/api/v1")

    overview = {"en": {"display_name": "display", "long_description": "longDesc", "description": "desc"}}
    images = {"image": "image", "small_image": "small", "medium_image": "medium", "feature_image": "feature"}
    provider = {"email": "bogus@example.org", "name": "someName"}
    entry = {"name": "someName1", "kind": "service", "overview_ui": overview, "images": Image.from_dict(images),
                 "disabled": False, "tags": ["a", "b", "c", "support_ibm"], "provider": Provider.from_dict(provider)}

    created = service.create_catalog_entry(id="someId1", **entry)
    assert created.get_status_code() == 201
    body = created.get_result()
    assert body["id"] == "someId1" and body["kind"] == "service" and body["tags"] == entry["tags"]
    assert body["images"] == images and body["provider"] == provider and body["active"] is False
    CatalogEntry.from_dict(body)
    assert _status(lambda: service.create_catalog_entry(id="someId1", **entry)) == 409

    got = service.get_catalog_entry(id="someId1", complete=True).get_result()
    assert got["name"] == "someName1" and got["provider"] == provider
    assert _status(lambda: service.get_catalog_entry(id="bogus")) == 404

    updated = service.update_catalog_entry(
        id="someId1", name="someNameUpdated1", kind="template", overview_ui=overview,
        images=Image.from_dict({**images, "image": "imageUpdated"}), disabled=False, tags=["x", "y", "z"],
        provider=Provider.from_dict({**provider, "name": "someNameUpdated"}), url=body["url"],
        move="testString").get_result()
    assert updated["id"] == "someId1" and updated["kind"] == "template" and updated["tags"] == ["x", "y", "z"]
    assert updated["provider"]["name"] == "someNameUpdated" and updated["active"] is False
    assert _status(lambda: service.update_catalog_entry(id="bogus", **entry)) == 404

    child = service.create_catalog_entry(id="someChildId1", parent_id="someId1",
                                         **{**entry, "name": "someChildName1"}).get_result()
    children = service.get_child_objects(id="someId1", kind="service").get_result()
    assert (children["offset"], children["count"], children["resource_count"]) == (0, 1, 1)
    assert children["resources"][0]["id"] == child["id"] and children["resources"][0]["provider"] == provider
    EntrySearchResult.from_dict(children)
    assert service.get_child_objects(id="someId1", kind="*", q="kind:service", sort_by="name",
                                     descending="true", limit=200).get_result()["count"] == 1
    assert _status(lambda: service.get_child_objects(id="bogus", kind="bogus")) == 404
    listed = service.list_catalog_entries(q="kind:template", complete=True, offset=0, limit=200).get_result()
    assert [r["id"] for r in listed["resources"]] == ["someId1"]

    # Visibility: private on creation; the organization's admin changes it.
    assert service.get_visibility(id="someId1").get_result()["restrictions"] == "private"
    assert service.update_visibility(id="someId1", restrictions="public", extendable=False,
                                     exclude=VisibilityDetail(accounts=VisibilityDetailAccounts())
                                     ).get_status_code() == 200
    assert service.get_visibility(id="someId1").get_result()["restrictions"] == "public"
    assert [r["id"] for r in anonymous.list_catalog_entries().get_result()["resources"]] == ["someId1"]
    assert _status(lambda: service.get_visibility(id="bogus")) == 404
    assert _status(lambda: service.update_visibility(id="bogus")) == 404

    # Pricing: 404 without it.
    assert _status(lambda: service.get_pricing(id="someId1")) == 404
    assert _status(lambda: service.get_pricing(id="bogus")) == 404
    priced = service.create_catalog_entry(id="priced1", **{**entry, "name": "priced"},
                                          metadata={"pricing": {"type": "paid", "origin": "global_catalog"}})
    assert priced.get_status_code() == 201
    assert service.get_pricing(id="priced1").get_result()["type"] == "paid"
    assert service.get_pricing_deployments(id="priced1").get_result()["count"] == 0

    # Regional pricing of a global plan: its deployment in that region.
    service.create_catalog_entry(id="plan1", parent_id="priced1", **{**entry, "name": "plan1", "kind": "plan"},
                                 metadata={"pricing": {"type": "paid", "deployment_regions": ["us-south"]}})
    service.create_catalog_entry(id="south1", parent_id="plan1", **{**entry, "name": "south1", "kind": "deployment"},
                                 metadata={"deployment": {"location": "us-south"}, "pricing": {"type": "free"}})
    regional = service.get_pricing(id="plan1", deployment_region="us-south").get_result()
    assert (regional["type"], regional["deployment_region"]) == ("free", "us-south")
    PricingGet.from_dict(regional)
    assert _status(lambda: service.get_pricing(id="plan1", deployment_region="eu-de")) == 400

    # The SDK's accounts model names its account with the "_accountid_" key.
    assert service.update_visibility(id="priced1", restrictions="private", include=VisibilityDetail(
        accounts=VisibilityDetailAccounts(accountid=reader_org["name"]))).get_status_code() == 200
    assert reader.get_catalog_entry(id="priced1").get_status_code() == 200
    # catalog=true: 200 while a visible entry matches, 403 otherwise.
    assert anonymous.list_catalog_entries(q="someNameUpdated1", catalog=True).get_status_code() == 200
    assert _status(lambda: anonymous.list_catalog_entries(q="priced", catalog=True)) == 403

    # Audit log, newest first: the entry's id, the change's gid, the
    # visibility the change left.
    logs = service.get_audit_logs(id="someId1", offset=0, limit=10).get_result()
    assert logs["resources"][0]["type"] == "update" and logs["resources"][-1]["type"] == "create"
    assert logs["resources"][0]["who_name"] == owner["name"]
    message = Message.from_dict(logs["resources"][0])
    assert message.id == "someId1" and message.gid and message.effective.restrictions == "public"

    # Artifacts: a dict is sent as JSON (24 bytes) and read back parsed.
    assert service.upload_artifact(object_id="someId1", artifact_id="someArtifactId.json",
                                   artifact={"someKey": "someValue"}).get_status_code() == 200
    artifacts = service.list_artifacts(object_id="someId1").get_result()
    assert artifacts["count"] == 1 and artifacts["resources"][0]["size"] == 24
    assert artifacts["resources"][0]["url"] == f"{server}/globalcatalog/api/v1/someId1/artifacts/someArtifactId.json"
    assert service.get_artifact(object_id="someId1", artifact_id="someArtifactId.json").get_result() == {
        "someKey": "someValue"}
    assert service.list_artifacts(object_id="bogus").get_result()["count"] == 0
    assert _status(lambda: service.get_artifact(object_id="someId1", artifact_id="bogus")) == 404
    assert _status(lambda: service.upload_artifact(object_id="bogus", artifact_id="bogus")) == 404
    assert service.delete_artifact(object_id="someId1", artifact_id="bogus").get_result() is not None
    assert service.delete_artifact(object_id="someId1", artifact_id="someArtifactId.json").get_status_code() == 200
    assert _status(lambda: service.delete_artifact(object_id="bogus", artifact_id="bogus")) == 404

    # Archive, restore, force delete (also of what is missing).
    assert service.delete_catalog_entry(id="someChildId1").get_result() is not None
    assert _status(lambda: service.get_catalog_entry(id="someChildId1")) == 404
    assert service.restore_catalog_entry(id="someChildId1").get_status_code() == 200
    assert service.restore_catalog_entry(id="someId1").get_status_code() == 200
    assert _status(lambda: service.restore_catalog_entry(id="bogus")) == 404
    assert service.delete_catalog_entry(id="bogus").get_result() is not None
    assert service.delete_catalog_entry(id="someChildId1", force=True).get_status_code() == 200
    assert service.delete_catalog_entry(id="someId1", force=True).get_status_code() == 200
    assert _status(lambda: service.get_catalog_entry(id="someId1")) == 404
    # Anonymous callers see public entries only: the private one stays hidden.
    assert anonymous.list_catalog_entries().get_result()["count"] == 0
