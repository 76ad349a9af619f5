"""Ratings of items by users (IUDX's consumer ratings): one per user and
item, kept while both exist."""
from __future__ import annotations

import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk

from ckanext.catalogue.model.role import catalogue_utcnow as _now

RATING_APPROVED = "approved"


class CatalogueRating(tk.BaseModel):  # type: ignore[misc]
    __table__ = sa.Table(
        "catalogue_rating",
        tk.BaseModel.metadata,
        # sha256 of the user's id and the item's id, as IUDX names a rating.
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("item_id", sa.UnicodeText, sa.ForeignKey("catalogue_item.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rating", sa.Float, nullable=False),
        sa.Column("comment", sa.UnicodeText, nullable=True),
        sa.Column("status", sa.UnicodeText, nullable=False, default=RATING_APPROVED),
        sa.Column("created", sa.DateTime, nullable=False, default=_now),
        sa.Column("modified", sa.DateTime, nullable=False, default=_now),
        sa.UniqueConstraint("item_id", "user_id", name="catalogue_rating_item_user_key"),
    )

    id: Mapped[str]
    item_id: Mapped[str]
    user_id: Mapped[str]
    rating: Mapped[float]
    comment: Mapped[str | None]
    status: Mapped[str]
    created: Mapped[datetime.datetime]
    modified: Mapped[datetime.datetime]
