"""Google Video tables and their Pydantic twins.

Timestamps are epoch seconds, like the host's `user` and `file` tables. Credits are integers.
The balance row and the ledger always change in the same transaction (see
utils/google_video/credits.py), so balance == sum(ledger.amount) for every user.
"""

import logging
import math
import time
from typing import Any, Mapping, Optional

from pydantic import BaseModel, ConfigDict, PrivateAttr
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from open_webui.internal.db import Base, get_async_db, get_async_db_context
from open_webui.utils.google_video.guards import secret_box
from open_webui.utils.google_video.providers import catalog
from open_webui.utils.google_video.db_retry import retry_when_database_busy
from open_webui.utils.google_video.providers import PROVIDERS
from open_webui.utils.google_video.task_status import TaskStatus

UNFINISHED_STATUSES = (TaskStatus.SUBMITTING, TaskStatus.NOT_START, TaskStatus.SUBMITTED, TaskStatus.QUEUED,
                       TaskStatus.IN_PROGRESS)
TERMINAL_STATUSES = (TaskStatus.SUCCESS, TaskStatus.FAILURE, TaskStatus.CANCELLED)
SECRET_CONFIG_FIELDS = ("api_key", "cos_secret_key", "s3_secret_access_key")  # encrypted, never returned

log = logging.getLogger(__name__)


def now() -> int:
    return int(time.time())


def due_in(seconds: float) -> int:
    """The first whole second at least `seconds` from now (rounding down could poll early)."""
    return math.ceil(time.time() + seconds)


####################
# Tables
####################


class GoogleVideoConfig(Base):
    __tablename__ = "google_video_config"

    id = Column(Integer, primary_key=True)  # always 1: a single row
    enabled = Column(Boolean, nullable=False, default=False)
    base_url = Column(Text, nullable=False, default="")
    api_key = Column(Text, nullable=False, default="")
    default_text_model = Column(String(100), nullable=False, default=catalog.DEFAULT_TEXT_MODEL)
    default_image_model = Column(String(100), nullable=False, default=catalog.DEFAULT_IMAGE_MODEL)
    default_enhance_prompt = Column(Boolean, nullable=False, default=False)
    model_credits_config = Column(JSON, nullable=False, default=dict)
    model_pricing = Column(JSON, nullable=False, default=dict)  # per-second and per-resolution additions
    extra_parameters = Column(JSON, nullable=False, default=dict)  # provider -> allowed `extra` keys
    provider_settings = Column(JSON, nullable=False, default=dict)  # provider -> {setting: value}; secrets encrypted
    custom_models = Column(JSON, nullable=False, default=list)  # the admin's model entries (catalog.custom_model)
    chat_enabled = Column(Boolean, nullable=False, default=False)  # the chat tool and action are installed
    chat_tool_models = Column(JSON, nullable=False, default=list)  # host model ids with the tool on by default
    host_link_enabled = Column(Boolean, nullable=False, default=False)  # a host banner links to the page
    welcome_credits = Column(Integer, nullable=False, default=0)  # granted once to each user on first use
    credit_allowances = Column(JSON, nullable=False, default=list)  # periodic grants (credit_policies.py)
    disabled_models = Column(JSON, nullable=False, default=list)
    max_concurrent_tasks = Column(Integer, nullable=False, default=3)
    task_timeout_seconds = Column(Integer, nullable=False, default=1800)
    poll_interval_seconds = Column(Integer, nullable=False, default=5)
    relay_max_requests_per_second = Column(Integer, nullable=False, default=20)
    submits_per_minute = Column(Integer, nullable=False, default=10)  # per user; 0 = no limit
    uploads_per_minute = Column(Integer, nullable=False, default=30)
    blocked_words = Column(JSON, nullable=False, default=list)
    storage_backend = Column(String(10), nullable=False, default="local")  # local | cos | s3
    storage_prefix = Column(Text, nullable=False, default="")
    cos_region = Column(Text, nullable=False, default="")
    cos_bucket = Column(Text, nullable=False, default="")
    cos_secret_id = Column(Text, nullable=False, default="")
    cos_secret_key = Column(Text, nullable=False, default="")
    cos_domain = Column(Text, nullable=False, default="")
    cos_endpoint = Column(Text, nullable=False, default="")
    s3_endpoint_url = Column(Text, nullable=False, default="")
    s3_region = Column(Text, nullable=False, default="")
    s3_bucket = Column(Text, nullable=False, default="")
    s3_access_key_id = Column(Text, nullable=False, default="")
    s3_secret_access_key = Column(Text, nullable=False, default="")
    max_video_mb = Column(Integer, nullable=False, default=500)
    retention_days = Column(Integer, nullable=False, default=0)  # 0 keeps videos forever
    signed_url_seconds = Column(Integer, nullable=False, default=600)
    updated_at = Column(BigInteger, nullable=False)
    updated_by = Column(Text, nullable=True)


