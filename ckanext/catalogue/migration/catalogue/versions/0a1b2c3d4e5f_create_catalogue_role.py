"""Create catalogue_role

Revision ID: 0a1b2c3d4e5f
Revises:
Create Date: 2026-11-23 02:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0a1b2c3d4e5f"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "catalogue_role",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.UnicodeText, nullable=False),
        sa.Column("granted_by", sa.UnicodeText, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.UniqueConstraint("user_id", "role", name="catalogue_role_user_role_key"),
    )
    op.create_index("catalogue_role_user_id_idx", "catalogue_role", ["user_id"])


def downgrade():
    op.drop_table("catalogue_role")
