"""The module's route class: hostile text in a request is a clear 4xx, never a 500.

A NUL in a path or query parameter would reach the database (PostgreSQL refuses it); a lone
surrogate in a JSON body made FastAPI's own validation handler fail while echoing the input.
Validation errors are answered here without echoing input (which may be megabytes of base64).
A large body is not read at all when the request is refused anyway (early_refusal.py).
"""

from typing import Any, Callable

from fastapi import Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from open_webui.utils.google_video.api import early_refusal
from open_webui.utils.google_video.guards.text_input import text_problem


def _printable(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, (list, tuple)):
        return [_printable(v) for v in value]
    return value


def validation_errors(error: RequestValidationError) -> list[dict]:
    return [
        {"type": e.get("type"), "loc": _printable(list(e.get("loc", ()))), "msg": _printable(str(e.get("msg", "")))}
        for e in error.errors()
    ]


def _parameter_problem(request: Request) -> str | None:
    for value in (*request.path_params.values(), *request.query_params.values()):
        if isinstance(value, str) and (problem := text_problem(value)):
            return problem
    return None


class ModuleRoute(APIRoute):
    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()
        refuse_early = early_refusal.for_route(self)

        async def guarded(request: Request) -> Response:
            if problem := _parameter_problem(request):
                return JSONResponse({"detail": f"Invalid request parameter: {problem}"}, status_code=400)
            if refuse_early is not None:
                await refuse_early(request)  # raises the refusal before the body is read
            try:
                return await handler(request)
            except RequestValidationError as e:
                return JSONResponse({"detail": jsonable_encoder(validation_errors(e))}, status_code=422)

        return guarded
