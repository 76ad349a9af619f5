"""The plugins compose: the core works without a dialect's plugin, and what
the core protects stays protected when a feature's plugin is off."""
from __future__ import annotations

import gc

import pytest

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.catalogue.tests.helpers import catalogue_call


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
# Catalogs kept to signed-in users stay so when the software plugin is off.
@pytest.mark.ckan_config("ckanext.catalogue.software.anonymous_read", "false")
def test_without_the_software_plugin_pages_work_and_stored_catalogs_stay_private(app):
    sysadmin = factories.Sysadmin()["name"]
    catalog = catalogue_call(sysadmin, "catalogue_software_catalog_create", doc={"name": "c", "version": "1"})
    p.unload("catalogue_software")
    try:
        # The header asks whether to show the software menu.
        assert app.get("/dataset/").status_code == 200
        assert app.get("/catalogue-admin/software").status_code == 404
        with pytest.raises((tk.NotAuthorized, tk.ObjectNotFound)):
            helpers.call_action("package_show", context={"user": "", "ignore_auth": False}, id=catalog["id"])
        found = helpers.call_action("package_search", context={"user": "", "ignore_auth": False},
                                    q="*:*", include_private=True)
        assert catalog["id"] not in {d["id"] for d in found["results"]}
    finally:
        p.load("catalogue_software")


@pytest.mark.parametrize("freeze", [
    pytest.param(True, marks=pytest.mark.ckan_config("ckanext.catalogue.gc_freeze", "true")),
    pytest.param(False, marks=pytest.mark.ckan_config("ckanext.catalogue.gc_freeze", "false")),
])
def test_the_web_app_sets_start_up_objects_apart_from_the_cyclic_collector_when_asked(freeze, request):
    """``ckanext.catalogue.gc_freeze``: once the app is built, what start-up
    made is out of the collector's scans (gc.freeze); with the option off
    it stays in them."""
    gc.unfreeze()
    try:
        app = request.getfixturevalue("app")  # the app, built with the option
        assert (gc.get_freeze_count() > 0) is freeze
        assert app.get("/api/3/action/status_show").status_code == 200
    finally:
        gc.unfreeze()
