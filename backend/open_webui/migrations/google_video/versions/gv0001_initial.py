"""Google Video: config, tasks, balances, credit ledger, uploads

Revision ID: gv0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "gv0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "google_video_config",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("base_url", sa.Text(), nullable=False),
        sa.Column("api_key", sa.Text(), nullable=False),
        sa.Column("default_text_model", sa.String(100), nullable=False),
        sa.Column("default_image_model", sa.String(100), nullable=False),
        sa.Column("default_enhance_prompt", sa.Boolean(), nullable=False),
        sa.Column("model_credits_config", sa.JSON(), nullable=False),
        sa.Column("disabled_models", sa.JSON(), nullable=False),
        sa.Column("max_concurrent_tasks", sa.Integer(), nullable=False),
        sa.Column("task_timeout_seconds", sa.Integer(), nullable=False),
        sa.Column("poll_interval_seconds", sa.Integer(), nullable=False),
        sa.Column("relay_max_requests_per_second", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=True),
    )
    op.create_table(
        "google_video_tasks",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("external_task_id", sa.String(255), nullable=True),
        sa.Column("task_type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("relay_status", sa.String(50), nullable=True),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("enhance_prompt", sa.Boolean(), nullable=False),
        sa.Column("aspect_ratio", sa.String(10), nullable=True),
        sa.Column("input_images", sa.JSON(), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("submit_time", sa.BigInteger(), nullable=True),
        sa.Column("start_time", sa.BigInteger(), nullable=True),
        sa.Column("finish_time", sa.BigInteger(), nullable=True),
        sa.Column("video_url", sa.Text(), nullable=True),
        sa.Column("video_path", sa.Text(), nullable=True),
        sa.Column("video_size", sa.BigInteger(), nullable=True),
        sa.Column("video_duration", sa.Integer(), nullable=True),
        sa.Column("cloud_upload_status", sa.String(20), nullable=False),
        sa.Column("cloud_video_url", sa.Text(), nullable=True),
        sa.Column("fail_reason", sa.Text(), nullable=True),
        sa.Column("credits_cost", sa.Integer(), nullable=False),
        sa.Column("credits_refunded", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=True),
        sa.Column("next_poll_at", sa.BigInteger(), nullable=False),
        sa.Column("deadline_at", sa.BigInteger(), nullable=False),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_until", sa.BigInteger(), nullable=True),
        sa.Column("poll_count", sa.Integer(), nullable=False),
        sa.Column("error_streak", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("completed_at", sa.BigInteger(), nullable=True),
        sa.UniqueConstraint("user_id", "idempotency_key", name="uq_google_video_tasks_idempotency"),
    )
    op.create_index("ix_google_video_tasks_user_id", "google_video_tasks", ["user_id", "id"])
    op.create_index("ix_google_video_tasks_due", "google_video_tasks", ["status", "next_poll_at"])
    op.create_table(
        "google_video_balances",
        sa.Column("user_id", sa.String(255), primary_key=True),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("active_tasks", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("balance >= 0", name="ck_google_video_balance_non_negative"),
        sa.CheckConstraint("active_tasks >= 0", name="ck_google_video_active_non_negative"),
    )
    op.create_table(
        "google_video_credits",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("task_id", sa.String(64), nullable=True),
        sa.Column("actor_id", sa.String(255), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("task_id", "kind", name="uq_google_video_credits_task_kind"),
    )
    op.create_index("ix_google_video_credits_user_created", "google_video_credits", ["user_id", "created_at"])
    op.create_table(
        "google_video_uploads",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("storage_key", sa.Text(), nullable=False),
        sa.Column("mime_type", sa.String(50), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_google_video_uploads_user", "google_video_uploads", ["user_id"])


def downgrade() -> None:
    op.drop_table("google_video_uploads")
    op.drop_table("google_video_credits")
    op.drop_table("google_video_balances")
    op.drop_table("google_video_tasks")
    op.drop_table("google_video_config")
