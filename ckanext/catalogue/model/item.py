"""The item hierarchy's integrity rows.

Items themselves are CKAN datasets and every read goes through Solr; these
rows exist so the database can guarantee what Solr cannot: a parent exists
while it has children, a name is unique under its parent even under
concurrent writers, and an alias points at one item.
"""
from __future__ import annotations

import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk

from ckanext.catalogue.model.role import catalogue_utcnow as _now


class CatalogueItem(tk.BaseModel):  # type: ignore[misc]
    __table__ = sa.Table(
        "catalogue_item",
        tk.BaseModel.metadata,
        sa.Column("id", sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        # No cascade: the database refuses to drop a parent that has children.
        sa.Column("parent_id", sa.UnicodeText, sa.ForeignKey("catalogue_item.id"), nullable=True, index=True),
        sa.Column("created", sa.DateTime, nullable=False, default=_now),
    )

    id: Mapped[str]
    kind: Mapped[str]
    parent_id: Mapped[str | None]
    created: Mapped[datetime.datetime]


KEY_ALIAS = "alias"
KEY_UNIQUE = "unique"


class CatalogueItemKey(tk.BaseModel):  # type: ignore[misc]
    """A unique string owned by one item: an alias id or a uniqueness key."""

    __table__ = sa.Table(
        "catalogue_item_key",
        tk.BaseModel.metadata,
        sa.Column("key", sa.UnicodeText, primary_key=True),
        sa.Column("item_id", sa.UnicodeText, sa.ForeignKey("catalogue_item.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("purpose", sa.UnicodeText, nullable=False),
    )

    key: Mapped[str]
    item_id: Mapped[str]
    purpose: Mapped[str]
