"""Google Video: unified parameters on tasks, prices that follow them, provider-specific extras

Revision ID: gv0006
Revises: gv0005
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "gv0006"
down_revision = "gv0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("google_video_config") as batch:
        batch.add_column(sa.Column("model_pricing", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("extra_parameters", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("google_video_tasks") as batch:
        batch.add_column(sa.Column("parameters", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("google_video_tasks") as batch:
        batch.drop_column("parameters")
    with op.batch_alter_table("google_video_config") as batch:
        batch.drop_column("extra_parameters")
        batch.drop_column("model_pricing")
