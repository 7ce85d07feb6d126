"""HTTP layer of the Google Video module (mounted at /api/v1/google-video). Thin by design: it
checks auth, translates forms and errors, and calls the functions in utils/google_video."""

import logging
from typing import Optional

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile, status
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy.exc import OperationalError

from open_webui.models.google_video import (
    SECRET_CONFIG_FIELDS,
    TERMINAL_STATUSES,
    TaskStatus,
    UNFINISHED_STATUSES,
    GoogleVideoAudits,
    GoogleVideoConfigModel,
    GoogleVideoConfigs,
    GoogleVideoTaskModel,
    GoogleVideoTasks,
    GoogleVideoUploads,
    now,
)
from open_webui.models.users import Users
from open_webui.utils.auth import get_admin_user, get_verified_user
from open_webui.utils.google_video import host_link
from open_webui.utils.google_video.credits import ledger, policies, reports
from open_webui.utils.google_video.guards import rate_limit
from open_webui.utils.google_video.media import images
from open_webui.utils.google_video.providers import catalog
from open_webui.utils.google_video.tasks.cancel import CancelRefused, cancel_task
from open_webui.utils.google_video.chat import plugins as chat_plugins
from open_webui.utils.google_video.api.config_guard import secret_left_behind
from open_webui.utils.google_video.db_retry import is_database_busy
from open_webui.utils.google_video.api.forms import (
    ConfigFields,
    ConnectionTestForm,
    BulkCreditForm,
    CreditAdjustForm,
    DeriveForm,
    ImageToVideoForm,
    QuoteForm,
    TextToVideoForm,
    config_changes,
)
from open_webui.utils.google_video.providers import PROVIDERS, provider_class
from open_webui.utils.google_video.providers.relay import RelayProvider
from open_webui.utils.google_video.api.request_guard import ModuleRoute
from open_webui.utils.google_video.runtime import GoogleVideoRuntime
from open_webui.utils.google_video.storage import VIDEO_MEDIA_TYPES, StorageError, content_type_of
from open_webui.utils.google_video.storage.poster import store_first_frame
from open_webui.utils.google_video.tasks.checks import SubmitError
from open_webui.utils.google_video.tasks.inputs import clean_in_pool, store_clean_image
from open_webui.utils.google_video.tasks.request import VideoRequest
from open_webui.utils.google_video.tasks.submit import quote_request, submit_task

log = logging.getLogger(__name__)
router = APIRouter(route_class=ModuleRoute)

PREFIX = "/api/v1/google-video"

UPLOAD_READ_CHUNK = 256 * 1024
STATUS_FILTERS = {"RUNNING": UNFINISHED_STATUSES, **{s: (s,) for s in UNFINISHED_STATUSES + TERMINAL_STATUSES}}


def body_limit_for(path: str) -> int:
    """Largest request body each endpoint accepts (see utils/google_video/body_limit.py)."""
    if path == "/upload-image":
        return images.MAX_IMAGE_BYTES + 256 * 1024  # one image plus multipart framing
    if path == "/image-to-video":
        return catalog.MAX_IMAGES_PER_TASK * images.MAX_DATA_URI_CHARS + 256 * 1024
    return 1024 * 1024


async def get_module_user(user=Depends(get_verified_user)):
    """A signed-in user, with the credit policies due to them applied (welcome credits, allowances)."""
    await policies.on_use(user.id, await GoogleVideoConfigs.get())
    return user


def get_runtime(request: Request) -> GoogleVideoRuntime:
    runtime = getattr(request.app.state, "google_video_runtime", None)
    if runtime is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "The video module is starting up; try again shortly.")
    return runtime


def _admin_config_view(config: GoogleVideoConfigModel) -> dict:
    view = config.model_dump(exclude=set(SECRET_CONFIG_FIELDS))
    for field in SECRET_CONFIG_FIELDS:
        secret = getattr(config, field)
        view[f"{field}_set"] = bool(secret)
        view[f"{field}_last4"] = secret[-4:] if len(secret) >= 8 else ""
    view["model_credits_config"] = {m: config.price_of(m) for m in config.models()}
    view["provider_settings"] = {provider.name: _settings_view(provider, config) for provider in PROVIDERS.values()
                                 if provider is not RelayProvider}
    return view


