"""Google Video: a link into the module from the host's UI (one of the host's banners)

Revision ID: gv0011
Revises: gv0010
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "gv0011"
down_revision = "gv0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("google_video_config") as batch:
        batch.add_column(sa.Column("host_link_enabled", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("google_video_config") as batch:
        batch.drop_column("host_link_enabled")
