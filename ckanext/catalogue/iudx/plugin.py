"""The ``catalogue_iudx`` plugin: the IUDX catalogue API at /iudx/cat/v1, and
the IUDX hierarchy's kinds."""
from __future__ import annotations

from ckanext.catalogue.interfaces import CatalogueDialectPlugin
from ckanext.catalogue.iudx.kinds import IUDX_KINDS
from ckanext.catalogue.iudx.views import DIALECT


class CatalogueIudxPlugin(CatalogueDialectPlugin):
    dialect = DIALECT
    kinds = tuple(IUDX_KINDS)