def _settings_view(provider, config: GoogleVideoConfigModel) -> dict:
    """A provider's settings as an admin sees them: secrets only as set / last 4 characters."""
    values, view = provider.setting_values(config), {}
    for setting in provider.settings:
        value = values.get(setting.name, "")
        if setting.secret:
            view[f"{setting.name}_set"] = bool(value)
            # The end of a key file is JSON punctuation, not a way to recognise it.
            view[f"{setting.name}_last4"] = value[-4:] if len(value) >= 8 and not setting.multiline else ""
        else:
            view[setting.name] = value
    return view


def _model_views(config: GoogleVideoConfigModel) -> list[dict]:
    configured = {p.name for p in PROVIDERS.values() if p.configured(config)}
    return [_model_view(m, config, m.provider in configured) for m in config.models().values()]


def _model_view(m: catalog.VideoModel, config: GoogleVideoConfigModel, available: bool) -> dict:
    provider, price, rule = provider_class(m.provider), config.price_of(m.id), config.model_pricing.get(m.id, {})
    return {
        "id": m.id,
        "name": m.name,
        "provider": m.provider,
        "provider_label": provider.label,
        "available": available,  # its provider has its settings
        "can_cancel": provider.can_cancel,
        "kind": m.kind,
        "max_images": m.max_images,
        "image_role": m.image_role,
        "image_role_label": catalog.IMAGE_ROLE_LABELS.get(m.image_role) if m.image_role else None,
        "capabilities": m.capabilities(),
        "pricing": {"base": price, "per_second": rule.get("per_second", 0), "resolutions": rule.get("resolutions", {})},
        "price": price,
        "enabled": m.id not in config.disabled_models,
    }


async def _own_task(task_id: str, user, allow_admin: bool = False) -> GoogleVideoTaskModel:
    task = await GoogleVideoTasks.get(task_id)
    if task is None or (task.user_id != user.id and not (allow_admin and user.role == "admin")):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Task not found.")
    return task


############################
# Service
############################


@router.get("/health")
async def health(request: Request):
    config = await GoogleVideoConfigs.get()
    runtime = getattr(request.app.state, "google_video_runtime", None)
    return {
        "success": True,
        "service": "google_video",
        "status": "healthy" if runtime is not None else "starting",
        "enabled": config.enabled,
        "configured": config.configured,
        "timestamp": now(),
    }


# The last /models body and what it was made from: every page load asks for it, and it changes
# only with the config. The key is compared, not hashed (the catalogue is the same object while
# the admin's entries are unchanged, so that part compares by identity).
_models_body: Optional[tuple[tuple, bytes]] = None


def _models_key(config: GoogleVideoConfigModel) -> tuple:
    return (config.models(), tuple(p.configured(config) for p in PROVIDERS.values()), config.model_credits_config,
            config.model_pricing, config.disabled_models)


def _models_body_of(config: GoogleVideoConfigModel) -> bytes:
    models = _model_views(config)
    enabled = [m for m in models if m["enabled"] and m["available"]]
    # Plain JSON values already: JSONResponse's json.dumps, not FastAPI's jsonable_encoder, which
    # walks every value in Python (about 80 ms for 200 models, on the event loop; json.dumps: 5).
    return JSONResponse({
        "models": models,
        "text_to_video_models": [m for m in enabled if m["kind"] == "text"],
        "image_to_video_models": [
            {**m, "maxImages": m["max_images"], "imageType": m["image_role_label"]} for m in enabled if m["kind"] == "image"
        ],
    }).body


@router.get("/models")
async def list_models(user=Depends(get_module_user)):
    global _models_body
    config = await GoogleVideoConfigs.get()
    key = _models_key(config)
    if _models_body is None or _models_body[0] != key:
        _models_body = (key, _models_body_of(config))
    return Response(_models_body[1], media_type="application/json")


############################
# Admin
############################


@router.get("/config")
async def get_config(user=Depends(get_admin_user)):
    return _admin_config_view(await GoogleVideoConfigs.get())


