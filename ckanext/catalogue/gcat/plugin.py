"""The ``catalogue_gcat`` plugin: D4Science gCat's REST API at /gcat/, and gCat's item kinds."""
from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint

import ckan.plugins as p

from ckanext.catalogue.core.kinds import CatalogueKind
from ckanext.catalogue.gcat.kinds import GCAT_KINDS
from ckanext.catalogue.gcat.views import DIALECT
from ckanext.catalogue.interfaces import CatalogueDialect, ICatalogueDialect, ICatalogueKinds


class CatalogueGcatPlugin(p.SingletonPlugin):
    p.implements(p.IBlueprint)
    p.implements(ICatalogueKinds)
    p.implements(ICatalogueDialect)

    def get_blueprint(self) -> list[Blueprint]:
        return [DIALECT.blueprint]

    def catalogue_dialect(self) -> CatalogueDialect:
        return DIALECT

    def catalogue_kinds(self) -> Iterable[CatalogueKind]:
        return GCAT_KINDS
