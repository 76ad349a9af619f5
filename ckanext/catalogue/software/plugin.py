"""The ``catalogue_software`` plugin: Waldur-compatible software catalogs
at /api/marketplace-software-catalogs/ (and -packages/, -versions/, -targets/)."""
from __future__ import annotations

import ckan.plugins as p

from ckanext.catalogue.software.views import software


class CatalogueSoftwarePlugin(p.SingletonPlugin):
    p.implements(p.IBlueprint)

    def get_blueprint(self):
        return [software]
