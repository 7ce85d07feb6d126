"""Google Video: tasks know their provider; the provider's raw status word

Revision ID: gv0005
Revises: gv0004
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "gv0005"
down_revision = "gv0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("google_video_tasks") as batch:
        # Every task until now went to the relay.
        batch.add_column(sa.Column("provider", sa.String(50), nullable=False, server_default="relay"))
        batch.alter_column("relay_status", new_column_name="provider_status", existing_type=sa.String(50))


def downgrade() -> None:
    with op.batch_alter_table("google_video_tasks") as batch:
        batch.alter_column("provider_status", new_column_name="relay_status", existing_type=sa.String(50))
        batch.drop_column("provider")
