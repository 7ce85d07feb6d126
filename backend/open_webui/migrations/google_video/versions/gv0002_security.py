"""Google Video: per-user rate limits, blocked words, audit log, time indexes for rate counting

Revision ID: gv0002
Revises: gv0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "gv0002"
down_revision = "gv0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("google_video_config") as batch:
        batch.add_column(sa.Column("submits_per_minute", sa.Integer(), nullable=False, server_default="10"))
        batch.add_column(sa.Column("uploads_per_minute", sa.Integer(), nullable=False, server_default="30"))
        batch.add_column(sa.Column("blocked_words", sa.JSON(), nullable=False, server_default="[]"))
    op.create_index("ix_google_video_tasks_user_created", "google_video_tasks", ["user_id", "created_at"])
    op.drop_index("ix_google_video_uploads_user", table_name="google_video_uploads")
    op.create_index("ix_google_video_uploads_user", "google_video_uploads", ["user_id", "created_at"])
    op.create_table(
        "google_video_audit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("actor_id", sa.String(255), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("target_user_id", sa.String(255), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_google_video_audit_action", "google_video_audit", ["action", "id"])


def downgrade() -> None:
    op.drop_table("google_video_audit")
    op.drop_index("ix_google_video_uploads_user", table_name="google_video_uploads")
    op.create_index("ix_google_video_uploads_user", "google_video_uploads", ["user_id"])
    op.drop_index("ix_google_video_tasks_user_created", table_name="google_video_tasks")
    with op.batch_alter_table("google_video_config") as batch:
        batch.drop_column("blocked_words")
        batch.drop_column("uploads_per_minute")
        batch.drop_column("submits_per_minute")
