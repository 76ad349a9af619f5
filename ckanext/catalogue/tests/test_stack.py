"""The real stack is in the loop: Solr search, the DataStore and the job worker."""
from __future__ import annotations

import time

import pytest
from rq.job import Job

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories, helpers


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_dataset_created_through_action_api_is_found_by_solr(app, sysadmin_headers):
    org = factories.Organization()
    created = app.post(
        "/api/3/action/package_create",
        json={"name": "river-levels", "title": "River levels of the Kaveri", "owner_org": org["id"],
              "notes": "Hourly gauge readings", "tags": [{"name": "hydrology"}]},
        headers=sysadmin_headers,
    )
    assert created.status_code == 200, created.body
    factories.Dataset(owner_org=org["id"], title="Bus stops")

    # Free text, a field query and a facet, all answered by Solr.
    found = app.get("/api/3/action/package_search", query_string={"q": "Kaveri gauge"}).json["result"]
    assert [d["name"] for d in found["results"]] == ["river-levels"]
    by_tag = app.get(
        "/api/3/action/package_search", query_string={"fq": "tags:hydrology", "facet.field": '["tags"]'}
    ).json["result"]
    assert by_tag["count"] == 1
    assert by_tag["search_facets"]["tags"]["items"][0]["name"] == "hydrology"
    # a word in no dataset (hyphenated words are split by the schema's analyzer,
    # and factory notes are random text, so a made-up single token)
    assert app.get("/api/3/action/package_search", query_string={"q": "zqxjvkw"}).json["result"]["count"] == 0


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_solr_core_has_catalogue_fields():
    """The catalogue's extra fields are in the live schema and accept spatial data."""
    from ckan.lib.search.common import make_connection

    conn = make_connection()
    doc = {
        "index_id": "catalogue-schema-probe", "id": "catalogue-schema-probe",
        "site_id": tk.config["ckan.site_id"], "entity_type": "probe",
        "catalogue_kind": "resource", "catalogue_ancestors": ["p1", "p2"],
        "catalogue_location": ["POLYGON((77.5 12.9, 77.7 12.9, 77.7 13.1, 77.5 13.1, 77.5 12.9))"],
    }
    conn.add([doc], commit=True)
    try:
        hits = conn.search(
            "*:*",
            fq=["catalogue_ancestors:p2", 'catalogue_location:"Intersects(ENVELOPE(77.6, 77.65, 13.0, 12.95))"'],
        )
        assert [h["id"] for h in hits] == ["catalogue-schema-probe"]
        misses = conn.search("*:*", fq=['catalogue_location:"Intersects(ENVELOPE(0, 1, 1, 0))"'])
        assert len(misses) == 0
    finally:
        conn.delete(id="catalogue-schema-probe", commit=True)


@pytest.mark.usefixtures("clean_datastore")
@pytest.mark.ckan_config("ckan.plugins", "catalogue datastore")
def test_datastore_table_created_and_searched():
    sysadmin = factories.Sysadmin()
    dataset = factories.Dataset(owner_org=factories.Organization()["id"])
    resource = factories.Resource(package_id=dataset["id"])
    context = {"user": sysadmin["name"]}
    helpers.call_action(
        "datastore_create", context=context, resource_id=resource["id"], force=True,
        fields=[{"id": "station", "type": "text"}, {"id": "pm25", "type": "numeric"}],
        records=[{"station": "Hebbal", "pm25": 41}, {"station": "Peenya", "pm25": 77},
                 {"station": "Jayanagar", "pm25": 23}],
    )
    by_filter = helpers.call_action("datastore_search", resource_id=resource["id"], filters={"station": "Peenya"})
    assert [r["pm25"] for r in by_filter["records"]] == [77]
    by_text = helpers.call_action("datastore_search", resource_id=resource["id"], q="Hebbal")
    assert by_text["total"] == 1
    sorted_page = helpers.call_action("datastore_search", resource_id=resource["id"], sort="pm25 desc", limit=2)
    assert [r["station"] for r in sorted_page["records"]] == ["Peenya", "Hebbal"]
    assert sorted_page["total"] == 3


@pytest.mark.usefixtures("clean_db")
def test_enqueued_job_runs_in_the_real_worker(job_worker):
    job = tk.enqueue_job("ckan.lib.jobs.test_job", ["catalogue"], title="catalogue stack probe")
    deadline = time.monotonic() + 60
    status = None
    while time.monotonic() < deadline:
        status = Job.fetch(job.id, connection=connect_to_redis()).get_status()
        if status in ("finished", "failed"):
            break
        time.sleep(0.2)
    assert status == "finished"
