"""Loaders of upstream software catalogs (EESSI, Spack): each reads its
source (a URL or a local path) and returns the catalog as plain data; the
import writes it to the DataStore in one transaction."""
from __future__ import annotations

from ckanext.catalogue.software_loaders.base import (
    CatalogueLoadError, SoftwareCatalogData, SoftwarePackageData, SoftwareTargetData, SoftwareVersionData,
    catalogue_software_source, catalogue_software_sources,
)

__all__ = [
    "CatalogueLoadError", "SoftwareCatalogData", "SoftwarePackageData", "SoftwareTargetData",
    "SoftwareVersionData", "catalogue_software_source", "catalogue_software_sources",
]
