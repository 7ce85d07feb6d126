"""Google Video: the host models whose new chats start with the video tool on

Revision ID: gv0013
Revises: gv0012
Create Date: 2026-12-06

From now on the module's setting decides which host models have its tool (id "google_video") in
their `meta.toolIds`. Before, an admin set that in the host's model editor; so that the first
start after the upgrade keeps those choices instead of undoing them, the new column starts with
the models whose tool list has the tool already.
"""

import json
import logging

import sqlalchemy as sa
from alembic import op

revision = "gv0013"
down_revision = "gv0012"
branch_labels = None
depends_on = None

TOOL_ID = "google_video"  # chat/plugins.py TOOL_ID, fixed here as it was at this revision
log = logging.getLogger(__name__)


def models_with_the_tool(bind) -> list[str]:
    """Ids of the host's model rows whose meta.toolIds holds the tool (none if the host has no
    model table, e.g. a database holding only the module's tables)."""
    if not sa.inspect(bind).has_table("model"):
        return []
    found = []
    for model_id, meta in bind.execute(sa.text("SELECT id, meta FROM model")):
        if isinstance(meta, (str, bytes)):
            try:
                meta = json.loads(meta)
            except ValueError:
                continue
        tool_ids = meta.get("toolIds") if isinstance(meta, dict) else None
        if isinstance(tool_ids, list) and TOOL_ID in tool_ids:
            found.append(model_id)
    return sorted(found)


def upgrade() -> None:
    with op.batch_alter_table("google_video_config") as batch:
        batch.add_column(sa.Column("chat_tool_models", sa.JSON(), nullable=False, server_default="[]"))
    chosen = models_with_the_tool(op.get_bind())
    if chosen:
        config = sa.table("google_video_config", sa.column("chat_tool_models", sa.JSON()))
        op.execute(config.update().values(chat_tool_models=chosen))
        log.info("google video: the video tool stays on by default for %s", ", ".join(chosen))


def downgrade() -> None:
    with op.batch_alter_table("google_video_config") as batch:
        batch.drop_column("chat_tool_models")
