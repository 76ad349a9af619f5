"""The ``catalogue_iudx`` plugin: the IUDX catalogue API at /iudx/cat/v1, and
the IUDX hierarchy's kinds."""
from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint

import ckan.plugins as p

from ckanext.catalogue.core.kinds import CatalogueKind
from ckanext.catalogue.interfaces import ICatalogueKinds
from ckanext.catalogue.iudx.kinds import IUDX_KINDS
from ckanext.catalogue.iudx.views import iudx


class CatalogueIudxPlugin(p.SingletonPlugin):
    p.implements(p.IBlueprint)
    p.implements(ICatalogueKinds)

    def get_blueprint(self) -> list[Blueprint]:
        return [iudx]

    def catalogue_kinds(self) -> Iterable[CatalogueKind]:
        return IUDX_KINDS
