"""Google Video: rate-limit attempts, idempotent credit adjustments, request fingerprints

Revision ID: gv0004
Revises: gv0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "gv0004"
down_revision = "gv0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "google_video_attempts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_google_video_attempts_user_kind", "google_video_attempts", ["user_id", "kind", "created_at"])
    with op.batch_alter_table("google_video_credits") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(128), nullable=True))
        batch.create_unique_constraint("uq_google_video_credits_idempotency", ["idempotency_key"])
    with op.batch_alter_table("google_video_tasks") as batch:
        batch.add_column(sa.Column("request_fingerprint", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("google_video_tasks") as batch:
        batch.drop_column("request_fingerprint")
    with op.batch_alter_table("google_video_credits") as batch:
        batch.drop_constraint("uq_google_video_credits_idempotency", type_="unique")
        batch.drop_column("idempotency_key")
    op.drop_index("ix_google_video_attempts_user_kind", table_name="google_video_attempts")
    op.drop_table("google_video_attempts")
