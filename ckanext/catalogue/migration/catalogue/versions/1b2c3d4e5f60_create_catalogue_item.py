"""Create catalogue_item and catalogue_item_key

Revision ID: 1b2c3d4e5f60
Revises: 0a1b2c3d4e5f
Create Date: 2026-11-23 03:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "1b2c3d4e5f60"
down_revision = "0a1b2c3d4e5f"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "catalogue_item",
        sa.Column("id", sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("parent_id", sa.UnicodeText, sa.ForeignKey("catalogue_item.id"), nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_index("ix_catalogue_item_parent_id", "catalogue_item", ["parent_id"])
    op.create_table(
        "catalogue_item_key",
        sa.Column("key", sa.UnicodeText, primary_key=True),
        sa.Column("item_id", sa.UnicodeText, sa.ForeignKey("catalogue_item.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("purpose", sa.UnicodeText, nullable=False),
    )
    op.create_index("ix_catalogue_item_key_item_id", "catalogue_item_key", ["item_id"])


def downgrade():
    op.drop_table("catalogue_item_key")
    op.drop_table("catalogue_item")
