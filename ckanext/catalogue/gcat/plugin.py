"""The ``catalogue_gcat`` plugin: D4Science gCat's REST API at /gcat/."""
from __future__ import annotations

import ckan.plugins as p

from ckanext.catalogue.gcat.views import gcat


class CatalogueGcatPlugin(p.SingletonPlugin):
    p.implements(p.IBlueprint)

    def get_blueprint(self):
        return [gcat]
