"""The ``catalogue_software`` plugin: Waldur-compatible software catalogs
at /api/marketplace-software-catalogs/ (and -packages/, -versions/,
-targets/), their kinds, actions and auth functions. Who may read them is
decided by the ``catalogue`` plugin, so that catalogs stored stay protected
when this plugin is off."""
from __future__ import annotations

import ckan.plugins as p
from ckan.types import Action, AuthFunction

from ckanext.catalogue.interfaces import CatalogueDialectPlugin
from ckanext.catalogue.software.kinds import SOFTWARE_KINDS
from ckanext.catalogue.software.logic import action, auth
from ckanext.catalogue.software.views import DIALECT


class CatalogueSoftwarePlugin(CatalogueDialectPlugin):
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)

    dialect = DIALECT
    kinds = tuple(SOFTWARE_KINDS)

    def get_actions(self) -> dict[str, Action]:
        return {name: getattr(action, name) for name in action.__all__}

    def get_auth_functions(self) -> dict[str, AuthFunction]:
        return {name: getattr(auth, name) for name in auth.__all__}