@router.post("/config")
async def save_config(form: ConfigFields, user=Depends(get_admin_user)):
    """Changes only the fields sent; the others keep their stored values."""
    stored = await GoogleVideoConfigs.get()
    values = config_changes(stored.model_dump(), form, SECRET_CONFIG_FIELDS)
    refused = secret_left_behind(stored, stored.model_copy(update=values), lambda provider, setting: bool(
        form.api_key if provider == RelayProvider.name else form.provider_settings.get(provider, {}).get(setting)))
    if refused:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, refused)
    config = await GoogleVideoConfigs.save(values, updated_by=user.id)
    if "chat_enabled" in values or "chat_tool_models" in values:
        await chat_plugins.sync(config.chat_enabled, config.chat_tool_models)
    await host_link.sync_from_config(config)  # also puts back a banner removed in the host's settings
    log.info("google video config updated by %s (enabled=%s)", user.id, config.enabled)
    return {"success": True, "config": _admin_config_view(config)}


@router.get("/providers")
async def list_providers(user=Depends(get_admin_user)):
    """Every registered provider with the settings it needs (secrets marked), for the admin page."""
    config = await GoogleVideoConfigs.get()
    return {"providers": [
        {"name": p.name, "label": p.label, "can_cancel": p.can_cancel, "configured": p.configured(config),
         "supports": p.supports.as_dict(),  # what its models may declare (None: any value)
         "settings": [{"name": s.name, "label": s.label, "secret": s.secret, "required": s.required,
                       "default": s.default, "choices": list(s.choices), "multiline": s.multiline, "help": s.help}
                      for s in p.settings],
         "models": [m.id for m in config.models().values() if m.provider == p.name]}
        for p in PROVIDERS.values()
    ]}


@router.post("/test-connection")
async def test_connection(
    form: Optional[ConnectionTestForm] = None, user=Depends(get_admin_user), runtime=Depends(get_runtime)
):
    stored = await GoogleVideoConfigs.get()
    if form and form.provider != RelayProvider.name:
        return await _test_provider(runtime, stored, form)
    base_url = (form and form.base_url) or stored.base_url
    if base_url != stored.base_url and not (form and form.api_key):
        # The stored key belongs to the stored relay; sending it elsewhere would hand it to whoever runs that URL.
        raise HTTPException(status.HTTP_400_BAD_REQUEST,
                            "To test a relay URL other than the saved one, enter its API key too.")
    config = stored.model_copy(update={"base_url": base_url, "api_key": (form and form.api_key) or stored.api_key})
    if not RelayProvider.configured(config):
        return {"success": False, "status": "not_configured", "message": "Set the relay base URL and API key first."}
    result = await runtime.provider(RelayProvider.name, config).probe()
    return {"success": result.ok, "status": result.kind, "message": result.message}


async def _test_provider(runtime: GoogleVideoRuntime, stored: GoogleVideoConfigModel, form: ConnectionTestForm) -> dict:
    provider = provider_class(form.provider)
    saved = provider.setting_values(stored)
    trying = {**saved, **{k: v for k, v in form.settings.items() if v}}
    secrets = [s.name for s in provider.settings if s.secret]
    if any(trying.get(s.name) != saved.get(s.name) for s in provider.settings if not s.secret) and \
            not all(form.settings.get(name) for name in secrets):
        # Stored secrets belong to the stored settings; never send them somewhere else.
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "To test settings other than the saved ones, enter the secrets too.")
    config = stored.model_copy(update={"provider_settings": {**stored.provider_settings, provider.name: trying}})
    if not provider.configured(config):
        return {"success": False, "status": "not_configured", "message": f"Set the {provider.label}'s settings first."}
    result = await runtime.provider(provider.name, config).probe()
    return {"success": result.ok, "status": result.kind, "message": result.message}


@router.get("/admin/stats")
async def admin_stats(request: Request, user=Depends(get_admin_user)):
    poller = getattr(request.app.state, "google_video_poller", None)
    return {
        "success": True,
        **await GoogleVideoTasks.stats(since=now() - 24 * 3600),
        "this_worker": {"id": poller.runtime.worker_id, "polls": poller.polls_done} if poller else None,
    }


@router.get("/admin/users")
async def admin_users(query: str = Query("", max_length=100), page: int = Query(1, ge=1, le=100_000),
                      limit: int = Query(20, ge=1, le=100), user=Depends(get_admin_user)):
    """The host's users matching a name or e-mail, with their balances: the admin's user picker."""
    found = await Users.get_users(filter={"query": query.strip()} if query.strip() else None,
                                  skip=(page - 1) * limit, limit=limit)
    rows = found["users"]
    balances = await ledger.get_balances([u.id for u in rows])
    return {"users": [{"id": u.id, "name": u.name, "email": u.email, "role": u.role, "balance": balances.get(u.id, 0)}
                      for u in rows], "total": found["total"], "page": page, "limit": limit}


