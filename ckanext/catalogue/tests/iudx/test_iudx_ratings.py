"""IUDX's consumer ratings (/iudx/cat/v1/consumer/ratings) over the
catalogue's rating actions, on the real database and Solr."""
from __future__ import annotations

import uuid

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.catalogue.model import CatalogueRating
from ckanext.catalogue.tests.helpers import catalogue_call
from ckanext.catalogue.tests.iudx import samples as s

RATINGS = "/iudx/cat/v1/consumer/ratings"


def _consumer() -> tuple[str, dict[str, str]]:
    user = factories.UserWithToken()
    return user["name"], {"token": user["token"]}


def _body(resp, status: int, urn: str | None = None) -> dict:
    assert resp.status_code == status, resp.get_data(as_text=True)
    if urn:
        assert resp.json["type"] == f"urn:dx:cat:{urn}", resp.json
        assert resp.json["title"] and resp.json.get("detail") or urn == "Success"
    return resp.json


def test_ratings_as_iudx_rating_tests_use_them(app, iudx_tree):
    """The requests and asserted answers of IUDX's RatingApisCRUDIT.java
    (datakaveri/iudx-catalogue-server, src/test/java/iudx/catalogue/server/
    apiserver/integrationtests/ratingapis/RatingApisCRUDIT.java), with the
    errors of its RatingApis.java."""
    t = iudx_tree
    item = t["resource"]
    _name, consumer = _consumer()
    made = _body(app.post(RATINGS, query_string={"id": item, "type": "group"}, headers=consumer,
                          json={"rating": 4.8, "comment": "good resource"}), 201, "Success")
    assert made["results"][0]["id"]
    _body(app.post(RATINGS, query_string={"id": item}, headers={"token": "abc"},
                   json={"rating": 4.8, "comment": "v.good resource"}), 401, "InvalidAuthorizationToken")
    _body(app.post(RATINGS, query_string={"id": item}, headers=consumer, json={"ratingzzz": 4.8}), 400,
          "InvalidSchema")
    again = _body(app.post(RATINGS, query_string={"id": item}, headers=consumer, json={"rating": 3}), 400,
                  "AlreadyExists")
    assert again["detail"] == "Fail: Doc Already Exists"

    _body(app.client.put(RATINGS, query_string={"id": item}, headers=consumer,
                         json={"rating": 4.8, "comment": "very good resource"}), 200, "Success")
    _body(app.client.put(RATINGS, query_string={"id": item}, headers={"token": "abc"}, json={"rating": 4.8}),
          401, "InvalidAuthorizationToken")
    _body(app.client.put(RATINGS, query_string={"id": item}, headers=consumer,
                         json={"ratingzzz": 4.8, "comment": "v.good resource"}), 400, "InvalidSchema")

    own = _body(app.get(RATINGS, query_string={"id": item}, headers=consumer), 200, "Success")
    assert own["results"] == [{"id": item, "rating": 4.8}]
    assert app.get(RATINGS, query_string={"id": "8054c01a-14dd-4214-9d4f-a45dde44e121"},
                   headers=consumer).status_code == 204
    group = _body(app.get(RATINGS, query_string={"id": item, "type": "group"}), 200, "Success")
    assert group["results"] == [{"id": item, "rating": 4.8}]
    # The average of a resource group covers it and its resources.
    _body(app.get(RATINGS, query_string={"id": t["rg"], "type": "average"}), 200, "Success")
    _body(app.get(RATINGS, query_string={"id": "5b7556b5-0779-4c47-9cf2-3f209779aa22\\", "type": "average"}), 400,
          "InvalidParamValue")
    _body(app.get(RATINGS, query_string={"id": item, "type": "median"}), 400, "InvalidParamValue")
    _body(app.get(RATINGS, query_string={"id": item}, headers={"token": "abc"}), 401, "InvalidAuthorizationToken")
    _body(app.get(RATINGS, query_string={"id": item}), 401, "InvalidAuthorizationToken")

    _body(app.client.delete(RATINGS, query_string={"id": item}, headers={"token": "abc"}), 401,
          "InvalidAuthorizationToken")
    _body(app.client.delete(RATINGS, query_string={"id": item}, headers=consumer), 200, "Success")
    gone = _body(app.client.delete(RATINGS, query_string={"id": item}, headers=consumer), 404, "ItemNotFound")
    assert gone["detail"] == "Fail: Doc doesn't exist, can't delete"
    missing = _body(app.client.put(RATINGS, query_string={"id": item}, headers=consumer, json={"rating": 1}), 404,
                    "ItemNotFound")
    assert missing["detail"] == "Fail: Doc doesn't exist, can't update"
    _body(app.post(RATINGS, query_string={"id": "not-a-uuid"}, headers=consumer, json={"rating": 1}), 400,
          "InvalidParamValue")
    for wrong in (5.5, -1, "4", True):
        _body(app.post(RATINGS, query_string={"id": item}, headers=consumer, json={"rating": wrong}), 400,
              "InvalidSchema")