class GoogleVideoTask(Base):
    __tablename__ = "google_video_tasks"

    id = Column(String(64), primary_key=True)
    user_id = Column(String(255), nullable=False)
    external_task_id = Column(String(255), nullable=True)
    task_type = Column(String(20), nullable=False)  # text_to_video | image_to_video
    provider = Column(String(50), nullable=False, default="relay")  # providers registry name
    status = Column(String(20), nullable=False)  # a TaskStatus
    provider_status = Column(String(50), nullable=True)  # the provider's own word, for diagnosis
    model = Column(String(100), nullable=False)
    prompt = Column(Text, nullable=False)
    enhance_prompt = Column(Boolean, nullable=False, default=False)
    aspect_ratio = Column(String(10), nullable=True)
    input_images = Column(JSON, nullable=True)  # references: upload ids or http(s) URLs
    parameters = Column(JSON, nullable=True)  # the unified parameters given (duration, resolution, seed, ...)
    progress = Column(Integer, nullable=False, default=0)
    submit_time = Column(BigInteger, nullable=True)  # the relay's clock
    start_time = Column(BigInteger, nullable=True)
    finish_time = Column(BigInteger, nullable=True)
    video_url = Column(Text, nullable=True)  # the provider's result URL when a browser may use it (the relay's)
    result_ref = Column(Text, nullable=True)  # the provider's reference to the result (may need its key to fetch)
    poster_path = Column(Text, nullable=True)  # storage key of the poster image, when the provider gives one
    source_task_id = Column(String(64), nullable=True)  # the task a remix or extension derives from
    operation = Column(String(20), nullable=False, default="generate")  # generate | remix | extend
    # A task started from a chat is written into its message once it ends (chat/delivery.py).
    chat_id = Column(String(255), nullable=True)
    chat_message_id = Column(String(255), nullable=True)
    chat_delivery = Column(String(20), nullable=True)  # pending | delivered | gone | failed
    chat_delivery_at = Column(BigInteger, nullable=True)  # next attempt
    chat_delivery_attempts = Column(Integer, nullable=False, default=0)
    video_path = Column(Text, nullable=True)  # storage key of our copy
    video_size = Column(BigInteger, nullable=True)
    video_duration = Column(Integer, nullable=True)  # milliseconds
    video_sha256 = Column(String(64), nullable=True)
    storage_backend = Column(String(10), nullable=True)  # where video_path lives
    # pending (copy not done yet; retried while the task is SUCCESS) | uploaded | failed | expired
    cloud_upload_status = Column(String(20), nullable=False, default="pending")
    cloud_video_url = Column(Text, nullable=True)
    fail_reason = Column(Text, nullable=True)
    credits_cost = Column(BigInteger, nullable=False)
    credits_refunded = Column(BigInteger, nullable=False, default=0)
    idempotency_key = Column(String(128), nullable=True)  # client's key: a repeated submit returns this task
    request_fingerprint = Column(String(64), nullable=True)  # sha256 of the normalised request, for key reuse checks
    # Scheduling: the poller leases a due task so exactly one worker polls it at a time.
    next_poll_at = Column(BigInteger, nullable=False)
    deadline_at = Column(BigInteger, nullable=False)
    lease_owner = Column(String(64), nullable=True)
    lease_until = Column(BigInteger, nullable=True)
    poll_count = Column(Integer, nullable=False, default=0)
    error_streak = Column(Integer, nullable=False, default=0)
    created_at = Column(BigInteger, nullable=False)
    updated_at = Column(BigInteger, nullable=False)
    completed_at = Column(BigInteger, nullable=True)

    __table_args__ = (
        Index("ix_google_video_tasks_user_id", "user_id", "id"),
        Index("ix_google_video_tasks_user_created", "user_id", "created_at"),
        Index("ix_google_video_tasks_retention", "status", "completed_at"),
        Index("ix_google_video_tasks_due", "status", "next_poll_at"),
        Index("ix_google_video_tasks_chat_delivery", "chat_delivery", "chat_delivery_at"),
        UniqueConstraint("user_id", "idempotency_key", name="uq_google_video_tasks_idempotency"),
    )


