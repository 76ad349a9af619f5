"""The ``catalogue_library`` plugin: Bentley iTwin library catalogs at
/library/catalogs, and their kind."""
from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint

import ckan.plugins as p

from ckanext.catalogue.core.kinds import CatalogueKind
from ckanext.catalogue.interfaces import CatalogueDialect, ICatalogueDialect, ICatalogueKinds
from ckanext.catalogue.library.kinds import LIBRARY_KINDS
from ckanext.catalogue.library.views import DIALECT


class CatalogueLibraryPlugin(p.SingletonPlugin):
    p.implements(p.IBlueprint)
    p.implements(ICatalogueKinds)
    p.implements(ICatalogueDialect)

    def get_blueprint(self) -> list[Blueprint]:
        return [DIALECT.blueprint]

    def catalogue_dialect(self) -> CatalogueDialect:
        return DIALECT

    def catalogue_kinds(self) -> Iterable[CatalogueKind]:
        return LIBRARY_KINDS
