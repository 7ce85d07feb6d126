"""The module's migrations, as an operator upgrading a live install meets them, on SQLite and PostgreSQL.

On a fresh database with the host's own tables in place: the module at gv0001 holds realistic rows
(config, tasks that succeeded / failed and were refunded / are still running, balances, a ledger
that adds up, an upload), written in plain SQL with gv0001's schema. Then, after upgrading to head:
- every row keeps its values, and the ledger still adds up;
- each column a later migration added holds what that migration promises (server default or data
  step), e.g. tasks are on the 'relay' provider, a stored video is 'local' and 'uploaded';
- the models read every migrated row and write new ones (a ledger id follows the old ones);
- the schema matches the models (alembic autogenerate finds no difference);
- downgrading to base removes every module table (alembic keeps its emptied version table) and
  leaves the host's tables as they were; upgrading to head again works.

The host binds its engine at import (slow), so all of it runs in one process per database
(migration_probe.py), which writes a report that the tests below judge.
"""

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from migration_probe import SEED, VERSION_TABLE

PROBE = Path(__file__).resolve().parent / "migration_probe.py"
RENAMED = {"relay_status": "provider_status"}  # gv0005
FIRST_TABLES = ["google_video_balances", "google_video_config", "google_video_credits", "google_video_tasks",
                "google_video_uploads"]

# What later migrations promise for rows that existed before them (their server_default or data step).
CONFIG_DEFAULTS = {
    # gv0002
    "submits_per_minute": 10, "uploads_per_minute": 30, "blocked_words": [],
    # gv0003
    "storage_backend": "local", "storage_prefix": "", "cos_region": "", "cos_bucket": "", "cos_secret_id": "",
    "cos_secret_key": "", "cos_domain": "", "cos_endpoint": "", "s3_endpoint_url": "", "s3_region": "",
    "s3_bucket": "", "s3_access_key_id": "", "s3_secret_access_key": "", "max_video_mb": 500, "retention_days": 0,
    "signed_url_seconds": 600,
    # gv0006, gv0007, gv0008
    "model_pricing": {}, "extra_parameters": {}, "provider_settings": {}, "custom_models": [],
    # gv0009, gv0010, gv0011
    "chat_enabled": False, "welcome_credits": 0, "credit_allowances": [], "host_link_enabled": False,
    # gv0013: the host's models whose tool list had the chat tool (the seed's host has none)
    "chat_tool_models": [],
}
TASK_DEFAULTS = {
    "video_sha256": None,  # gv0003 (storage_backend and cloud_upload_status: see the data step below)
    "request_fingerprint": None,  # gv0004
    "provider": "relay",  # gv0005: every earlier task went to the relay
    "parameters": None,  # gv0006
    "result_ref": None, "poster_path": None, "source_task_id": None, "operation": "generate",  # gv0008
    "chat_id": None, "chat_message_id": None, "chat_delivery": None, "chat_delivery_at": None,  # gv0009
    "chat_delivery_attempts": 0,
}
CREDIT_DEFAULTS = {"idempotency_key": None}  # gv0004
UPLOAD_DEFAULTS = {"storage_backend": "local"}  # gv0003
LATER_DEFAULTS = {"google_video_config": CONFIG_DEFAULTS, "google_video_tasks": TASK_DEFAULTS,
                  "google_video_credits": CREDIT_DEFAULTS, "google_video_uploads": UPLOAD_DEFAULTS,
                  "google_video_balances": {}}
# gv0003's data step: a task whose video was stored is on local disk and its copy is done.
TASK_DATA_STEP = {"storage_backend", "cloud_upload_status"}

log = logging.getLogger(__name__)


class Report(dict):
    """The probe's findings; what a failed step kept it from finding fails the test that needs it."""

    def __missing__(self, key):
        pytest.fail(f"not measured ({key}): the probe stopped at {self.get('step')!r}:\n{self.get('step_error')}")


@pytest.fixture(scope="module")
def report(db_kind, new_database, tmp_path_factory) -> Report:
    work = tmp_path_factory.mktemp(f"migrations-{db_kind}")
    url = new_database()  # None: the host's own webui.db in DATA_DIR
    env = {**os.environ, "DATA_DIR": str(work), "WEBUI_SECRET_KEY": "migration-tests-" + "x" * 32}
    env.pop("DATABASE_URL", None)
    started = time.monotonic()
    result = subprocess.run([sys.executable, str(PROBE), str(work / "report.json"), *([url] if url else [])],
                            capture_output=True, text=True, timeout=600, env=env)
    path = work / "report.json"
    assert path.exists(), f"migration probe failed on {db_kind} (exit {result.returncode}):\n{result.stderr[-8000:]}"
    data = Report(json.loads(path.read_text()))
    log.info("migrations on %s: %.1f s in all, phases %s", db_kind, time.monotonic() - started, data["timings"])
    assert data["dialect"] == db_kind
    return data