class GoogleVideoBalance(Base):
    __tablename__ = "google_video_balances"

    user_id = Column(String(255), primary_key=True)
    balance = Column(BigInteger, nullable=False, default=0)
    # Unfinished tasks of this user; changes with the task state in one transaction so the
    # concurrency cap is enforced by the same conditional update that reserves credits.
    active_tasks = Column(Integer, nullable=False, default=0)
    updated_at = Column(BigInteger, nullable=False)

    __table_args__ = (
        CheckConstraint("balance >= 0", name="ck_google_video_balance_non_negative"),
        CheckConstraint("active_tasks >= 0", name="ck_google_video_active_non_negative"),
    )


class GoogleVideoCredit(Base):
    """Append-only ledger. One charge and at most one refund per task (unique constraint)."""

    __tablename__ = "google_video_credits"

    id = Column(Integer, primary_key=True, autoincrement=True)  # gives the ledger a total order
    user_id = Column(String(255), nullable=False)
    amount = Column(BigInteger, nullable=False)  # negative = spent
    balance = Column(BigInteger, nullable=False)  # balance after this entry
    kind = Column(String(20), nullable=False)  # charge | refund | grant | deduct
    reason = Column(Text, nullable=False)
    task_id = Column(String(64), nullable=True)
    actor_id = Column(String(255), nullable=True)  # admin who adjusted
    idempotency_key = Column(String(128), nullable=True)  # admin's key: a retried adjustment applies once
    created_at = Column(BigInteger, nullable=False)

    __table_args__ = (
        UniqueConstraint("task_id", "kind", name="uq_google_video_credits_task_kind"),
        UniqueConstraint("idempotency_key", name="uq_google_video_credits_idempotency"),
        Index("ix_google_video_credits_user_created", "user_id", "created_at"),
    )


class GoogleVideoUpload(Base):
    __tablename__ = "google_video_uploads"

    id = Column(String(64), primary_key=True)
    user_id = Column(String(255), nullable=False)
    storage_key = Column(Text, nullable=False)
    storage_backend = Column(String(10), nullable=False, default="local")
    mime_type = Column(String(50), nullable=False)
    size = Column(BigInteger, nullable=False)
    width = Column(Integer, nullable=False)
    height = Column(Integer, nullable=False)
    created_at = Column(BigInteger, nullable=False)

    __table_args__ = (Index("ix_google_video_uploads_user", "user_id", "created_at"),)


class GoogleVideoAttempt(Base):
    """One row per rate-limited request that was admitted; deleting tasks or uploads leaves them."""

    __tablename__ = "google_video_attempts"

    id = Column(Integer, primary_key=True, autoincrement=True)
    user_id = Column(String(255), nullable=False)
    kind = Column(String(20), nullable=False)  # submit | upload
    created_at = Column(BigInteger, nullable=False)

    __table_args__ = (Index("ix_google_video_attempts_user_kind", "user_id", "kind", "created_at"),)


