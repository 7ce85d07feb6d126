"""Walks the module's migration chain on one database, as an operator's upgrade would, and writes
what it found to a JSON report; test_migrations.py judges it.

Usage: python tests/migration_probe.py REPORT_PATH [DATABASE_URL]
(no DATABASE_URL: the host's own webui.db in DATA_DIR). A fresh process per database, because the
host binds its engine to DATABASE_URL at import time. Steps: host migrations (a live host) ->
module at gv0001 -> rows written with gv0001's schema in plain SQL -> module head -> read back,
ORM round trip, autogenerate comparison with the models -> downgrade to base -> head again.
It asserts nothing itself, so one run reports every difference at once.
"""

import json
import logging
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULE_PREFIX = "google_video_"
VERSION_TABLE = "google_video_alembic_version"  # as in migrations/google_video/env.py

USER_A = "3f6c2a0e-5b1d-4c1e-9a57-0c2d7e1b9a01"
USER_B = "9b0e4d7f-2c3a-4f5e-8d61-7a8b9c0d1e02"
ADMIN = "1a2b3c4d-0000-4000-8000-00000000ad01"
T0 = 1_764_000_000  # epoch seconds, as the module stores them

# A live install at gv0001, written with that revision's schema only. Values differ from the
# model defaults where they can, so a value that survives is told apart from a default.
SEED = {
    "google_video_config": [{
        "id": 1, "enabled": True, "base_url": "https://relay.example.com/v1", "api_key": "sk-relay-legacy-0001",
        "default_text_model": "veo3-fast", "default_image_model": "veo3-pro-frames", "default_enhance_prompt": True,
        "model_credits_config": {"veo3": 100, "veo3-fast": 20}, "disabled_models": ["veo3-pro"],
        "max_concurrent_tasks": 2, "task_timeout_seconds": 1200, "poll_interval_seconds": 7,
        "relay_max_requests_per_second": 15, "updated_at": T0, "updated_by": ADMIN,
    }],
    "google_video_tasks": [
        {  # finished, our copy on local disk
            "id": "gvt_success_0001", "user_id": USER_A, "external_task_id": "relay-task-123",
            "task_type": "text_to_video", "status": "SUCCESS", "relay_status": "SUCCESS", "model": "veo3",
            "prompt": "A lighthouse at dusk, waves crashing — 海浪 'quoted'", "enhance_prompt": True,
            "aspect_ratio": "16:9", "input_images": None, "progress": 100, "submit_time": T0 + 1,
            "start_time": T0 + 5, "finish_time": T0 + 90, "video_url": "https://relay.example.com/v/123.mp4",
            "video_path": f"videos/{USER_A}/gvt_success_0001.mp4", "video_size": 1_048_576,
            "video_duration": 8000, "cloud_upload_status": "pending", "cloud_video_url": None, "fail_reason": None,
            "credits_cost": 100, "credits_refunded": 0, "idempotency_key": "client-key-0001",
            "next_poll_at": T0 + 90, "deadline_at": T0 + 1200, "lease_owner": None, "lease_until": None,
            "poll_count": 12, "error_streak": 0, "created_at": T0, "updated_at": T0 + 95, "completed_at": T0 + 95,
        },
        {  # failed and refunded
            "id": "gvt_failure_0002", "user_id": USER_A, "external_task_id": "relay-task-124",
            "task_type": "image_to_video", "status": "FAILURE", "relay_status": "FAILED", "model": "veo3-fast",
            "prompt": "Animate this photo", "enhance_prompt": False, "aspect_ratio": "9:16",
            "input_images": ["upl_0001"], "progress": 0, "submit_time": T0 + 101, "start_time": None,
            "finish_time": None, "video_url": None, "video_path": None, "video_size": None, "video_duration": None,
            "cloud_upload_status": "pending", "cloud_video_url": None, "fail_reason": "content policy violation",
            "credits_cost": 20, "credits_refunded": 20, "idempotency_key": None,
            "next_poll_at": T0 + 130, "deadline_at": T0 + 1300, "lease_owner": None, "lease_until": None,
            "poll_count": 3, "error_streak": 1, "created_at": T0 + 100, "updated_at": T0 + 130,
            "completed_at": T0 + 130,
        },
        {  # still running, leased by a worker when the operator stopped the old version
            "id": "gvt_running_0003", "user_id": USER_A, "external_task_id": "relay-task-125",
            "task_type": "text_to_video", "status": "IN_PROGRESS", "relay_status": "RUNNING", "model": "veo3",
            "prompt": "A fox in the snow", "enhance_prompt": False, "aspect_ratio": None, "input_images": None,
            "progress": 40, "submit_time": T0 + 201, "start_time": T0 + 210, "finish_time": None,
            "video_url": None, "video_path": None, "video_size": None, "video_duration": None,
            "cloud_upload_status": "pending", "cloud_video_url": None, "fail_reason": None,
            "credits_cost": 100, "credits_refunded": 0, "idempotency_key": "client-key-0003",
            "next_poll_at": T0 + 260, "deadline_at": T0 + 1400, "lease_owner": "worker-old-1",
            "lease_until": T0 + 290, "poll_count": 5, "error_streak": 0, "created_at": T0 + 200,
            "updated_at": T0 + 255, "completed_at": None,
        },
    ],
    "google_video_balances": [
        {"user_id": USER_A, "balance": 300, "active_tasks": 1, "updated_at": T0 + 200},
        {"user_id": USER_B, "balance": 50, "active_tasks": 0, "updated_at": T0 + 60},
    ],
    # Ids left to the database, as the module writes them: a row added after the upgrade must get
    # the next one. Per user: balance == sum(amount), and `balance` is the running total.
    "google_video_credits": [
        {"user_id": USER_A, "amount": 500, "balance": 500, "kind": "grant", "reason": "welcome",
         "task_id": None, "actor_id": ADMIN, "created_at": T0 - 10},
        {"user_id": USER_B, "amount": 80, "balance": 80, "kind": "grant", "reason": "trial",
         "task_id": None, "actor_id": ADMIN, "created_at": T0 - 5},
        {"user_id": USER_A, "amount": -100, "balance": 400, "kind": "charge", "reason": "veo3",
         "task_id": "gvt_success_0001", "actor_id": None, "created_at": T0},
        {"user_id": USER_B, "amount": -30, "balance": 50, "kind": "deduct", "reason": "correction",
         "task_id": None, "actor_id": ADMIN, "created_at": T0 + 60},
        {"user_id": USER_A, "amount": -20, "balance": 380, "kind": "charge", "reason": "veo3-fast",
         "task_id": "gvt_failure_0002", "actor_id": None, "created_at": T0 + 100},
        {"user_id": USER_A, "amount": 20, "balance": 400, "kind": "refund", "reason": "content policy violation",
         "task_id": "gvt_failure_0002", "actor_id": None, "created_at": T0 + 130},
        {"user_id": USER_A, "amount": -100, "balance": 300, "kind": "charge", "reason": "veo3",
         "task_id": "gvt_running_0003", "actor_id": None, "created_at": T0 + 200},
    ],
    "google_video_uploads": [
        {"id": "upl_0001", "user_id": USER_A, "storage_key": f"uploads/{USER_A}/upl_0001.png",
         "mime_type": "image/png", "size": 204_800, "width": 1280, "height": 720, "created_at": T0 + 90},
    ],
}
JSON_SEED_COLUMNS = {"model_credits_config", "disabled_models", "input_images"}  # sa.JSON in gv0001

