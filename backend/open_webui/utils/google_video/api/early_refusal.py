"""Refusals decided from a request's headers, before its body is read.

FastAPI reads and parses a whole body before any dependency runs, so a flood of large requests
that end refused anyway (a bad token, over the rate limit, no credits) cost the host the receiving
and parsing of every byte. For a body over LARGE_BODY_BYTES, or of unknown length (chunked), the
module's route class (request_guard.py) runs these checks first, in the order the route itself
checks, and answers a refusal at once, so the body is never parsed:

1. the route's own `user` dependency, run as FastAPI runs it: the host's token check (bearer
   header, `token` cookie, API key `sk-…`, revoked sessions) with get_verified_user or
   get_admin_user, and get_module_user's credit policies (welcome credits, allowances): a 401/403
   exactly as the host answers it;
2. submits (text-to-video, image-to-video, remix, extend): video generation disabled → 400; for a
   remix or extension, a source task that is not the user's → 404;
3. submits, when some enabled model of the route has its provider configured:
   a balance below the cheapest price such a model can cost while the user has no unfinished task
   → the rate limit counts the attempt as the route would (429 if over it), then 402;
   otherwise over the rate limit (looked up, nothing counted) → 429 with Retry-After;
4. uploads: over the upload rate limit (looked up, nothing counted) → 429 with Retry-After.

The connection after a refusal: a client that sends its whole body before reading (browsers, httpx)
would lose the answer if the server closed with the body unread (the kernel answers the unread
bytes with a reset, and the client's read fails). So for a body of declared length (capped by
body_limit.py) the connection is kept: uvicorn discards the rest of the body as it arrives (HTTP
framing only, nothing reaches the app) and the connection can carry the next request. A chunked
body has no length to end at, and a client that sent `Expect: 100-continue` has been told nothing
and sends no body: both are answered with `Connection: close`.

A request that passes goes to the route, which checks everything again (the pre-check decides
nothing it would not). Smaller bodies skip all this: reading 64 KB costs little, and their answers
keep the route's whole order. For a large body the pre-check answers for the route as a whole: a
refusal here comes before the route's checks that need the body (parameters 400/422, a model that
is disabled or not configured, an idempotent replay, a changed price 409, a blocked word), and the
402 names the cheapest price instead of the requested model's. A retry of an idempotent submit
whose task is unfinished is never refused for credits here (the route replays it); a retry while
over the rate limit gets 429 and its task after `Retry-After`.
"""

from typing import Awaitable, Callable, Optional

from fastapi import HTTPException, Request
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import solve_dependencies
from fastapi.routing import APIRoute

from open_webui.models.google_video import GoogleVideoConfigModel, GoogleVideoConfigs, GoogleVideoTasks
from open_webui.utils.google_video.credits import ledger, pricing
from open_webui.utils.google_video.guards import rate_limit
from open_webui.utils.google_video.providers import provider_class
from open_webui.utils.google_video.tasks.checks import SubmitError, check_enabled

LARGE_BODY_BYTES = 64 * 1024
# Route (as mounted, after the module's prefix) → the models it can charge for: (kind, operation).
SUBMIT_ROUTES = {
    "/text-to-video": ("text", None),
    "/image-to-video": ("image", None),
    "/task/{task_id}/remix": (None, "remix"),
    "/task/{task_id}/extend": (None, "extend"),
}
UPLOAD_ROUTES = ("/upload-image",)

Check = Callable[[Request], Awaitable[None]]


def body_may_be_large(request: Request) -> bool:
    length = request.headers.get("content-length")
    if length is None:
        return "chunked" in request.headers.get("transfer-encoding", "").lower()
    return not length.isdigit() or int(length) > LARGE_BODY_BYTES


def refusal(request: Request, status_code: int, detail, headers: Optional[dict] = None) -> HTTPException:
    """The route's answer; `Connection: close` where the server cannot or need not discard the rest
    of the body (see the module's docstring)."""
    chunked = request.headers.get("content-length") is None
    waiting = request.headers.get("expect", "").lower() == "100-continue"
    close = {"Connection": "close"} if chunked or waiting else {}
    return HTTPException(status_code, detail, headers={**(headers or {}), **close})


