"""The plugin interfaces of the catalogue: what a dialect (or any other
plugin) adds to the core. The dialects of this package implement them in
their own ``plugin.py``; nothing here imports the rest of the package at run
time, so every layer may use them."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response

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


@dataclasses.dataclass(frozen=True)
class CatalogueDialect:
    """What one dialect's API is, declared once by its plugin: the shared
    HTTP layer, rate limits, body limits, scoped tokens and the OpenAPI
    document read it from here instead of naming dialects."""

    # Its name in option keys (``rate_limit.<name>``, ``limits.body_size.<name>``).
    name: str
    blueprint: Blueprint
    # Its part of the OpenAPI document (``openapi.yaml`` beside its views).
    openapi: Path | None = None
    # Headers besides ``Authorization`` that carry its API tokens.
    token_headers: tuple[str, ...] = ()
    # Its 429 answer, given the seconds until a retry may succeed.
    too_many: Callable[[int], Response] | None = None
    # Endpoints a scoped token may write through (IUDX's item routes).
    scoped_endpoints: tuple[str, ...] = ()
    # Endpoints whose body is a file, bounded by the artifacts' size limit.
    file_endpoints: tuple[str, ...] = ()


class ICatalogueDialect(p.Interface):
    """A plugin that serves a catalogue dialect's API."""

    def catalogue_dialect(self) -> CatalogueDialect:
        """The dialect this plugin serves."""
        raise NotImplementedError


def catalogue_dialects() -> list[CatalogueDialect]:
    """The dialects of the plugins loaded now."""
    return [plugin.catalogue_dialect() for plugin in p.PluginImplementations(ICatalogueDialect)]


def catalogue_dialect_of(blueprint: str | None) -> CatalogueDialect | None:
    """The dialect whose blueprint is named ``blueprint``, if any."""
    return next((d for d in catalogue_dialects() if d.blueprint.name == blueprint), None) if blueprint else None


def catalogue_token_headers() -> tuple[str, ...]:
    """Every header besides ``Authorization`` some dialect takes a token in."""
    return tuple(dict.fromkeys(h for d in catalogue_dialects() for h in d.token_headers))