class GoogleVideoAudit(Base):
    """Append-only record of admin changes and refused requests."""

    __tablename__ = "google_video_audit"

    id = Column(Integer, primary_key=True, autoincrement=True)
    actor_id = Column(String(255), nullable=False)
    action = Column(String(50), nullable=False)  # config.update | credits.adjust | prompt.refused
    target_user_id = Column(String(255), nullable=True)
    detail = Column(JSON, nullable=False, default=dict)
    created_at = Column(BigInteger, nullable=False)

    __table_args__ = (Index("ix_google_video_audit_action", "action", "id"),)


####################
# Pydantic models
####################


class GoogleVideoConfigModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    enabled: bool = False
    base_url: str = ""
    api_key: str = ""
    default_text_model: str = catalog.DEFAULT_TEXT_MODEL
    default_image_model: str = catalog.DEFAULT_IMAGE_MODEL
    default_enhance_prompt: bool = False
    model_credits_config: dict[str, int] = {}
    model_pricing: dict[str, dict] = {}
    extra_parameters: dict[str, list[str]] = {}
    provider_settings: dict[str, dict[str, str]] = {}  # secrets decrypted here; encrypted in the table
    custom_models: list[dict] = []
    chat_enabled: bool = False
    chat_tool_models: list[str] = []
    host_link_enabled: bool = False
    welcome_credits: int = 0
    credit_allowances: list[dict] = []
    disabled_models: list[str] = []
    max_concurrent_tasks: int = 3
    task_timeout_seconds: int = 1800
    poll_interval_seconds: int = 5
    relay_max_requests_per_second: int = 20
    submits_per_minute: int = 10
    uploads_per_minute: int = 30
    blocked_words: list[str] = []
    storage_backend: str = "local"
    storage_prefix: str = ""
    cos_region: str = ""
    cos_bucket: str = ""
    cos_secret_id: str = ""
    cos_secret_key: str = ""
    cos_domain: str = ""
    cos_endpoint: str = ""
    s3_endpoint_url: str = ""
    s3_region: str = ""
    s3_bucket: str = ""
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    max_video_mb: int = 500
    retention_days: int = 0
    signed_url_seconds: int = 600
    updated_at: int = 0
    updated_by: Optional[str] = None
    # (the custom_models list it was looked up for, the catalogue): a request prices every model,
    # so the catalogue is looked up once per config, not per model. Keyed on the list's identity:
    # model_copy(update={"custom_models": ...}) brings a new list and so a new lookup.
    _catalogue: Optional[tuple[list, Mapping[str, "catalog.VideoModel"]]] = PrivateAttr(default=None)

    def price_of(self, model_id: str) -> int:
        if model_id in self.model_credits_config:
            return int(self.model_credits_config[model_id])
        model = self.model(model_id)
        return model.default_price if model else 0

    def models(self) -> Mapping[str, "catalog.VideoModel"]:
        """Every model this server offers: the providers' declared ones with the admin's entries applied."""
        memo = self._catalogue
        if memo is None or memo[0] is not self.custom_models:
            memo = self._catalogue = (self.custom_models, catalog.models(self.custom_models))
        return memo[1]

    def model(self, model_id: str) -> Optional["catalog.VideoModel"]:
        return self.models().get(model_id)

    @property
    def configured(self) -> bool:
        """At least one provider has its settings."""
        return any(p.configured(self) for p in PROVIDERS.values())


class GoogleVideoTaskModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    user_id: str
    external_task_id: Optional[str] = None
    task_type: str
    provider: str = "relay"
    status: str
    provider_status: Optional[str] = None
    model: str
    prompt: str
    enhance_prompt: bool
    aspect_ratio: Optional[str] = None
    input_images: Optional[list[str]] = None
    parameters: Optional[dict] = None
    progress: int
    submit_time: Optional[int] = None
    start_time: Optional[int] = None
    finish_time: Optional[int] = None
    video_url: Optional[str] = None
    result_ref: Optional[str] = None
    poster_path: Optional[str] = None
    source_task_id: Optional[str] = None
    operation: str = "generate"
    chat_id: Optional[str] = None
    chat_message_id: Optional[str] = None
    chat_delivery: Optional[str] = None
    chat_delivery_at: Optional[int] = None
    chat_delivery_attempts: int = 0
    video_path: Optional[str] = None
    video_size: Optional[int] = None
    video_duration: Optional[int] = None
    video_sha256: Optional[str] = None
    storage_backend: Optional[str] = None
    cloud_upload_status: str
    cloud_video_url: Optional[str] = None
    fail_reason: Optional[str] = None
    credits_cost: int
    credits_refunded: int
    idempotency_key: Optional[str] = None
    request_fingerprint: Optional[str] = None
    next_poll_at: int
    deadline_at: int
    poll_count: int
    error_streak: int
    created_at: int
    updated_at: int
    completed_at: Optional[int] = None

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL_STATUSES

    def public_dict(self) -> dict[str, Any]:
        """What the task's owner sees: no scheduling internals."""
        return {
            "id": self.id,
            "user_id": self.user_id,
            "external_task_id": self.external_task_id,
            "task_type": self.task_type,
            "provider": self.provider,
            "status": self.status,
            "model": self.model,
            "prompt": self.prompt,
            "enhance_prompt": self.enhance_prompt,
            "aspect_ratio": self.aspect_ratio,
            "input_images": self.input_images or [],
            "parameters": self.parameters or {},
            "progress": f"{self.progress}%",
            "submit_time": self.submit_time,
            "start_time": self.start_time,
            "finish_time": self.finish_time,
            # Our copy when stored; while the copy is pending, the relay's own (expiring) URL.
            "video_url": f"/api/v1/google-video/task/{self.id}/video" if self.video_path
            else (self.video_url if self.status == TaskStatus.SUCCESS and self.cloud_upload_status == "pending" else None),
            # Stored videos always have one: made with the video, or on first request for older ones.
            "poster_url": f"/api/v1/google-video/task/{self.id}/poster" if self.poster_path or self.video_path else None,
            "operation": self.operation,
            "source_task_id": self.source_task_id,
            "chat_id": self.chat_id,
            "chat_delivery": self.chat_delivery,
            "video_size": self.video_size,
            "video_duration": self.video_duration / 1000 if self.video_duration is not None else None,
            "video_sha256": self.video_sha256,
            "fail_reason": self.fail_reason,
            "credits_cost": self.credits_cost,
            "credits_refunded": self.credits_refunded,
            "refunded": self.credits_refunded > 0,
            "idempotency_key": self.idempotency_key,
            "cloud_upload_status": self.cloud_upload_status,
            "cloud_video_url": self.cloud_video_url,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "completed_at": self.completed_at,
        }


class GoogleVideoCreditModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: str
    amount: int
    balance: int
    kind: str
    reason: str
    task_id: Optional[str] = None
    actor_id: Optional[str] = None
    idempotency_key: Optional[str] = None
    created_at: int


class GoogleVideoUploadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    user_id: str
    storage_key: str
    storage_backend: str = "local"
    mime_type: str
    size: int
    width: int
    height: int
    created_at: int


####################
# Tables (singletons)
####################


def in_window(column, since: Optional[int], until: Optional[int]) -> list:
    """Conditions keeping `column` (epoch seconds) in [since, until); either end may be open."""
    return [c for c in (column >= since if since is not None else None, column < until if until is not None else None)
            if c is not None]


async def fetch_page(table, model, conditions, offset: int, limit: int, db: Optional[AsyncSession] = None):
    """Rows newest first (ids grow with time) and the real total for the same filter."""
    async with get_async_db_context(db) as db:
        total = await db.scalar(select(func.count()).select_from(table).where(*conditions))
        rows = await db.scalars(select(table).where(*conditions).order_by(table.id.desc()).offset(offset).limit(limit))
        return [model.model_validate(r) for r in rows.all()], int(total or 0)