@router.get("/admin/groups")
async def admin_groups(user=Depends(get_admin_user)):
    """The host's groups, for group grants and allowances."""
    from open_webui.models.groups import Groups

    groups = await Groups.get_groups(filter={})
    return {"groups": [{"id": g.id, "name": g.name, "members": getattr(g, "member_count", None)} for g in groups]}


@router.post("/credits/bulk")
async def bulk_credits(form: BulkCreditForm, user=Depends(get_admin_user)):
    """Grant or deduct for every user or a group's members, once per user however often it is retried."""
    try:
        result = await policies.bulk_adjust(form.amount, form.reason, form.group_id, form.idempotency_key, user.id)
    except policies.UnknownGroup:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Group not found.")
    log.info("google video credits: %s bulk-adjusted %d user(s) by %+d", user.id, result["applied"], form.amount)
    return {"success": True, **result}


@router.post("/credits/adjust")
async def adjust_credits(form: CreditAdjustForm, user=Depends(get_admin_user)):
    if await Users.get_user_by_id(form.user_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "User not found.")
    try:
        result = await ledger.adjust(form.user_id, form.amount, form.reason, user.id, form.idempotency_key)
    except ledger.InsufficientCredits as e:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, f"Cannot deduct {e.price} credits: the user's balance is only {e.balance}."
        )
    except ledger.IdempotencyConflict:
        raise HTTPException(status.HTTP_409_CONFLICT, "This idempotency key was already used for a different adjustment.")
    except OperationalError as e:
        if not is_database_busy(e):
            raise
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            "The database is busy; nothing was changed. Retry with the same idempotency key.")
    if not result.replayed:
        log.info("google video credits: %s adjusted %s by %+d", user.id, form.user_id, form.amount)
    return {"success": True, "user_id": form.user_id, "balance": result.balance, "replayed": result.replayed}


@router.get("/credits/ledger")
async def credit_ledger(
    user_id: Optional[str] = Query(None, max_length=255),
    page: int = Query(1, ge=1, le=100_000),
    limit: int = Query(50, ge=1, le=200),
    user=Depends(get_verified_user),
):
    """Admins see everyone's entries (optionally one user's); other users only their own."""
    target = user_id if user.role == "admin" else user.id
    entries, total = await ledger.list_ledger(target, (page - 1) * limit, limit)
    return {"success": True, "entries": [e.model_dump() for e in entries], "page": page, "limit": limit, "total": total}


def _report_scope(user, user_id: Optional[str]) -> Optional[str]:
    """Admins report on everyone (or one user); users only on themselves."""
    return user_id if user.role == "admin" else user.id


@router.get("/usage")
async def usage_report(
    group_by: reports.GroupBy = Query("model"),
    since: Optional[int] = Query(None, ge=0, le=2**40),
    until: Optional[int] = Query(None, ge=0, le=2**40),
    user_id: Optional[str] = Query(None, max_length=255),
    user=Depends(get_verified_user),
):
    """Tasks, successes, failures, credits charged and refunded (from the ledger) and generation
    times (median, p95 in seconds) per user, model, provider or UTC day, for tasks created in
    [since, until)."""
    rows = await reports.usage(group_by, _report_scope(user, user_id), since, until)
    return {"success": True, "group_by": group_by, "since": since, "until": until, "rows": rows}


