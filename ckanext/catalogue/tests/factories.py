"""factory-boy factories of the catalogue's objects, one per object, each
made through its core action (``Meta.action``) as a user: ``user`` names
who calls it (default: the site user, a sysadmin; None: anonymous)."""
from __future__ import annotations

from typing import Any

import factory

import ckan.model
from ckan.tests import factories
from ckan.tests.factories import CKANFactory

from ckanext.catalogue.tests.helpers import SERVICE, gc_doc


class _CatalogueFactory(CKANFactory):
    """The caller goes into the context only, never into the data: the
    catalogue's schemas refuse keys they do not know."""

    class Meta:
        model = ckan.model.Package
        action = "catalogue_item_create"

    @classmethod
    def _api_prepare_args(cls, data_dict: dict[str, Any]) -> dict[str, Any]:
        data_dict = super()._api_prepare_args(data_dict)
        data_dict.pop("user", None)
        return data_dict


class CatalogueItem(_CatalogueFactory):
    """A gCat item (a plain dataset-like item) unless ``kind`` says otherwise."""

    kind = "gcat.item"
    doc = factory.LazyFunction(lambda: {"name": factories._name("item"), "title": "An item", "license_id": "cc-by"})


class GlobalCatalogEntry(_CatalogueFactory):
    """A public Global Catalog service whose id is its name."""

    id = factory.LazyFunction(lambda: factories._name("entry"))
    kind = SERVICE
    doc = factory.LazyAttribute(lambda o: gc_doc(o.id))
    private = False


class LibraryCatalog(_CatalogueFactory):
    """An iTwin library catalog of ``organization``."""

    kind = "library.catalog"
    doc = factory.LazyFunction(lambda: {"displayName": factories._name("catalog"), "description": "d"})


class SoftwareCatalog(_CatalogueFactory):
    """A software catalog (Waldur)."""

    class Meta:
        action = "catalogue_software_catalog_create"

    doc = factory.LazyFunction(lambda: {"name": factories._name("software"), "version": "1"})


class CatalogueGroup(_CatalogueFactory):
    """A catalogue group (``kind``: group or organization)."""

    class Meta:
        model = ckan.model.Group
        action = "catalogue_group_create"

    kind = "group"
    name = factory.LazyFunction(lambda: factories._name("group"))


def gc_entry(user: str, entry_id: str, **more: Any) -> dict[str, Any]:
    """A public Global Catalog service made by ``user``."""
    return GlobalCatalogEntry(user=user, id=entry_id, **more)
