"""Create catalogue_artifact

Revision ID: 2c3d4e5f6071
Revises: 1b2c3d4e5f60
Create Date: 2026-11-23 12:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "2c3d4e5f6071"
down_revision = "1b2c3d4e5f60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "catalogue_artifact",
        sa.Column("item_id", sa.UnicodeText, sa.ForeignKey("catalogue_item.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("name", sa.UnicodeText, primary_key=True),
        sa.Column("file_id", sa.UnicodeText, nullable=False),
        sa.Column("content_type", sa.UnicodeText, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("etag", sa.UnicodeText, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
    )


def downgrade():
    op.drop_table("catalogue_artifact")