def test_every_step_ran(report):
    assert report["step_error"] is None, f"stopped at {report['step']!r}:\n{report['step_error']}"


def rows_by_key(rows: list[dict]) -> dict:
    return {row.get("id", row.get("user_id")): row for row in rows}


def test_upgrade_from_gv0001_reaches_head(report):
    assert report["revision_after_first"] == "gv0001"
    assert report["module_tables_at_first"] == sorted([VERSION_TABLE, *FIRST_TABLES])
    assert report["revision_after_head"] == report["script_head"]


def test_rows_keep_their_values(report):
    at_head = report["rows_at_head"]
    for table in ("google_video_config", "google_video_tasks", "google_video_balances", "google_video_uploads"):
        migrated = rows_by_key(at_head[table])
        assert set(migrated) == {row.get("id", row.get("user_id")) for row in SEED[table]}, table
        for seeded in SEED[table]:
            row = migrated[seeded.get("id", seeded.get("user_id"))]
            for column, value in seeded.items():
                if table == "google_video_tasks" and column in TASK_DATA_STEP:
                    continue  # gv0003 may change it on purpose: test_later_columns_hold_their_promised_values
                assert row[RENAMED.get(column, column)] == value, (table, row.get("id"), column)
    # The ledger: same entries in the same order (its ids give it its total order).
    credits = at_head["google_video_credits"]
    assert [{c: row[c] for c in seeded} for row, seeded in zip(credits, SEED["google_video_credits"])] \
        == SEED["google_video_credits"]
    assert len(credits) == len(SEED["google_video_credits"])
    assert [row["id"] for row in credits] == sorted({row["id"] for row in credits})
    assert report["ledger_error"] is None


def test_later_columns_hold_their_promised_values(report):
    at_head = report["rows_at_head"]
    for table, defaults in LATER_DEFAULTS.items():
        for row in at_head[table]:
            for column, value in defaults.items():
                assert row.get(column, "<no such column>") == value, (table, row.get("id", row.get("user_id")), column)
    tasks = rows_by_key(at_head["google_video_tasks"])
    assert {i: (t["storage_backend"], t["cloud_upload_status"]) for i, t in tasks.items()} == {
        "gvt_success_0001": ("local", "uploaded"),  # had a video_path
        "gvt_failure_0002": (None, "pending"),
        "gvt_running_0003": (None, "pending"),
    }


def test_every_later_column_is_checked_here(report):
    """A column a new migration adds must get its promise stated above (or its backfill goes unchecked)."""
    for table, rows in report["rows_at_head"].items():
        seeded = {RENAMED.get(c, c) for c in SEED[table][0]}
        stated = seeded | set(LATER_DEFAULTS[table]) | (TASK_DATA_STEP if table == "google_video_tasks" else set())
        unchecked = set(rows[0]) - stated - {"id"}
        assert not unchecked, f"{table}: no expected value for {sorted(unchecked)}"


def test_models_read_and_write_the_migrated_tables(report):
    assert report["orm_error"] is None
    orm = report["orm"]
    assert orm["loaded"] == {**{t: len(rows) for t, rows in SEED.items()},
                             "google_video_attempts": 0, "google_video_audit": 0}
    assert orm["new_credit_id"] > orm["old_max_credit_id"]  # the id sequence survived the upgrade
    assert orm["new_task"] == {"provider": "relay", "operation": "generate", "chat_delivery_attempts": 0,
                               "cloud_upload_status": "pending", "parameters": {"duration": 8}}
    assert report["ledger_error_after_orm"] is None


def test_migrated_schema_matches_the_models(report):
    # Types, nullability, tables, columns, indexes and unique constraints, as alembic check does
    # (server defaults are not compared, as in env.py: the migrations keep theirs for backfilling
    # while the models set Python-side defaults, which is intended).
    assert report["schema_diffs_at_head"] == []
    # The same comparison at gv0001 does see the missing columns: it is not vacuous.
    assert any("google_video_config.host_link_enabled" in d for d in report["schema_diffs_at_first"])
    assert any("google_video_tasks.relay_status" in d for d in report["schema_diffs_at_first"])


def test_downgrade_to_base_then_upgrade_again(report):
    assert report["revision_after_downgrade"] is None
    # Alembic keeps its version table (emptied) after downgrading to base; the module's own are gone.
    assert report["module_tables_after_downgrade"] == [VERSION_TABLE]
    assert report["version_rows_after_downgrade"] == 0
    host = report["host_before"]
    assert host and "alembic_version" in host  # the host's own tables were there all along
    assert report["host_at_head"] == host
    assert report["host_after_downgrade"] == host
    assert report["host_after_reupgrade"] == host
    assert report["revision_after_reupgrade"] == report["script_head"]
    assert report["module_tables_after_reupgrade"] == report["module_tables_at_head"]
    assert report["schema_diffs_after_reupgrade"] == []
