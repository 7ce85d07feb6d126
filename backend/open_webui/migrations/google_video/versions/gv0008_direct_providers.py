"""Google Video: direct providers (Gemini, Vertex AI, OpenAI-compatible videos)

A task keeps the provider's reference to its result apart from any URL a browser may see (a
direct provider's result needs the key), its poster image, and the task it derives from (remix,
extend). The admin's own model entries live in one JSON column.

Revision ID: gv0008
Revises: gv0007
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "gv0008"
down_revision = "gv0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("google_video_tasks") as batch:
        batch.add_column(sa.Column("result_ref", sa.Text(), nullable=True))
        batch.add_column(sa.Column("poster_path", sa.Text(), nullable=True))
        batch.add_column(sa.Column("source_task_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("operation", sa.String(20), nullable=False, server_default="generate"))
    with op.batch_alter_table("google_video_config") as batch:
        batch.add_column(sa.Column("custom_models", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("google_video_config") as batch:
        batch.drop_column("custom_models")
    with op.batch_alter_table("google_video_tasks") as batch:
        for column in ("operation", "source_task_id", "poster_path", "result_ref"):
            batch.drop_column(column)
