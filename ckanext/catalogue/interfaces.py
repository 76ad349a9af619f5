"""The plugin interfaces of the catalogue: what a dialect (or any other
plugin) adds to the core. The dialects of this package implement them in
their own ``plugin.py``; nothing here imports the rest of the package at run
time, so every layer may use them."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import ckan.plugins as p
from ckan import model

if TYPE_CHECKING:
    from ckanext.catalogue.core.kinds import CatalogueKind


class ICatalogueKinds(p.Interface):
    """Plugins add item kinds to the registry (``core/kinds.py``)."""

    def catalogue_kinds(self) -> Iterable[CatalogueKind]:
        """The kinds this plugin declares."""
        return []


class ICatalogueReaders(p.Interface):
    """Plugins narrow who may read some datasets (the software catalogs:
    signed-in users only). Labels join CKAN's permission labels, so search
    follows them; the refusal is checked on every read of one dataset."""

    def catalogue_dataset_labels(self, dataset: model.Package, labels: list[str]) -> list[str]:
        """The dataset's permission labels, given those decided so far."""
        return labels

    def catalogue_user_labels(self, user: Any, labels: list[str]) -> list[str]:
        """The labels a user (None: anonymous) reads, given those decided so far."""
        return labels

    def catalogue_read_refusal(self, dataset: model.Package, user_name: str | None) -> str | None:
        """Why this caller may not read the dataset, or None."""
        return None
