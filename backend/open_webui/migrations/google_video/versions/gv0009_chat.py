"""Google Video: generating from the chat (a task bound to a chat message, delivered into it)

Revision ID: gv0009
Revises: gv0008
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "gv0009"
down_revision = "gv0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("google_video_tasks") as batch:
        batch.add_column(sa.Column("chat_id", sa.String(255), nullable=True))
        batch.add_column(sa.Column("chat_message_id", sa.String(255), nullable=True))
        # pending (to write into the message once the task ends) | delivered | gone | failed
        batch.add_column(sa.Column("chat_delivery", sa.String(20), nullable=True))
        batch.add_column(sa.Column("chat_delivery_at", sa.BigInteger(), nullable=True))  # next attempt, epoch
        batch.add_column(sa.Column("chat_delivery_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.create_index("ix_google_video_tasks_chat_delivery", ["chat_delivery", "chat_delivery_at"])
    with op.batch_alter_table("google_video_config") as batch:
        batch.add_column(sa.Column("chat_enabled", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("google_video_config") as batch:
        batch.drop_column("chat_enabled")
    with op.batch_alter_table("google_video_tasks") as batch:
        batch.drop_index("ix_google_video_tasks_chat_delivery")
        for column in ("chat_delivery_attempts", "chat_delivery_at", "chat_delivery", "chat_message_id", "chat_id"):
            batch.drop_column(column)
