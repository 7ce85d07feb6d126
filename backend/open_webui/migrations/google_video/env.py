"""Alembic environment of the Google Video module.

It keeps its own version table, so the host's migration chain (alembic_version) is never
touched: the host starts fine with or without the module, and upstream revisions never clash.
"""

from alembic import context
from sqlalchemy import text

from open_webui.env import DATABASE_SCHEMA
from open_webui.internal.db import engine
from open_webui.models.google_video import Base

VERSION_TABLE = "google_video_alembic_version"


def _only_module_tables(name, type_, parent_names):
    return type_ != "table" or (name or "").startswith("google_video_")


# Any constant shared by all instances: serialises this module's migrations across replicas
# that start at the same time on one PostgreSQL database.
_PG_MIGRATION_LOCK = 0x6756_6964


def run_migrations_online() -> None:
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            version_table=VERSION_TABLE,
            version_table_schema=DATABASE_SCHEMA,
            include_name=_only_module_tables,
        )
        with context.begin_transaction():
            context.run_migrations()
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK})
            connection.commit()


run_migrations_online()
