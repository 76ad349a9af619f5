"""Create catalogue_rating

Revision ID: 3d4e5f607182
Revises: 2c3d4e5f6071
Create Date: 2026-12-05 17:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "3d4e5f607182"
down_revision = "2c3d4e5f6071"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "catalogue_rating",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("item_id", sa.UnicodeText, sa.ForeignKey("catalogue_item.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rating", sa.Float, nullable=False),
        sa.Column("comment", sa.UnicodeText, nullable=True),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
        sa.UniqueConstraint("item_id", "user_id", name="catalogue_rating_item_user_key"),
    )


def downgrade():
    op.drop_table("catalogue_rating")