log = logging.getLogger("migration_probe")


def main(report_path: str, database_url: str = "") -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="gv-migrations-"))
    os.environ.setdefault("WEBUI_SECRET_KEY", "migration-probe-" + "x" * 32)
    os.environ.setdefault("FROM_INIT_PY", "true")  # as the loader runs the host
    sys.path[:0] = [str(ROOT / "backend"), str(ROOT / "tests")]
    from google_video_bootstrap import MODULE_ROOT, extend_package_path

    extend_package_path()
    report: dict = {"timings": {}}
    clock = time.monotonic()

    def lap(name: str) -> None:
        nonlocal clock
        report["timings"][name] = round(time.monotonic() - clock, 2)
        clock = time.monotonic()

    import sqlalchemy as sa
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config as AlembicConfig
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    import open_webui.config  # noqa: F401  (runs the host's own migrations: a live host's tables)
    from open_webui.internal.db import engine
    from open_webui.models import google_video as models

    lap("host_import")
    report["dialect"] = engine.dialect.name
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MODULE_ROOT / "migrations" / "google_video"))
    report["script_head"] = ScriptDirectory.from_config(cfg).get_current_head()

    def current_revision():
        with engine.connect() as conn:
            return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()

    def table_names() -> list[str]:
        with engine.connect() as conn:
            return sorted(sa.inspect(conn).get_table_names())

    def host_snapshot() -> dict:
        """The host's tables: columns and row counts (the module must leave them alone)."""
        snap = {}
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            for name in inspector.get_table_names():
                if not name.startswith(MODULE_PREFIX):
                    columns = [c["name"] for c in inspector.get_columns(name)]
                    count = conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar()
                    snap[name] = {"columns": columns, "rows": count}
            if "alembic_version" in snap:
                versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
                snap["alembic_version"]["version"] = versions
        return snap

    def module_tables() -> list[str]:
        return [t for t in table_names() if t.startswith(MODULE_PREFIX)]

    def schema_diffs() -> list[str]:
        def ours(name):
            return (name or "").startswith(MODULE_PREFIX)

        # Base is the host's: keep only the module's tables on both sides, as env.py does.
        opts = {
            "include_name": lambda name, type_, parents: type_ != "table" or ours(name),
            "include_object": lambda obj, name, type_, reflected, compare_to: (
                ours(obj.name) if type_ == "table" else ours(obj.table.name)),
            "version_table": VERSION_TABLE,
            "compare_type": True,
        }
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn, opts=opts), models.Base.metadata)
        return [describe_diff(d) for d in diffs]

    def run_steps() -> None:
        report["host_before"] = host_snapshot()

        # 1. An install that ran gv0001 only, with its rows.
        report["step"] = "upgrade to gv0001 and write its rows"
        command.upgrade(cfg, "gv0001")
        report["revision_after_first"] = current_revision()
        report["module_tables_at_first"] = module_tables()
        # Not empty at gv0001 (later columns are missing): shows the comparison below really compares.
        report["schema_diffs_at_first"] = schema_diffs()
        with engine.begin() as conn:
            json_cast = "CAST({} AS JSON)" if engine.dialect.name == "postgresql" else "{}"
            for table, rows in SEED.items():
                for row in rows:
                    values = ", ".join(json_cast.format(f":{c}") if c in JSON_SEED_COLUMNS else f":{c}" for c in row)
                    params = {c: json.dumps(v) if c in JSON_SEED_COLUMNS and v is not None else v
                              for c, v in row.items()}
                    conn.execute(sa.text(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({values})"), params)
        lap("gv0001_and_seed")

        # 2. The operator upgrades to head.
        report["step"] = "upgrade gv0001 -> head"
        command.upgrade(cfg, "head")
        report["revision_after_head"] = current_revision()
        report["module_tables_at_head"] = module_tables()
        lap("upgrade_head")
        report["step"] = "checks at head"
        report["rows_at_head"] = read_rows(engine, models.Base.metadata, sa)
        report["ledger_error"] = ledger_error(engine, sa)
        report["schema_diffs_at_head"] = schema_diffs()
        try:  # fails when the schema lacks what a model maps: go on, so the rest is reported too
            report["orm"], report["orm_error"] = orm_round_trip(engine, models, sa), None
        except Exception as e:
            log.exception("the models could not use the migrated tables")
            report["orm_error"] = repr(e)[:2000]
        report["ledger_error_after_orm"] = ledger_error(engine, sa)
        report["host_at_head"] = host_snapshot()
        lap("checks_at_head")

        # 3. Back to base: the module's tables go, the host's stay as they were.
        report["step"] = "downgrade head -> base"
        command.downgrade(cfg, "base")
        report["revision_after_downgrade"] = current_revision()
        report["module_tables_after_downgrade"] = module_tables()
        if VERSION_TABLE in report["module_tables_after_downgrade"]:
            with engine.connect() as conn:
                rows = conn.execute(sa.text(f"SELECT * FROM {VERSION_TABLE}")).all()
                report["version_rows_after_downgrade"] = len(rows)
        report["host_after_downgrade"] = host_snapshot()
        lap("downgrade_base")

        # 4. And up again on the emptied database.
        report["step"] = "upgrade base -> head again"
        command.upgrade(cfg, "head")
        report["revision_after_reupgrade"] = current_revision()
        report["module_tables_after_reupgrade"] = module_tables()
        report["schema_diffs_after_reupgrade"] = schema_diffs()
        report["host_after_reupgrade"] = host_snapshot()
        lap("reupgrade")
        report["step"] = None

    # A step that raises ends the run, but what the earlier steps found is still reported.
    try:
        run_steps()
        report["step_error"] = None
    except Exception:
        log.exception("migration probe stopped at: %s", report.get("step"))
        report["step_error"] = traceback.format_exc()[-3000:]

    Path(report_path).write_text(json.dumps(report, indent=1, sort_keys=True, default=str))
    log.info("migration probe on %s done: %s", report["dialect"], report["timings"])
    if report["step_error"]:
        sys.exit(1)


def describe_diff(diff) -> str:
    """One line per autogenerate difference, enough to find it in a migration or the model."""
    if isinstance(diff, list):  # modify_* on one column: (op, schema, table, column, info, old, new)
        return "; ".join(f"{op} {table}.{column}: {old!r} -> {new!r}" for op, _s, table, column, _i, old, new in diff)
    op, *rest = diff
    parts = []
    for item in rest:
        if hasattr(item, "table") and hasattr(item, "name") and item.table is not None:
            columns = getattr(item, "columns", None)
            names = [c.name for c in columns] if columns is not None and not hasattr(item, "type") else None
            parts.append(f"{item.table.name}.{item.name}" + (f"({', '.join(names)})" if names else "")
                         + (f" {item.type!r} nullable={item.nullable}" if hasattr(item, "type") else ""))
        elif hasattr(item, "name"):
            parts.append(str(item.name))
        elif isinstance(item, str):
            parts.append(item)
        elif item is not None:
            parts.append(repr(item))
    return f"{op} " + " ".join(parts)


def read_rows(engine, metadata, sa) -> dict:
    """Every module row, JSON columns parsed and booleans as booleans on both dialects."""
    out = {}
    with engine.connect() as conn:
        for table in SEED:
            kinds = {c.name: c.type for c in metadata.tables[table].columns}
            order = "id" if "id" in kinds else "user_id"
            rows = conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY {order}")).mappings().all()
            out[table] = [{c: normalise(v, kinds.get(c), sa) for c, v in row.items()} for row in rows]
    return out


def normalise(value, type_, sa):
    if value is None or type_ is None:
        return value
    if isinstance(type_, sa.JSON) and isinstance(value, str):
        return json.loads(value)
    if isinstance(type_, sa.Boolean):
        return bool(value)
    return value


def ledger_error(engine, sa):
    from ledger_invariants import check_ledger

    try:
        with engine.connect() as conn:
            check_ledger(lambda sql: conn.execute(sa.text(sql)).all())
    except AssertionError as e:
        return f"ledger does not add up: {e!r}"
    return None


def orm_round_trip(engine, models, sa) -> dict:
    """The models read every migrated row and write new ones: a ledger entry (its id must follow
    the old ones) and a task with only what the submit path sets (the rest from model defaults)."""
    from sqlalchemy.orm import Session

    result = {"loaded": {}}
    with Session(engine) as session:
        for cls in (models.GoogleVideoConfig, models.GoogleVideoTask, models.GoogleVideoBalance,
                    models.GoogleVideoCredit, models.GoogleVideoUpload, models.GoogleVideoAttempt,
                    models.GoogleVideoAudit):
            result["loaded"][cls.__tablename__] = len(session.execute(sa.select(cls)).scalars().all())
        old_max = session.execute(sa.select(sa.func.max(models.GoogleVideoCredit.id))).scalar()
        balance = session.get(models.GoogleVideoBalance, USER_B)
        balance.balance += 10
        entry = models.GoogleVideoCredit(user_id=USER_B, amount=10, balance=balance.balance, kind="grant",
                                         reason="after upgrade", actor_id=ADMIN, idempotency_key="after-upgrade-1",
                                         created_at=T0 + 999)
        session.add(entry)
        session.add(models.GoogleVideoTask(
            id="gvt_new_0004", user_id=USER_B, task_type="text_to_video", status="FAILURE", model="veo3",
            prompt="after upgrade", credits_cost=0, next_poll_at=T0 + 999, deadline_at=T0 + 2000,
            created_at=T0 + 999, updated_at=T0 + 999, parameters={"duration": 8}))
        session.add(models.GoogleVideoCredit(user_id=USER_B, amount=0, balance=balance.balance, kind="charge",
                                             reason="veo3", task_id="gvt_new_0004", created_at=T0 + 999))
        session.commit()
        result["old_max_credit_id"] = old_max
        result["new_credit_id"] = entry.id
        task = session.get(models.GoogleVideoTask, "gvt_new_0004")
        result["new_task"] = {c: getattr(task, c) for c in (
            "provider", "operation", "chat_delivery_attempts", "cloud_upload_status", "parameters")}
    return result


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    main(*sys.argv[1:])
