"""Catalogue roles granted to CKAN users."""
from __future__ import annotations

import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid


def catalogue_utcnow() -> datetime.datetime:
    """Naive UTC, as CKAN stores its timestamps."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class CatalogueRole(tk.BaseModel):  # type: ignore[misc]
    """One role of one user; a user may hold one level role and Moderator."""

    __table__ = sa.Table(
        "catalogue_role",
        tk.BaseModel.metadata,
        sa.Column("id", sa.UnicodeText, primary_key=True, default=make_uuid),
        sa.Column("user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.UnicodeText, nullable=False),
        sa.Column("granted_by", sa.UnicodeText, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False, default=catalogue_utcnow),
        sa.UniqueConstraint("user_id", "role", name="catalogue_role_user_role_key"),
    )

    id: Mapped[str]
    user_id: Mapped[str]
    role: Mapped[str]
    granted_by: Mapped[str | None]
    created: Mapped[datetime.datetime]

    def dictize(self, user_name: str | None = None) -> dict[str, str | None]:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "user": user_name,
            "role": self.role,
            "granted_by": self.granted_by,
            "created": self.created.isoformat(),
        }
