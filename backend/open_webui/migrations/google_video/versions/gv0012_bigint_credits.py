"""Google Video: a task's charge and refund as 64-bit integers, like the balances and the ledger

Revision ID: gv0012
Revises: gv0011
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "gv0012"
down_revision = "gv0011"
branch_labels = None
depends_on = None

_COLUMNS = ("credits_cost", "credits_refunded")


def upgrade() -> None:
    with op.batch_alter_table("google_video_tasks") as batch:
        for name in _COLUMNS:
            batch.alter_column(name, existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("google_video_tasks") as batch:
        for name in _COLUMNS:
            batch.alter_column(name, existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False)
