"""Tables of the catalogue extension (created by its alembic migrations)."""
from ckanext.catalogue.model.artifact import CatalogueArtifact
from ckanext.catalogue.model.item import CatalogueItem, CatalogueItemKey
from ckanext.catalogue.model.rating import CatalogueRating
from ckanext.catalogue.model.role import CatalogueRole

__all__ = ["CatalogueArtifact", "CatalogueItem", "CatalogueItemKey", "CatalogueRating", "CatalogueRole"]
