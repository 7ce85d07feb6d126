"""Google Video: credit policies (welcome credits, periodic allowances per group)

Revision ID: gv0010
Revises: gv0009
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "gv0010"
down_revision = "gv0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("google_video_config") as batch:
        batch.add_column(sa.Column("welcome_credits", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("credit_allowances", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("google_video_config") as batch:
        batch.drop_column("credit_allowances")
        batch.drop_column("welcome_credits")
