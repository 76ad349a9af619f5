"""The ``catalogue_globalcatalog`` plugin: IBM Global Catalog API v1 at /globalcatalog/api/v1."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p

from ckanext.catalogue.globalcatalog.views import globalcatalog


class CatalogueGlobalCatalogPlugin(p.SingletonPlugin):
    p.implements(p.IBlueprint)

    def get_blueprint(self) -> list[Any]:
        return [globalcatalog]