def for_route(route: APIRoute) -> Optional[Check]:
    """The pre-body check of a route that takes a body and a signed-in user, or None."""
    if route.body_field is None:
        return None
    user_dependency = next((d for d in route.dependant.dependencies if d.name == "user"), None)
    if user_dependency is None:
        return None
    probe = Dependant(dependencies=[user_dependency], path=route.path_format)
    submit = next((models for path, models in SUBMIT_ROUTES.items() if route.path_format.endswith(path)), None)
    upload = route.path_format.endswith(UPLOAD_ROUTES)

    async def check(request: Request) -> None:
        if not body_may_be_large(request):
            return
        user = await _user(request, probe, route.dependency_overrides_provider)
        if user is None or getattr(request.app.state, "google_video_runtime", None) is None:
            return  # the route answers (503 while the module starts)
        if submit:
            await _submit_checks(request, user.id, *submit)
        elif upload:
            await _upload_checks(request, user.id)

    return check


async def _user(request: Request, probe: Dependant, overrides) -> Optional[object]:
    try:
        solved = await solve_dependencies(
            request=request, dependant=probe, dependency_overrides_provider=overrides,
            async_exit_stack=request.scope["fastapi_inner_astack"], embed_body_fields=False,
        )
    except HTTPException as e:
        raise refusal(request, e.status_code, e.detail, e.headers)
    return None if solved.errors else solved.values.get("user")


async def _submit_checks(request: Request, user_id: str, kind: Optional[str], operation: Optional[str]) -> None:
    config = await GoogleVideoConfigs.get()
    try:
        check_enabled(config)
    except SubmitError as e:
        raise refusal(request, e.status_code, e.detail)
    if operation:  # the route's next check: the source task is the user's
        source = await GoogleVideoTasks.get(request.path_params["task_id"])
        if source is None or source.user_id != user_id:
            raise refusal(request, 404, "Task not found.")
    cheapest = cheapest_price(config, kind, operation)
    if cheapest is None:
        return  # no model the route could run: the route says which and why (400)
    balance, active = await ledger.balance_and_active(user_id)
    if balance < cheapest and active == 0:
        try:  # the route counts the attempt before it finds the credits short
            await rate_limit.admit(user_id, "submit", config.submits_per_minute)
        except rate_limit.RateLimited as e:
            raise _rate_limited(request, e, " Nothing was charged.")
        raise refusal(request, 402,
                      f"Insufficient credits: your balance is {balance} and the cheapest video here costs {cheapest}.")
    if limited := await rate_limit.peek(user_id, "submit", config.submits_per_minute):
        raise _rate_limited(request, limited, " Nothing was charged.")


async def _upload_checks(request: Request, user_id: str) -> None:
    config = await GoogleVideoConfigs.get()
    if limited := await rate_limit.peek(user_id, "upload", config.uploads_per_minute):
        raise _rate_limited(request, limited, "")


def _rate_limited(request: Request, e: rate_limit.RateLimited, suffix: str) -> HTTPException:
    return refusal(request, 429, f"{e}{suffix}", {"Retry-After": str(e.retry_after)})


def cheapest_price(config: GoogleVideoConfigModel, kind: Optional[str], operation: Optional[str]) -> Optional[int]:
    """The lowest price the route can charge: over the enabled models of its kind (or that take its
    operation) whose provider is configured, each at its cheapest duration and resolution. None when
    there is no such model."""
    prices = [
        _lowest(config, m) for m in config.models().values()
        if m.id not in config.disabled_models and (m.kind == kind if kind else operation in m.operations)
        and provider_class(m.provider).configured(config)
    ]
    return min(prices, default=None)


def _lowest(config: GoogleVideoConfigModel, model) -> int:
    # Per-second and resolution prices are never negative: the shortest duration it takes (or its
    # default, when none is given) and each resolution (or its default) cover every choice.
    durations = (None, min(model.durations)) if model.durations else (None,)
    return min(pricing.quote(config, model, seconds, resolution).price
               for seconds in durations for resolution in (None, *model.resolutions))
