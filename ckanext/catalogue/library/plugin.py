"""The ``catalogue_library`` plugin: Bentley iTwin library catalogs at /library/catalogs."""
from __future__ import annotations

import ckan.plugins as p

from ckanext.catalogue.library.views import library


class CatalogueLibraryPlugin(p.SingletonPlugin):
    p.implements(p.IBlueprint)

    def get_blueprint(self):
        return [library]
