"""The Global Catalog's wire where IBM's SDK (IBM/platform-services-python-sdk,
ibm_platform_services/global_catalog_v1.py) says what it sends and reads:
the default account, account=global, ibm_only/nonibm_only restrictions,
the accounts keys of include/exclude, get_pricing's deployment_region, the
list's catalog=true, and the audit messages' id, gid and effective."""
from __future__ import annotations

import pytest

from ckan.tests import factories

from ckanext.catalogue.tests.globalcatalog.test_globalcatalog_api import BASE, _entry

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")


def _h(user: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {user['token']}"}


def _owner(app, entry_id: str, headers: dict[str, str]) -> str:
    return app.get(f"{BASE}/{entry_id}/visibility", headers=headers).json["owner"]


def test_the_default_account_and_account_global(app, ckan_config, monkeypatch):
    """SDK docstring of ``account``: "changes the scope of the request ...
    account=global is required if operating with a service ID that has a
    global admin policy". A caller writing in several organizations and
    naming none creates in the configured default; a sysadmin in none, or
    with account=global, in the root organization."""
    sysadmin, writer = factories.SysadminWithToken(), factories.UserWithToken()
    first = factories.Organization(users=[{"name": writer["name"], "capacity": "editor"}])
    second = factories.Organization(users=[{"name": writer["name"], "capacity": "editor"}])

    made = app.post(f"{BASE}/", json=_entry("by-sysadmin"), headers=_h(sysadmin))
    assert made.status_code == 201, made.body
    assert _owner(app, "by-sysadmin", _h(sysadmin)) == ckan_config["ckanext.catalogue.root_organization"]
    assert app.post(f"{BASE}/?account=global", json=_entry("global-one"), headers=_h(sysadmin)).status_code == 201
    assert _owner(app, "global-one", _h(sysadmin)) == ckan_config["ckanext.catalogue.root_organization"]
    # A user may not write in the root organization: account=global is refused.
    assert app.post(f"{BASE}/?account=global", json=_entry("not-mine"), headers=_h(writer)).status_code == 403

    monkeypatch.setitem(ckan_config, "ckanext.catalogue.globalcatalog.default_account", second["name"])
    assert app.post(f"{BASE}/", json=_entry("defaulted"), headers=_h(writer)).status_code == 201
    assert _owner(app, "defaulted", _h(writer)) == second["name"]
    assert app.post(f"{BASE}/?account={first['name']}", json=_entry("named"), headers=_h(writer)).status_code == 201
    assert _owner(app, "named", _h(writer)) == first["name"]


def test_ibm_only_and_nonibm_only_restrictions(app, ckan_config, monkeypatch):
    """SDK Visibility docstring: "nonibm_only means it is visible to all
    except IBM unless their account is explicitly included, ibm_only means
    it is visible to all IBM unless their account is explicitly excluded"
    (the IBM organization is ckanext.catalogue.globalcatalog.ibm_account)."""
    owner, ibmer, stranger = (factories.UserWithToken() for _ in range(3))
    factories.Organization(users=[{"name": owner["name"], "capacity": "admin"}])
    ibm = factories.Organization(users=[{"name": ibmer["name"], "capacity": "member"}])
    app.post(f"{BASE}/", json=_entry("svc"), headers=_h(owner))
    url = f"{BASE}/svc/visibility"

    refused = app.client.put(url, json={"restrictions": "ibm_only"}, headers=_h(owner))
    assert refused.status_code == 400 and "ibm_account" in refused.get_data(as_text=True)

    monkeypatch.setitem(ckan_config, "ckanext.catalogue.globalcatalog.ibm_account", ibm["name"])
    assert app.client.put(url, json={"restrictions": "ibm_only"}, headers=_h(owner)).status_code == 200
    shown = app.get(url, headers=_h(owner)).json
    assert shown["restrictions"] == "ibm_only" and shown["include"] == {"accounts": {}}
    assert app.get(f"{BASE}/svc", headers=_h(ibmer)).status_code == 200
    assert app.get(f"{BASE}/svc", headers=_h(stranger)).status_code == 404
    assert app.get(f"{BASE}/svc").status_code == 404

    assert app.client.put(url, json={"restrictions": "nonibm_only"}, headers=_h(owner)).status_code == 200
    shown = app.get(url, headers=_h(owner)).json
    assert shown["restrictions"] == "nonibm_only" and shown["exclude"] == {"accounts": {}}
    assert shown["include"] == {"accounts": {}}
    assert app.get(f"{BASE}/svc", headers=_h(stranger)).status_code == 200
    assert app.get(f"{BASE}/svc").status_code == 200
    assert app.get(f"{BASE}/svc", headers=_h(ibmer)).status_code == 404
    # Other lists sent with it are kept beside the IBM organization.
    assert app.client.put(url, json={"exclude": {"accounts": {stranger["name"]: ""}}},
                          headers=_h(owner)).status_code == 200
    shown = app.get(url, headers=_h(owner)).json
    assert shown["restrictions"] == "nonibm_only" and shown["exclude"] == {"accounts": {stranger["name"]: ""}}
    assert app.get(f"{BASE}/svc", headers=_h(stranger)).status_code == 404
    assert app.get(f"{BASE}/svc", headers=_h(ibmer)).status_code == 404

    # Back to private: the IBM organization goes with the restriction.
    assert app.client.put(url, json={"restrictions": "private"}, headers=_h(owner)).status_code == 200
    shown = app.get(url, headers=_h(owner)).json
    assert shown["restrictions"] == "private" and shown["exclude"] == {"accounts": {stranger["name"]: ""}}
    assert app.get(f"{BASE}/svc", headers=_h(ibmer)).status_code == 404


def test_include_reads_the_sdk_models_accountid_key(app):
    """SDK VisibilityDetailAccounts.to_dict: ``{"_accountid_": accountid}``,
    the account being the value of that literal key."""
    owner, friend = factories.UserWithToken(), factories.UserWithToken()
    factories.Organization(users=[{"name": owner["name"], "capacity": "admin"}])
    friends = factories.Organization(users=[{"name": friend["name"], "capacity": "member"}])
    app.post(f"{BASE}/", json=_entry("shared"), headers=_h(owner))
    assert app.get(f"{BASE}/shared", headers=_h(friend)).status_code == 404
    resp = app.client.put(f"{BASE}/shared/visibility", json={
        "restrictions": "private", "include": {"accounts": {"_accountid_": friends["name"]}}}, headers=_h(owner))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert app.get(f"{BASE}/shared/visibility", headers=_h(owner)).json["include"] == {
        "accounts": {friends["name"]: ""}}
    assert app.get(f"{BASE}/shared", headers=_h(friend)).status_code == 200


def test_audit_messages_carry_the_entry_id_gid_and_effective_visibility(app):
    """SDK Message model: ``id`` "id of catalog entry", ``gid`` "transaction
    id associated with action", ``effective`` the entry's visibility."""
    owner = factories.UserWithToken()
    factories.Organization(users=[{"name": owner["name"], "capacity": "admin"}])
    app.post(f"{BASE}/", json=_entry("audited"), headers=_h(owner))
    app.client.put(f"{BASE}/audited/visibility", json={"restrictions": "public"}, headers=_h(owner))
    logs = app.get(f"{BASE}/audited/logs?ascending=true", headers=_h(owner)).json["resources"]
    assert [m["id"] for m in logs] == ["audited", "audited"]
    assert len({m["gid"] for m in logs}) == 2 and all(m["gid"] for m in logs)
    assert [m["effective"]["restrictions"] for m in logs] == ["private", "public"]
    assert logs[0]["effective"]["owner"] == logs[1]["effective"]["owner"]
    assert set(logs[0]["effective"]) == {"restrictions", "owner", "extendable", "include", "exclude", "approved"}


def test_pricing_for_a_deployment_region(app):
    """SDK get_pricing ``deployment_region``: "Specify a region to retrieve
    plan pricing for a global deployment. The value must match an entry in
    the deployment_regions list"; the answer names the region."""
    owner = factories.UserWithToken()
    factories.Organization(users=[{"name": owner["name"], "capacity": "admin"}])
    h = _h(owner)
    app.post(f"{BASE}/", json=_entry("cos"), headers=h)
    plan_pricing = {"type": "paid", "origin": "pricing_catalog", "deployment_regions": ["us-south", "eu-de"],
                    "metrics": [{"metric_id": "storage", "amounts": [{"country": "USA", "prices": [{"price": 1}]}]}]}
    app.post(f"{BASE}/", json=_entry("cos-plan", kind="plan", parent_id="cos",
                                     metadata={"pricing": plan_pricing}), headers=h)
    south = {"type": "paid", "metrics": [{"metric_id": "storage", "amounts": [{"country": "USA",
                                                                                "prices": [{"price": 2}]}]}]}
    made = app.post(f"{BASE}/", json=_entry("cos-south", kind="deployment", parent_id="cos-plan", metadata={
        "deployment": {"location": "us-south"}, "pricing": south}), headers=h)
    assert made.status_code == 201, made.body

    assert app.get(f"{BASE}/cos-plan/pricing", headers=h).json["metrics"] == plan_pricing["metrics"]
    regional = app.get(f"{BASE}/cos-plan/pricing?deployment_region=us-south", headers=h).json
    assert regional["deployment_region"] == "us-south" and regional["deployment_id"] == "cos-south"
    assert regional["metrics"] == south["metrics"]
    assert app.get(f"{BASE}/cos-plan/pricing?deployment_region=mars", headers=h).status_code == 400
    assert app.get(f"{BASE}/cos-plan/pricing?deployment_region=eu-de", headers=h).status_code == 404


def test_list_with_catalog_true_checks_visibility(app):
    """SDK list_catalog_entries ``catalog``: "Checks to see if a catalog's
    object is visible ... If a 200 code is returned, the object is visible.
    If a 403 code is returned, the object is not visible for the user." An
    unknown entry answers as a hidden one."""
    owner = factories.UserWithToken()
    factories.Organization(users=[{"name": owner["name"], "capacity": "admin"}])
    h = _h(owner)
    app.post(f"{BASE}/", json=_entry("shown", active=True), headers=h)
    app.post(f"{BASE}/", json=_entry("secret", active=True), headers=h)
    app.client.put(f"{BASE}/shown/visibility", json={"restrictions": "public"}, headers=h)

    found = app.get(f"{BASE}/?catalog=true&q=name-shown")
    assert found.status_code == 200 and [r["id"] for r in found.json["resources"]] == ["shown"]
    for words in ("name-secret", "name-nothing"):
        assert app.get(f"{BASE}/?catalog=true&q={words}").status_code == 403
    assert app.get(f"{BASE}/?catalog=true&q=name-secret", headers=h).status_code == 200
    assert [r["id"] for r in app.get(f"{BASE}/?catalog=true", headers=h).json["resources"]] == ["secret", "shown"]
