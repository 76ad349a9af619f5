"""The ``catalogue_iudx`` plugin: the IUDX catalogue API at /iudx/cat/v1, and
the IUDX hierarchy's kinds."""
from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint

import ckan.plugins as p

from ckanext.catalogue.core.kinds import CatalogueKind
from ckanext.catalogue.interfaces import CatalogueDialect, ICatalogueDialect, ICatalogueKinds
from ckanext.catalogue.iudx.kinds import IUDX_KINDS
from ckanext.catalogue.iudx.views import DIALECT


class CatalogueIudxPlugin(p.SingletonPlugin):
    p.implements(p.IBlueprint)
    p.implements(ICatalogueKinds)
    p.implements(ICatalogueDialect)

    def get_blueprint(self) -> list[Blueprint]:
        return [DIALECT.blueprint]

    def catalogue_dialect(self) -> CatalogueDialect:
        return DIALECT

    def catalogue_kinds(self) -> Iterable[CatalogueKind]:
        return IUDX_KINDS
