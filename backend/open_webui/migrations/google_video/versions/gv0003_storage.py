"""Google Video: storage backends (COS, S3), retention, signed URLs, video checksums

Revision ID: gv0003
Revises: gv0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "gv0003"
down_revision = "gv0002"
branch_labels = None
depends_on = None

_TEXT_SETTINGS = ("storage_prefix", "cos_region", "cos_bucket", "cos_secret_id", "cos_secret_key", "cos_domain",
                  "cos_endpoint", "s3_endpoint_url", "s3_region", "s3_bucket", "s3_access_key_id", "s3_secret_access_key")
_INT_SETTINGS = (("max_video_mb", "500"), ("retention_days", "0"), ("signed_url_seconds", "600"))


def upgrade() -> None:
    with op.batch_alter_table("google_video_config") as batch:
        batch.add_column(sa.Column("storage_backend", sa.String(10), nullable=False, server_default="local"))
        for name in _TEXT_SETTINGS:
            batch.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))
        for name, default in _INT_SETTINGS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default=default))
    with op.batch_alter_table("google_video_tasks") as batch:
        batch.add_column(sa.Column("video_sha256", sa.String(64), nullable=True))
        batch.add_column(sa.Column("storage_backend", sa.String(10), nullable=True))
    with op.batch_alter_table("google_video_uploads") as batch:
        batch.add_column(sa.Column("storage_backend", sa.String(10), nullable=False, server_default="local"))
    # Until now every stored video was on local disk and its status was left at "pending".
    op.execute("UPDATE google_video_tasks SET storage_backend = 'local', cloud_upload_status = 'uploaded' "
               "WHERE video_path IS NOT NULL")
    op.create_index("ix_google_video_tasks_retention", "google_video_tasks", ["status", "completed_at"])


def downgrade() -> None:
    op.drop_index("ix_google_video_tasks_retention", table_name="google_video_tasks")
    with op.batch_alter_table("google_video_uploads") as batch:
        batch.drop_column("storage_backend")
    with op.batch_alter_table("google_video_tasks") as batch:
        batch.drop_column("storage_backend")
        batch.drop_column("video_sha256")
    with op.batch_alter_table("google_video_config") as batch:
        for name, _ in _INT_SETTINGS:
            batch.drop_column(name)
        for name in _TEXT_SETTINGS:
            batch.drop_column(name)
        batch.drop_column("storage_backend")
