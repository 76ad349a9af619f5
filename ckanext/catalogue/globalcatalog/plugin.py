"""The ``catalogue_globalcatalog`` plugin: IBM Global Catalog API v1 at /globalcatalog/api/v1,
and the Global Catalog's entry kinds."""
from __future__ import annotations

from ckanext.catalogue.globalcatalog.kinds import GLOBALCATALOG_KINDS
from ckanext.catalogue.globalcatalog.views import DIALECT
from ckanext.catalogue.interfaces import CatalogueDialectPlugin


class CatalogueGlobalCatalogPlugin(CatalogueDialectPlugin):
    dialect = DIALECT
    kinds = tuple(GLOBALCATALOG_KINDS)
