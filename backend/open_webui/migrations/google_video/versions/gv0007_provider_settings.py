"""Google Video: settings of each provider in one JSON column (adding a provider adds no column)

Revision ID: gv0007
Revises: gv0006
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "gv0007"
down_revision = "gv0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("google_video_config") as batch:
        batch.add_column(sa.Column("provider_settings", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("google_video_config") as batch:
        batch.drop_column("provider_settings")