@router.get("/usage.csv")
async def usage_report_csv(
    group_by: reports.GroupBy = Query("model"),
    since: Optional[int] = Query(None, ge=0, le=2**40),
    until: Optional[int] = Query(None, ge=0, le=2**40),
    user_id: Optional[str] = Query(None, max_length=255),
    user=Depends(get_verified_user),
):
    rows = await reports.usage(group_by, _report_scope(user, user_id), since, until)
    return StreamingResponse(reports.report_csv(rows), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="google-video-usage-{group_by}.csv"'})


@router.get("/credits/ledger.csv")
async def credit_ledger_csv(
    user_id: Optional[str] = Query(None, max_length=255),
    since: Optional[int] = Query(None, ge=0, le=2**40),
    until: Optional[int] = Query(None, ge=0, le=2**40),
    user=Depends(get_verified_user),
):
    """The ledger as CSV, streamed in id order (flat memory at any length)."""
    return StreamingResponse(reports.ledger_csv(_report_scope(user, user_id), since, until),
                             media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="google-video-ledger.csv"'})


@router.get("/admin/audit")
async def audit_log(
    action: Optional[str] = Query(None, max_length=50),
    page: int = Query(1, ge=1, le=100_000),
    limit: int = Query(50, ge=1, le=200),
    user=Depends(get_admin_user),
):
    entries, total = await GoogleVideoAudits.list(action, (page - 1) * limit, limit)
    return {"success": True, "entries": [e.model_dump() for e in entries], "page": page, "limit": limit, "total": total}


@router.get("/openapi.json")
async def module_openapi(request: Request, user=Depends(get_admin_user)):
    """The module's own OpenAPI document (the host hides its own outside dev mode)."""
    routes = [r for r in request.app.routes if getattr(r, "path", "").startswith(PREFIX + "/")]
    return get_openapi(title="Google Video for Open WebUI", version="1", routes=routes)


############################
# User
############################


@router.get("/config/user")
async def get_user_config(user=Depends(get_module_user)):
    config = await GoogleVideoConfigs.get()
    return JSONResponse({  # plain JSON values: see list_models
        "enabled": config.enabled and config.configured,
        "default_text_model": config.default_text_model,
        "default_image_model": config.default_image_model,
        "default_enhance_prompt": config.default_enhance_prompt,
        "model_credits_config": {m: config.price_of(m) for m in config.models() if m not in config.disabled_models},
        "max_concurrent_tasks": config.max_concurrent_tasks,
    })


@router.get("/credits")
async def get_credits(user=Depends(get_module_user)):
    return {"success": True, "credits": await ledger.get_balance(user.id)}


def _http_error(e: SubmitError) -> HTTPException:
    return HTTPException(e.status_code, e.detail, headers={"Retry-After": str(e.retry_after)} if e.retry_after else None)


async def _submit(runtime: GoogleVideoRuntime, user, req: VideoRequest) -> dict:
    try:
        task = await submit_task(runtime, user.id, req)
    except SubmitError as e:
        raise _http_error(e)
    return {"success": True, "task": task.public_dict(), "credits": await ledger.get_balance(user.id)}


@router.post("/text-to-video")
async def text_to_video(form: TextToVideoForm, user=Depends(get_module_user), runtime=Depends(get_runtime)):
    return await _submit(runtime, user, form.to_request())


@router.post("/image-to-video")
async def image_to_video(form: ImageToVideoForm, user=Depends(get_module_user), runtime=Depends(get_runtime)):
    return await _submit(runtime, user, form.to_request())


@router.post("/quote")
async def get_quote(form: QuoteForm, user=Depends(get_module_user)):
    """The price of a generation with these parameters: exactly what a submit with them charges."""
    try:
        return {"success": True, **await quote_request(user.id, form.to_request())}
    except SubmitError as e:
        raise _http_error(e)


@router.post("/upload-image")
async def upload_image(file: UploadFile = File(...), user=Depends(get_verified_user), runtime=Depends(get_runtime)):
    config = await GoogleVideoConfigs.get()
    try:
        await rate_limit.admit(user.id, "upload", config.uploads_per_minute)
    except rate_limit.RateLimited as e:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, str(e), headers={"Retry-After": str(e.retry_after)})
    chunks, size = [], 0
    while chunk := await file.read(UPLOAD_READ_CHUNK):
        size += len(chunk)
        if size > images.MAX_IMAGE_BYTES:
            raise HTTPException(
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, f"Image is larger than {images.MAX_IMAGE_BYTES // (1024 * 1024)} MB."
            )
        chunks.append(chunk)
    try:
        clean = await clean_in_pool(runtime, images.clean_image, b"".join(chunks))
        upload = await store_clean_image(runtime, config, user.id, images.new_upload_id(), clean)
    except images.ImageInputError as e:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(e))
    except SubmitError as e:
        raise _http_error(e)
    except StorageError:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "The image could not be stored right now; please try again.")
    return {
        "success": True,
        "id": upload.id,
        "url": images.UPLOAD_URL_PREFIX + upload.id,
        "mime_type": upload.mime_type,
        "size": upload.size,
        "width": upload.width,
        "height": upload.height,
    }


