"""The software catalogs page in Chromium: discover the upstreams, import
one (a real RQ worker runs the job), follow its status, search packages."""
from __future__ import annotations

import pytest

from ckan.lib import jobs
from ckan.tests import factories, helpers

from ckanext.catalogue.tests.helpers import BROWSER_PASSWORD

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")

QUEUE = "catalogue-software-tests"  # test.ini's ckanext.catalogue.software.queue


def test_a_manager_imports_a_catalog_and_finds_its_packages(page, log_in):
    jobs.get_queue(QUEUE).empty()
    manager = factories.User(password=BROWSER_PASSWORD)["name"]
    helpers.call_action("catalogue_role_grant", user=manager, role="Catalogue-Manager")
    log_in(manager)
    page.get_by_role("link", name="Software").click()
    assert page.locator(".catalogue-software-catalogs .empty").count() == 1

    page.locator("a.catalogue-software-discover").click()
    page.locator(".catalogue-software-upstream tr", has_text="EESSI").get_by_role("button", name="Import").click()
    assert "Import of EESSI queued" in page.locator(".alert").first.inner_text()
    jobs.Worker([QUEUE]).work(burst=True)

    page.reload()
    row = page.locator(".catalogue-software-catalogs tbody tr", has_text="EESSI")
    assert "Updated" in row.locator(".catalogue-software-status").inner_text()
    assert [c.inner_text() for c in row.locator("td").all()][2:5] == ["2", "2", "2"]

    page.fill("#field-query", "molsim")
    page.get_by_role("button", name="Search").click()
    names = [r.locator("td").first.inner_text() for r in page.locator(".catalogue-software-packages tbody tr").all()]
    assert names == ["Molsim"]


def test_readers_search_without_the_managers_buttons(page, log_in):
    reader = factories.User(password=BROWSER_PASSWORD)["name"]
    log_in(reader)
    page.get_by_role("link", name="Software").click()
    assert page.locator("a.catalogue-software-discover").count() == 0
    assert page.locator(".catalogue-software-packages .empty").count() == 1
