"""The ``catalogue_library`` plugin: Bentley iTwin library catalogs at
/library/catalogs, and their kind."""
from __future__ import annotations

from ckanext.catalogue.interfaces import CatalogueDialectPlugin
from ckanext.catalogue.library.kinds import LIBRARY_KINDS
from ckanext.catalogue.library.views import DIALECT


class CatalogueLibraryPlugin(CatalogueDialectPlugin):
    dialect = DIALECT
    kinds = tuple(LIBRARY_KINDS)
