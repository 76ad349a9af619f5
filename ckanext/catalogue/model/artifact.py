"""Which stored file is which artifact of an item: the bytes live in CKAN's
file storage (``file`` table, storage ``ckanext.catalogue.artifacts.storage``);
this row names them per item."""
from __future__ import annotations

import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk

from ckanext.catalogue.model.role import catalogue_utcnow as _now


class CatalogueArtifact(tk.BaseModel):  # type: ignore[misc]
    __table__ = sa.Table(
        "catalogue_artifact",
        tk.BaseModel.metadata,
        sa.Column("item_id", sa.UnicodeText, sa.ForeignKey("catalogue_item.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("name", sa.UnicodeText, primary_key=True),
        sa.Column("file_id", sa.UnicodeText, nullable=False),
        sa.Column("content_type", sa.UnicodeText, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("etag", sa.UnicodeText, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False, default=_now),
    )

    item_id: Mapped[str]
    name: Mapped[str]
    file_id: Mapped[str]
    content_type: Mapped[str]
    size: Mapped[int]
    etag: Mapped[str]
    updated: Mapped[datetime.datetime]