def _decrypt(name: str, value: str) -> str:
    try:
        return secret_box.decrypt(value or "")
    except secret_box.SecretUnreadable:
        log.warning("google video: the stored %s cannot be decrypted (WEBUI_SECRET_KEY changed?); enter it again", name)
        return ""


def _is_secret_setting(provider: str, name: str) -> bool:
    return any(s.name == name and s.secret for s in getattr(PROVIDERS.get(provider), "settings", ()))


def _map_provider_secrets(settings: dict, fn) -> dict:
    """`settings` with `fn(label, value)` applied to every secret value."""
    return {p: {k: fn(f"{p}.{k}", v) if _is_secret_setting(p, k) and v else v for k, v in values.items()}
            for p, values in (settings or {}).items()}


def _config_model(row: GoogleVideoConfig) -> GoogleVideoConfigModel:
    values = {c.name: getattr(row, c.name) for c in GoogleVideoConfig.__table__.columns}
    for field in SECRET_CONFIG_FIELDS:
        values[field] = _decrypt(field, values[field])
    values["provider_settings"] = _map_provider_secrets(values.get("provider_settings"), _decrypt)
    return GoogleVideoConfigModel.model_validate(values)


def _changes(before: GoogleVideoConfigModel, after: GoogleVideoConfigModel, fields) -> dict:
    """What a save changed, for the audit log: secrets only as "(changed)"."""
    changed = {}
    for field in fields:
        old, new = getattr(before, field), getattr(after, field)
        if field == "provider_settings":
            for provider in set(old) | set(new):
                for name in set(old.get(provider, {})) | set(new.get(provider, {})):
                    a, b = old.get(provider, {}).get(name, ""), new.get(provider, {}).get(name, "")
                    if a != b:
                        changed[f"{provider}.{name}"] = "(changed)" if _is_secret_setting(provider, name) else {"from": a, "to": b}
        elif old != new:
            changed[field] = "(changed)" if field in SECRET_CONFIG_FIELDS else {"from": old, "to": new}
    return changed


class GoogleVideoConfigTable:
    async def get(self, db: Optional[AsyncSession] = None) -> GoogleVideoConfigModel:
        async with get_async_db_context(db) as db:
            row = await db.get(GoogleVideoConfig, 1)
            if row is None:
                return GoogleVideoConfigModel()
            legacy = [f for f in SECRET_CONFIG_FIELDS if getattr(row, f) and not secret_box.is_encrypted(getattr(row, f))]
            for field in legacy:  # written before encryption existed: encrypt it now
                setattr(row, field, secret_box.encrypt(getattr(row, field)))
            if legacy:
                await db.commit()
            return _config_model(row)

    @retry_when_database_busy
    async def save(self, values: dict[str, Any], updated_by: str) -> GoogleVideoConfigModel:
        """Change the fields in `values` and audit what changed (secrets only as "(changed)"),
        in one transaction."""
        async with get_async_db() as db:
            row = await db.get(GoogleVideoConfig, 1)
            if row is None:
                row = GoogleVideoConfig(id=1, **GoogleVideoConfigModel().model_dump(exclude={"updated_at", "updated_by"}))
                db.add(row)
            before = _config_model(row) if row.updated_at else GoogleVideoConfigModel()
            for key, value in values.items():
                if key in SECRET_CONFIG_FIELDS:
                    value = secret_box.encrypt(value)
                elif key == "provider_settings":
                    value = _map_provider_secrets(value, lambda _, v: secret_box.encrypt(v))
                setattr(row, key, value)
            row.updated_at = now()
            row.updated_by = updated_by
            config = _config_model(row)
            db.add(audit_entry(updated_by, "config.update", {"changed": _changes(before, config, values)}))
            await db.commit()
            return config


