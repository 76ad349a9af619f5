"""The ``catalogue_software`` plugin: Waldur-compatible software catalogs
at /api/marketplace-software-catalogs/ (and -packages/, -versions/,
-targets/), their kinds, actions and auth functions. Who may read them is
decided by the ``catalogue`` plugin, so that catalogs stored stay protected
when this plugin is off."""
from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint

import ckan.plugins as p
from ckan.types import Action, AuthFunction

from ckanext.catalogue.core.kinds import CatalogueKind
from ckanext.catalogue.interfaces import CatalogueDialect, ICatalogueDialect, ICatalogueKinds
from ckanext.catalogue.software.kinds import SOFTWARE_KINDS
from ckanext.catalogue.software.logic import action, auth
from ckanext.catalogue.software.views import DIALECT


class CatalogueSoftwarePlugin(p.SingletonPlugin):
    p.implements(p.IBlueprint)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(ICatalogueKinds)
    p.implements(ICatalogueDialect)

    def get_blueprint(self) -> list[Blueprint]:
        return [DIALECT.blueprint]

    def get_actions(self) -> dict[str, Action]:
        return {name: getattr(action, name) for name in action.__all__}

    def get_auth_functions(self) -> dict[str, AuthFunction]:
        return {name: getattr(auth, name) for name in auth.__all__}

    def catalogue_dialect(self) -> CatalogueDialect:
        return DIALECT

    def catalogue_kinds(self) -> Iterable[CatalogueKind]:
        return SOFTWARE_KINDS
