"""The test factories make each catalogue object through its core action."""
from __future__ import annotations

import pytest

from ckan.tests import factories, helpers

from ckanext.catalogue.tests.factories import (
    CatalogueGroup,
    CatalogueItem,
    GlobalCatalogEntry,
    LibraryCatalog,
    SoftwareCatalog,
)


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_each_factory_makes_its_object_through_the_core_action():
    org = factories.Organization()
    made = {
        "gcat.item": CatalogueItem(organization=org["id"]),
        "globalcatalog.service": GlobalCatalogEntry(),
        "library.catalog": LibraryCatalog(organization=org["id"]),
        "software.catalog": SoftwareCatalog(),
    }
    for kind, item in made.items():
        assert helpers.call_action("catalogue_item_show", id=item["id"])["kind"] == kind
    group = CatalogueGroup(kind="organization")
    assert helpers.call_action("organization_show", id=group["id"])["name"] == group["name"]
    # The caller is the one named, not the site user.
    editor = factories.User()
    helpers.call_action("catalogue_role_grant", user=editor["name"], role="Catalogue-Editor")
    own = CatalogueItem(user=editor["name"], organization=org["id"])
    assert helpers.call_action("catalogue_item_show", id=own["id"])["creator_user_id"] == editor["id"]