class GoogleVideoTaskTable:
    async def get(self, task_id: str, db: Optional[AsyncSession] = None) -> Optional[GoogleVideoTaskModel]:
        async with get_async_db_context(db) as db:
            row = await db.get(GoogleVideoTask, task_id)
            return GoogleVideoTaskModel.model_validate(row) if row else None

    async def list_for_user(
        self,
        user_id: str,
        status: Optional[list[str]] = None,
        offset: int = 0,
        limit: int = 20,
        db: Optional[AsyncSession] = None,
    ) -> tuple[list[GoogleVideoTaskModel], int]:
        """One page, newest first, and the real total for the same filter."""
        conditions = [GoogleVideoTask.user_id == user_id]
        if status:
            conditions.append(GoogleVideoTask.status.in_(status))
        return await fetch_page(GoogleVideoTask, GoogleVideoTaskModel, conditions, offset, limit, db)

    async def gallery(
        self, user_id: str, before: Optional[str], limit: int, query: str = "", statuses: Optional[list[str]] = None,
        model: Optional[str] = None, since: Optional[int] = None, until: Optional[int] = None,
        db: Optional[AsyncSession] = None,
    ) -> list[GoogleVideoTaskModel]:
        """A page of the user's tasks, newest first, after the cursor `before` (a task id: ids sort by
        creation time), so every page costs the same however deep (index on user_id, id)."""
        conditions = [GoogleVideoTask.user_id == user_id]
        if before:
            conditions.append(GoogleVideoTask.id < before)
        if query:
            escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append(GoogleVideoTask.prompt.ilike(f"%{escaped}%", escape="\\"))
        if statuses:
            conditions.append(GoogleVideoTask.status.in_(statuses))
        if model:
            conditions.append(GoogleVideoTask.model == model)
        conditions += in_window(GoogleVideoTask.created_at, since, until)
        async with get_async_db_context(db) as db:
            rows = await db.scalars(select(GoogleVideoTask).where(*conditions)
                                    .order_by(GoogleVideoTask.id.desc()).limit(limit))
            return [GoogleVideoTaskModel.model_validate(r) for r in rows]

    @retry_when_database_busy
    async def delete_finished(self, task_id: str, user_id: str) -> bool:
        async with get_async_db() as db:
            result = await db.execute(
                delete(GoogleVideoTask).where(
                    GoogleVideoTask.id == task_id,
                    GoogleVideoTask.user_id == user_id,
                    GoogleVideoTask.status.in_(TERMINAL_STATUSES),
                )
            )
            await db.commit()
            return result.rowcount == 1

    @retry_when_database_busy
    async def set_poster(self, task_id: str, video_path: str, poster_path: str) -> bool:
        """Record a poster made later for a stored video; False if another request was first (or the video changed)."""
        async with get_async_db() as db:
            result = await db.execute(
                update(GoogleVideoTask)
                .where(GoogleVideoTask.id == task_id, GoogleVideoTask.video_path == video_path,
                       GoogleVideoTask.poster_path.is_(None))
                .values(poster_path=poster_path))
            await db.commit()
            return result.rowcount == 1

    async def due_chat_deliveries(self, at: int, limit: int, db: Optional[AsyncSession] = None) -> list[GoogleVideoTaskModel]:
        """Ended tasks whose chat message still waits for them."""
        async with get_async_db_context(db) as db:
            rows = await db.scalars(
                select(GoogleVideoTask)
                .where(GoogleVideoTask.chat_delivery == "pending", GoogleVideoTask.status.in_(TERMINAL_STATUSES),
                       GoogleVideoTask.chat_delivery_at <= at)
                .order_by(GoogleVideoTask.chat_delivery_at).limit(limit)
            )
            return [GoogleVideoTaskModel.model_validate(r) for r in rows]

    @retry_when_database_busy
    async def record_chat_delivery(self, task_id: str, values: dict[str, Any]) -> None:
        async with get_async_db() as db:
            await db.execute(update(GoogleVideoTask).where(GoogleVideoTask.id == task_id)
                             .values(updated_at=now(), **values))
            await db.commit()

    async def find_by_idempotency_key(
        self, user_id: str, key: str, db: Optional[AsyncSession] = None
    ) -> Optional[GoogleVideoTaskModel]:
        async with get_async_db_context(db) as db:
            row = await db.scalar(
                select(GoogleVideoTask).where(GoogleVideoTask.user_id == user_id, GoogleVideoTask.idempotency_key == key)
            )
            return GoogleVideoTaskModel.model_validate(row) if row else None

    async def stats(self, since: int, db: Optional[AsyncSession] = None) -> dict[str, Any]:
        """Operational view for admins: tasks by state, the oldest unfinished one, storage copies, recent refunds."""
        async with get_async_db_context(db) as db:
            by_status = dict((await db.execute(
                select(GoogleVideoTask.status, func.count()).group_by(GoogleVideoTask.status))).all())
            oldest = await db.scalar(
                select(GoogleVideoTask).where(GoogleVideoTask.status.in_(UNFINISHED_STATUSES))
                .order_by(GoogleVideoTask.created_at, GoogleVideoTask.id).limit(1))
            copies = dict((await db.execute(
                select(GoogleVideoTask.cloud_upload_status, func.count()).where(GoogleVideoTask.status == TaskStatus.SUCCESS)
                .group_by(GoogleVideoTask.cloud_upload_status))).all())
            refunds, refunded = (await db.execute(
                select(func.count(), func.coalesce(func.sum(GoogleVideoCredit.amount), 0))
                .where(GoogleVideoCredit.kind == "refund", GoogleVideoCredit.created_at >= since))).one()
            return {
                "by_status": by_status,
                "unfinished": sum(n for s, n in by_status.items() if s in UNFINISHED_STATUSES),
                "oldest_unfinished": None if oldest is None else {
                    "id": oldest.id, "user_id": oldest.user_id, "status": oldest.status, "model": oldest.model,
                    "created_at": oldest.created_at, "age_seconds": now() - oldest.created_at,
                },
                "stored_videos_by_status": copies,  # pending copies are retried by the poller
                "refunds_since": since,
                "refund_count": int(refunds),
                "refunded_credits": int(refunded),
            }


