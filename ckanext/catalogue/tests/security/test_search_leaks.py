"""CKAN's package_search, attacked: the filters the catalogue adds keep
their meaning whatever the caller sends, and a query Solr refuses never
echoes the internal query (labels, user ids, exclusions)."""
from __future__ import annotations

import pytest

from ckan.lib.search import SearchQueryError
from ckan.tests import factories

from ckanext.catalogue.tests.helpers import catalogue_call

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")

SERVICE = "globalcatalog.service"


def _doc(name: str) -> dict:
    return {"name": name, "disabled": False, "tags": ["t"], "images": {"image": "i"},
            "overview_ui": {"en": {"display_name": name, "description": "d", "long_description": "l"}},
            "provider": {"name": "p", "email": "p@example.org"}}


@pytest.fixture
def excluded_item() -> dict:
    """A public entry whose visibility excludes ``outsider``'s organization."""
    admin, outsider = factories.User(), factories.User()
    factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    other = factories.Organization(users=[{"name": outsider["name"], "capacity": "member"}])
    item = catalogue_call(admin["name"], "catalogue_item_create", kind=SERVICE, id="leak-svc", doc=_doc("svc"))
    catalogue_call(admin["name"], "catalogue_item_visibility_update", id=item["id"], restrictions="public",
                   exclude=[other["name"]])
    return {"id": item["id"], "outsider": outsider, "admin": admin}


# Caller filters that, joined to the exclusion as text, would undo it.
HOSTILE_FQ = ["*:* OR \\", "*:* OR", "(*:*", "*:* OR (", "id:* OR -id:x OR", "\\", "{!lucene q.op=OR}*:*"]


@pytest.mark.parametrize("fq", HOSTILE_FQ)
def test_a_caller_fq_cannot_undo_the_exclusion(excluded_item: dict, fq: str):
    try:
        found = catalogue_call(excluded_item["outsider"]["name"], "package_search", fq=fq, rows=100,
                               include_private=True)
    except SearchQueryError:
        return  # refused: nothing shown
    assert excluded_item["id"] not in {r["id"] for r in found["results"]}
    # The item is there for those it is not hidden from.
    assert excluded_item["id"] in {r["id"] for r in catalogue_call(
        excluded_item["admin"]["name"], "package_search", rows=100, include_private=True)["results"]}


def test_a_refused_query_names_the_parameter_not_the_internal_query(excluded_item: dict):
    outsider = excluded_item["outsider"]
    with pytest.raises(SearchQueryError) as refused:
        catalogue_call(outsider["name"], "package_search", fq="title:(unbalanced")
    message = str(refused.value)
    assert "fq" in message
    for secret in ("permission_labels", "catalogue_exclude", outsider["id"], "site_id", "member-"):
        assert secret not in message


def test_the_action_api_answers_a_refused_query_without_the_internal_query(app, excluded_item: dict):
    resp = app.get("/api/3/action/package_search", query_string={"q": "title:(unbalanced"}, status=400)
    body = resp.get_data(as_text=True)
    assert "q" in resp.json["error"]["message"]
    for secret in ("permission_labels", "catalogue_exclude", "site_id"):
        assert secret not in body