def test_averages_and_lists_are_per_item_and_kept_to_its_readers(app, iudx_tree):
    t = iudx_tree
    raters = [_consumer() for _ in range(3)]
    for (_name, headers), value in zip(raters, (5, 4, 3), strict=True):
        _body(app.post(RATINGS, query_string={"id": t["resource"]}, headers=headers, json={"rating": value}), 201)
    _body(app.post(RATINGS, query_string={"id": t["rg"]}, headers=raters[0][1], json={"rating": 2}), 201)
    hidden = catalogue_call(t["sysadmin"], "catalogue_item_create", private=True,
                            doc=s.resource(t["rg"], t["provider"], "hidden-sensor"))
    catalogue_call(t["sysadmin"], "catalogue_rating_create", id=hidden["id"], rating=1)

    averages = _body(app.get(RATINGS, query_string={"id": t["rg"], "type": "average"}), 200)["results"]
    assert averages == [{"id": t["rg"], "average_rating": 2.0, "totalRatings": 1},
                        {"id": t["resource"], "average_rating": 4.0, "totalRatings": 3}]
    # The private item's rating is its organization's to see: an outsider
    # learns nothing of it, not even that it exists.
    outsider_name, outsider = raters[1]
    assert app.get(RATINGS, query_string={"id": hidden["id"], "type": "group"}, headers=outsider).status_code == 204
    assert app.get(RATINGS, query_string={"id": hidden["id"], "type": "average"}).status_code == 204
    refused = _body(app.post(RATINGS, query_string={"id": hidden["id"]}, headers=outsider, json={"rating": 5}),
                    404, "ItemNotFound")
    assert hidden["id"] not in refused["detail"]
    with pytest.raises(tk.ObjectNotFound):
        catalogue_call(outsider_name, "catalogue_rating_list", id=hidden["id"])
    admin_view = catalogue_call(t["sysadmin"], "catalogue_rating_average", id=t["rg"])["results"]
    assert {r["item_id"] for r in admin_view} == {t["rg"], t["resource"], hidden["id"]}

    # Ratings go with their item.
    catalogue_call(t["sysadmin"], "catalogue_item_purge", id=hidden["id"])
    assert model.Session.query(CatalogueRating).filter(CatalogueRating.item_id == hidden["id"]).count() == 0
    listed = catalogue_call(None, "catalogue_rating_list", id=t["resource"])
    assert listed["count"] == 3 and sorted(r["rating"] for r in listed["results"]) == [3.0, 4.0, 5.0]
    assert "user_id" not in listed["results"][0] and "comment" not in listed["results"][0]
    with pytest.raises(tk.ObjectNotFound):
        catalogue_call(raters[2][0], "catalogue_rating_show", id=str(uuid.uuid4()))
