"""Typed readers of the catalogue's config options that bound what a request
may hold and what reaches Solr (declared in config_declaration.yaml)."""
from __future__ import annotations

import dataclasses

import ckan.plugins.toolkit as tk

# The APIs whose request bodies are bounded, each with its own option.
CATALOGUE_LIMITED_APIS = ("action", "gcat", "iudx", "library", "globalcatalog", "software")


def catalogue_body_limit(api: str) -> int:
    """Largest request body, in bytes, of ``api`` (its own option, else the default)."""
    own = tk.config.get(f"ckanext.catalogue.limits.body_size.{api}") if api in CATALOGUE_LIMITED_APIS else None
    return int(own) if own else int(tk.config.get("ckanext.catalogue.limits.body_size"))


@dataclasses.dataclass(frozen=True)
class CatalogueDocumentLimits:
    """What one document (or request) may hold before it is stored."""

    depth: int
    properties: int
    string_length: int
    array_length: int


def catalogue_document_limits() -> CatalogueDocumentLimits:
    return CatalogueDocumentLimits(
        depth=int(tk.config.get("ckanext.catalogue.limits.depth")),
        properties=int(tk.config.get("ckanext.catalogue.limits.properties")),
        string_length=int(tk.config.get("ckanext.catalogue.limits.string_length")),
        array_length=int(tk.config.get("ckanext.catalogue.limits.array_length")),
    )


def catalogue_indexed_properties() -> int:
    """How many document properties of one item become Solr fields."""
    return int(tk.config.get("ckanext.catalogue.limits.indexed_properties"))
