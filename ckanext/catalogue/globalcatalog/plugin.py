"""The ``catalogue_globalcatalog`` plugin: IBM Global Catalog API v1 at /globalcatalog/api/v1,
and the Global Catalog's entry kinds."""
from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint

import ckan.plugins as p

from ckanext.catalogue.core.kinds import CatalogueKind
from ckanext.catalogue.globalcatalog.kinds import GLOBALCATALOG_KINDS
from ckanext.catalogue.globalcatalog.views import DIALECT
from ckanext.catalogue.interfaces import CatalogueDialect, ICatalogueDialect, ICatalogueKinds


class CatalogueGlobalCatalogPlugin(p.SingletonPlugin):
    p.implements(p.IBlueprint)
    p.implements(ICatalogueKinds)
    p.implements(ICatalogueDialect)

    def get_blueprint(self) -> list[Blueprint]:
        return [DIALECT.blueprint]

    def catalogue_dialect(self) -> CatalogueDialect:
        return DIALECT

    def catalogue_kinds(self) -> Iterable[CatalogueKind]:
        return GLOBALCATALOG_KINDS
