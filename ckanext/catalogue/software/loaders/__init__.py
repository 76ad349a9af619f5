"""Loaders of upstream software catalogs (EESSI, Spack): each reads its
source (a URL or a local path) and returns the catalog as plain data; the
import writes it to the DataStore in one transaction."""
from __future__ import annotations

from ckanext.catalogue.software.loaders import eessi, spack
from ckanext.catalogue.software.loaders.base import (
    CatalogueLoadError,
    SoftwareCatalogData,
    SoftwarePackageData,
    SoftwareSource,
    SoftwareTargetData,
    SoftwareVersionData,
)

__all__ = [
    "CatalogueLoadError", "SoftwareCatalogData", "SoftwarePackageData", "SoftwareTargetData",
    "SoftwareVersionData", "catalogue_software_source", "catalogue_software_sources",
]


def catalogue_software_sources() -> dict[str, SoftwareSource]:
    """The upstreams by name, in the order discover reports them."""
    return {source.name: source for source in (eessi.EESSI_SOURCE, spack.SPACK_SOURCE)}


def catalogue_software_source(name: str, catalog_type: str | None = None) -> SoftwareSource | None:
    source = catalogue_software_sources().get(name)
    if source is None or (catalog_type and source.catalog_type != catalog_type):
        return None
    return source