@router.get("/uploads/{upload_id}")
async def get_upload(upload_id: str, user=Depends(get_verified_user), runtime=Depends(get_runtime)):
    upload = await GoogleVideoUploads.get_for_user(upload_id, user.id)
    if upload is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Image not found.")
    storage = runtime.storage(await GoogleVideoConfigs.get(), upload.storage_backend)
    headers = {"Cache-Control": "private, max-age=3600"}
    if path := storage.local_path(upload.storage_key):
        return FileResponse(path, media_type=upload.mime_type, headers=headers)
    try:
        return Response(await storage.get_bytes(upload.storage_key), media_type=upload.mime_type, headers=headers)
    except StorageError:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "The image storage is not reachable right now.")


@router.get("/task/{task_id}")
async def get_task(task_id: str, user=Depends(get_verified_user)):
    return {"success": True, "task": (await _own_task(task_id, user, allow_admin=True)).public_dict()}


@router.post("/task/{task_id}/cancel")
async def cancel(task_id: str, user=Depends(get_verified_user), runtime=Depends(get_runtime)):
    """Stop a running task and refund it, where its provider can stop it (409 says why not)."""
    try:
        task = await cancel_task(runtime, await _own_task(task_id, user))
    except CancelRefused as e:
        raise HTTPException(e.status_code, e.detail)
    return {"success": True, "task": task.public_dict(), "credits": await ledger.get_balance(user.id)}


@router.post("/task/{task_id}/remix")
async def remix(task_id: str, form: DeriveForm, user=Depends(get_verified_user), runtime=Depends(get_runtime)):
    """A new, separately charged task that changes a finished video as the prompt says."""
    return await _submit(runtime, user, form.to_request(task_id, "remix"))


@router.post("/task/{task_id}/extend")
async def extend(task_id: str, form: DeriveForm, user=Depends(get_verified_user), runtime=Depends(get_runtime)):
    """A new, separately charged task that continues a finished video as the prompt says."""
    return await _submit(runtime, user, form.to_request(task_id, "extend"))


@router.delete("/task/{task_id}")
async def delete_task(task_id: str, user=Depends(get_verified_user), runtime=Depends(get_runtime)):
    task = await _own_task(task_id, user)
    if not task.finished or not await GoogleVideoTasks.delete_finished(task_id, user.id):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            "This task is still being generated; it can be deleted once it has finished or failed.",
        )
    storage = runtime.storage(await GoogleVideoConfigs.get(), task.storage_backend)
    for key in filter(None, (task.video_path, task.poster_path)):
        try:
            await storage.delete(key)
        except StorageError:
            log.warning("google video task %s deleted; its file %s could not be removed from storage", task.id, key)
    return {"success": True, "message": "Task deleted."}


@router.get("/history")
async def history(
    page: int = Query(1, ge=1, le=100_000),
    limit: int = Query(20, ge=1, le=100),
    status_filter: Optional[str] = Query(None, alias="status", max_length=20),
    user=Depends(get_verified_user),
):
    statuses = None
    if status_filter:
        statuses = STATUS_FILTERS.get(status_filter.upper())
        if statuses is None:
            raise HTTPException(
                status.HTTP_400_BAD_REQUEST, f"Unknown status filter; use one of {', '.join(STATUS_FILTERS)}."
            )
    tasks, total = await GoogleVideoTasks.list_for_user(user.id, list(statuses) if statuses else None, (page - 1) * limit, limit)
    return {"success": True, "tasks": [t.public_dict() for t in tasks], "page": page, "limit": limit, "total": total}


@router.get("/gallery")
async def gallery(
    cursor: Optional[str] = Query(None, pattern=r"^[0-9a-f]{1,64}$"),
    limit: int = Query(48, ge=1, le=200),
    q: str = Query("", max_length=200),
    status_filter: Optional[str] = Query(None, alias="status", max_length=20),
    model: Optional[str] = Query(None, max_length=100),
    since: Optional[int] = Query(None, ge=0, le=2**40),
    until: Optional[int] = Query(None, ge=0, le=2**40),
    user=Depends(get_verified_user),
):
    """The user's tasks newest first in cursor pages (pass `next_cursor` back), with prompt search
    and filters; each page costs the same at any depth."""
    statuses = None
    if status_filter:
        statuses = STATUS_FILTERS.get(status_filter.upper())
        if statuses is None:
            raise HTTPException(status.HTTP_400_BAD_REQUEST,
                                f"Unknown status filter; use one of {', '.join(STATUS_FILTERS)}.")
    tasks = await GoogleVideoTasks.gallery(user.id, cursor, limit, q.strip(), list(statuses) if statuses else None,
                                           model, since, until)
    return {"success": True, "tasks": [t.public_dict() for t in tasks],
            "next_cursor": tasks[-1].id if len(tasks) == limit else None}


