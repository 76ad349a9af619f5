"""The ``catalogue_software`` plugin: Waldur-compatible software catalogs
at /api/marketplace-software-catalogs/ (and -packages/, -versions/,
-targets/), their kinds, actions and auth functions."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Blueprint

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Action, AuthFunction

from ckanext.catalogue.core.kinds import CatalogueKind
from ckanext.catalogue.interfaces import CatalogueDialect, ICatalogueDialect, ICatalogueKinds, ICatalogueReaders
from ckanext.catalogue.software import access
from ckanext.catalogue.software.kinds import SOFTWARE_KINDS
from ckanext.catalogue.software.logic import action, auth
from ckanext.catalogue.software.views import DIALECT


class CatalogueSoftwarePlugin(p.SingletonPlugin):
    p.implements(p.IBlueprint)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(ICatalogueKinds)
    p.implements(ICatalogueDialect)
    p.implements(ICatalogueReaders)

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

    # ICatalogueReaders: software catalogs are for signed-in users (and
    # anonymous ones when ckanext.catalogue.software.anonymous_read is on).

    def catalogue_dataset_labels(self, dataset: model.Package, labels: list[str]) -> list[str]:
        return access.catalogue_software_dataset_labels(dataset, labels)

    def catalogue_user_labels(self, user: Any, labels: list[str]) -> list[str]:
        return access.catalogue_software_user_labels(user, labels)

    def catalogue_read_refusal(self, dataset: model.Package, user_name: str | None) -> str | None:
        if access.catalogue_software_may_read(dataset, user_name):
            return None
        return tk._("Software catalogs are for signed-in users")
