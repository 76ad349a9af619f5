"""The ``catalogue_iudx`` plugin: the IUDX catalogue API at /iudx/cat/v1."""
from __future__ import annotations

import ckan.plugins as p

from ckanext.catalogue.iudx.views import iudx


class CatalogueIudxPlugin(p.SingletonPlugin):
    p.implements(p.IBlueprint)

    def get_blueprint(self):
        return [iudx]