class GoogleVideoUploadTable:
    @retry_when_database_busy
    async def insert(self, upload: GoogleVideoUploadModel) -> None:
        async with get_async_db() as db:
            db.add(GoogleVideoUpload(**upload.model_dump()))
            await db.commit()

    async def get_for_user(
        self, upload_id: str, user_id: str, db: Optional[AsyncSession] = None
    ) -> Optional[GoogleVideoUploadModel]:
        async with get_async_db_context(db) as db:
            row = await db.get(GoogleVideoUpload, upload_id)
            if row is None or row.user_id != user_id:
                return None
            return GoogleVideoUploadModel.model_validate(row)


class GoogleVideoAuditModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    actor_id: str
    action: str
    target_user_id: Optional[str] = None
    detail: dict
    created_at: int


def audit_entry(actor_id: str, action: str, detail: dict, target_user_id: Optional[str] = None) -> GoogleVideoAudit:
    """An audit row to add in the transaction of the change it records."""
    return GoogleVideoAudit(actor_id=actor_id, action=action, target_user_id=target_user_id, detail=detail, created_at=now())


class GoogleVideoAuditTable:
    @retry_when_database_busy
    async def record(self, actor_id: str, action: str, detail: dict, target_user_id: Optional[str] = None) -> None:
        """An audit entry of its own (a refusal: there is no change to commit it with)."""
        async with get_async_db() as db:
            db.add(audit_entry(actor_id, action, detail, target_user_id))
            await db.commit()

    async def list(
        self, action: Optional[str], offset: int, limit: int, db: Optional[AsyncSession] = None
    ) -> tuple[list[GoogleVideoAuditModel], int]:
        conditions = [GoogleVideoAudit.action == action] if action else []
        return await fetch_page(GoogleVideoAudit, GoogleVideoAuditModel, conditions, offset, limit, db)


GoogleVideoConfigs = GoogleVideoConfigTable()
GoogleVideoTasks = GoogleVideoTaskTable()
GoogleVideoUploads = GoogleVideoUploadTable()
GoogleVideoAudits = GoogleVideoAuditTable()