async def _stored_video(task_id: str, user, runtime: GoogleVideoRuntime):
    task = await _own_task(task_id, user, allow_admin=True)
    if not task.video_path:
        pending = task.status == TaskStatus.SUCCESS and task.cloud_upload_status == "pending"
        raise HTTPException(status.HTTP_404_NOT_FOUND, "The video is still being copied to storage; try again shortly."
                            if pending else "This task has no stored video.")
    config = await GoogleVideoConfigs.get()
    return task, config, runtime.storage(config, task.storage_backend)


@router.get("/task/{task_id}/video")
async def task_video(task_id: str, download: bool = False, user=Depends(get_verified_user), runtime=Depends(get_runtime)):
    """Local videos are served here (with Range, so the player can seek); cloud videos redirect to
    a short-lived signed URL, where the object store answers Range requests itself."""
    task, config, storage = await _stored_video(task_id, user, runtime)
    extension = task.video_path.rsplit(".", 1)[-1]
    filename = f"google-video-{task.id}.{extension}"
    path = storage.local_path(task.video_path)
    if path is None:
        url = await _signed_url(storage, task.video_path, config.signed_url_seconds, filename if download else None)
        return RedirectResponse(url, status_code=status.HTTP_307_TEMPORARY_REDIRECT, headers={"Cache-Control": "no-store"})
    if not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "The stored video file is missing.")
    return FileResponse(
        path,
        media_type=VIDEO_MEDIA_TYPES.get(extension, "application/octet-stream"),
        filename=filename,
        content_disposition_type="attachment" if download else "inline",
        headers={"Cache-Control": "private, max-age=3600"},
    )


@router.get("/task/{task_id}/video-url")
async def task_video_url(task_id: str, user=Depends(get_verified_user), runtime=Depends(get_runtime)):
    """A URL the browser can play directly: signed and short-lived for cloud storage."""
    task, config, storage = await _stored_video(task_id, user, runtime)
    if storage.local_path(task.video_path) is not None:
        return {"success": True, "url": f"{PREFIX}/task/{task.id}/video", "expires_in": None}
    url = await _signed_url(storage, task.video_path, config.signed_url_seconds, None)
    return {"success": True, "url": url, "expires_in": config.signed_url_seconds}


async def _signed_url(storage, key: str, seconds: int, download_name: Optional[str]) -> str:
    try:
        return await storage.signed_url(key, seconds, download_name)
    except StorageError:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "The video storage is not reachable right now.")


async def _make_poster(runtime: GoogleVideoRuntime, storage, task: GoogleVideoTaskModel) -> Optional[str]:
    """The first-frame poster of a video stored before posters were made (kept for next time)."""
    key = await store_first_frame(runtime.image_workers.run, storage, task.id, task.video_path, b"", task.video_size)
    if key is None or await GoogleVideoTasks.set_poster(task.id, task.video_path, key):
        return key
    try:  # another request made one first: use that one
        await storage.delete(key)
    except StorageError:
        log.warning("google video task %s: could not delete the surplus poster %s", task.id, key)
    return (await GoogleVideoTasks.get(task.id)).poster_path


@router.get("/task/{task_id}/poster")
async def task_poster(task_id: str, user=Depends(get_verified_user), runtime=Depends(get_runtime)):
    """The still image the provider made of the video (stored with it; PNG, JPEG or WebP)."""
    task = await _own_task(task_id, user, allow_admin=True)
    storage = runtime.storage(await GoogleVideoConfigs.get(), task.storage_backend)
    poster_path = task.poster_path or (task.video_path and await _make_poster(runtime, storage, task))
    if not poster_path:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "This task has no poster image.")
    try:
        data = await storage.get_bytes(poster_path)
    except StorageError:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "The poster image cannot be read right now.")
    return Response(data, media_type=content_type_of(poster_path),
                    headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"})
