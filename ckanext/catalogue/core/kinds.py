"""The registry of catalogue item kinds.

A kind says what an item is (its JSON-LD type), under which kinds it may
sit, which JSON schema its document must pass, how its id is made, which
document fields link it to its ancestors, what makes it unique and who may
write it. Each dialect's plugin registers its kinds (``<dialect>/kinds.py``)
through ICatalogueKinds; the item actions read them and hold no
kind-specific code.
"""
from __future__ import annotations

import ckan.plugins as p

# What a kind is lives with the interfaces (plugins declare kinds); the
# registry of the kinds loaded lives here.
from ckanext.catalogue.interfaces import (
    ID_CLIENT,
    ID_NAME,
    ID_UUID,
    WRITE_ADMIN,
    WRITE_EDITOR,
    WRITE_MANAGER,
    WRITE_ORGANIZATION,
    CatalogueDialect,
    CatalogueKind,
    ICatalogueDialect,
    ICatalogueKinds,
)

__all__ = [
    "ID_CLIENT", "ID_NAME", "ID_UUID", "WRITE_ADMIN", "WRITE_EDITOR", "WRITE_MANAGER", "WRITE_ORGANIZATION",
    "CatalogueKind", "ICatalogueKinds", "catalogue_kind", "catalogue_kind_by_type", "catalogue_kinds",
    "catalogue_kinds_by_dialect",
    "catalogue_reset_registry",
]


_registry: dict[str, CatalogueKind] = {}


def catalogue_kinds() -> dict[str, CatalogueKind]:
    """Every registered kind by name: each dialect plugin declares its own
    kinds through ICatalogueKinds, as any other plugin may."""
    if not _registry:
        found: list[CatalogueKind] = []
        for plugin in p.PluginImplementations(ICatalogueKinds):
            found.extend(plugin.catalogue_kinds())
        _registry.update({kind.name: kind for kind in found})
    return _registry


def catalogue_kind(name: str) -> CatalogueKind | None:
    return catalogue_kinds().get(name)


def catalogue_kind_by_type(jsonld_type: str) -> CatalogueKind | None:
    for kind in catalogue_kinds().values():
        if kind.jsonld_type == jsonld_type:
            return kind
    return None


def catalogue_kinds_by_dialect() -> list[tuple[CatalogueDialect | None, list[CatalogueKind]]]:
    """The kinds grouped by the dialect whose plugin declares them (None:
    a plugin that serves no dialect), in the order the plugins load."""
    # A plugin's dialect, by plugin name (CKAN's interfaces are no base classes).
    dialects = {plugin.name: plugin.catalogue_dialect() for plugin in p.PluginImplementations(ICatalogueDialect)}
    grouped = [(dialects.get(plugin.name), list(plugin.catalogue_kinds()))
               for plugin in p.PluginImplementations(ICatalogueKinds)]
    return [(dialect, kinds) for dialect, kinds in grouped if kinds]


def catalogue_reset_registry() -> None:
    """Forget the kinds, so the next lookup sees the plugins loaded now."""
    _registry.clear()
