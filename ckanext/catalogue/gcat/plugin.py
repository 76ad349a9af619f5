"""The ``catalogue_gcat`` plugin: D4Science gCat's REST API at /gcat/, and gCat's item kinds."""
from __future__ import annotations

from ckanext.catalogue.gcat.kinds import GCAT_KINDS
from ckanext.catalogue.gcat.views import DIALECT
from ckanext.catalogue.interfaces import CatalogueDialectPlugin


class CatalogueGcatPlugin(CatalogueDialectPlugin):
    dialect = DIALECT
    kinds = tuple(GCAT_KINDS)
