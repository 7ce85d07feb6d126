"""An OpenAI-compatible chat-completions test double that the host (Open WebUI) can use as a model
connection: one model, `video-demo`, whose answers are fixed by the request so browser tests of the
chat integration need no real LLM.

What it answers (POST /v1/chat/completions, streamed as SSE when `stream` is true), first match:
- the last message is a `tool` message (the tool's result): `Video requested: <its first 200 chars>`.
- the host's legacy function-calling prompt ("Available Tools: ..." then "Query: ..."): the JSON
  `{"tool_calls": [{"name": "generate_video", "parameters": {...}}]}` as text (an empty list when
  the prompt does not offer generate_video).
- the host's own task prompts (title, tags, follow-ups, search queries, autocomplete: a user message
  starting "### Task:" without a RAG `<context>`): a short JSON answer of the shape each asks for.
- `tools` offers a function `generate_video` (native function calling) and the last message is the
  user's: a call of `generate_video` with `{"prompt": <the user's text>}`; a leading "make a video
  of" / "video:" is dropped, and a `[param:key=value;key=value]` directive becomes more arguments
  (integers converted; the directive leaves the prompt). finish_reason `tool_calls`.
- the host's RAG template with a `<source>` that has a body (how the legacy mode hands the tool's
  result back): `Video requested: <first 200 chars of that source>`.
- anything else: `Echo: <the last user text>`.
The user's text is the last user message without a RAG context the host put in front of it.

/_sim/requests lists every request received (sim_log), /_sim/stats counts them, /_sim/reset
clears both."""

import json
import re
import time
import uuid
from typing import Any, Optional

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from relay_simulator.sim_log import install_sim_routes

MODEL_ID = "video-demo"
TOOL_NAME = "generate_video"
CREATED = 1_735_689_600  # 2025-01-01: a fixed date keeps /v1/models deterministic

_LEAD = re.compile(r"^\s*(?:make\s+a\s+video\s+of\b|video\s*:)\s*", re.IGNORECASE)
_PARAM = re.compile(r"\[param:([^\]]*)\]", re.IGNORECASE)
_INT = re.compile(r"^[+-]?\d+$")
_SOURCE = re.compile(r"<source\b[^>]*>(.*?)</source>", re.DOTALL)


def _error(status: int, message: str, type_: str = "invalid_request_error", code: Optional[str] = None,
           param: Optional[str] = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": type_, "param": param, "code": code}},
                        status_code=status)


def text_of(content: Any) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(p.get("text", "") for p in content
                         if isinstance(p, dict) and p.get("type") in ("text", "input_text", "output_text"))
    return ""


def video_arguments(text: str) -> dict:
    """The arguments of generate_video for a user's text (see the module docstring)."""
    params: dict[str, Any] = {}
    for directive in _PARAM.findall(text):
        for pair in directive.split(";"):
            key, sep, value = pair.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or not key:
                continue
            params[key] = int(value) if _INT.match(value) else value
    prompt = _LEAD.sub("", _PARAM.sub("", text), count=1)
    prompt = re.sub(r"[ \t]{2,}", " ", prompt).strip()
    return {"prompt": prompt, **{k: v for k, v in params.items() if k != "prompt"}}


def _task_answer(text: str) -> Optional[str]:
    """A brief answer to one of the host's background task prompts, or None when it is not one."""
    if not text.lstrip().startswith("### Task:"):
        return None
    head = text.split("<chat_history>", 1)[0]  # the instructions, not the (user-written) history
    for key, answer in (('"follow_ups"', {"follow_ups": []}), ('"title"', {"title": "Video request"}),
                        ('"tags"', {"tags": ["General"]}), ('"queries"', {"queries": []}),
                        ('"text"', {"text": ""}), ('"prompt"', {"prompt": ""})):
        if key in head:
            return json.dumps(answer)
    return json.dumps({})


def _offers_tool(body: dict) -> bool:
    for tool in body.get("tools") or []:
        if isinstance(tool, dict) and (tool.get("function") or {}).get("name") == TOOL_NAME:
            return True
    return False


def _without_context(text: str) -> str:
    """A user message without the RAG template the host prepends to it (`... <context>...</context>`)."""
    return text.rsplit("</context>", 1)[-1].strip() if "<context>" in text and "</context>" in text else text


def _first_source(text: str) -> Optional[str]:
    """The body of the first non-empty <source> inside a RAG <context>, if any."""
    if "<context>" not in text:
        return None
    for body in _SOURCE.findall(text.split("<context>", 1)[1].split("</context>", 1)[0]):
        if body.strip():
            return body.strip()
    return None


def decide(body: dict) -> tuple[str, Any]:
    """("tool_call", arguments) or ("text", content) for a chat-completions request body."""
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
    last = messages[-1] if messages else {}
    role = last.get("role")
    last_text = text_of(last.get("content"))
    if role == "tool":
        return "text", f"Video requested: {last_text[:200]}"
    system_text = "\n".join(text_of(m.get("content")) for m in messages if m.get("role") in ("system", "developer"))
    if "Available Tools:" in system_text or "Available Tools:" in last_text:  # legacy function calling
        query = last_text.rsplit("Query:", 1)[-1].strip() if "Query:" in last_text else last_text.strip()
        offered = TOOL_NAME in system_text or TOOL_NAME in last_text.split("Query:", 1)[0]
        calls = [{"name": TOOL_NAME, "parameters": video_arguments(query)}] if offered else []
        return "text", json.dumps({"tool_calls": calls})
    if role == "user":
        # The host's background tasks (title, tags, ...); its RAG template also starts "### Task:".
        task = _task_answer(last_text) if "<context>" not in last_text else None
        if task is not None:
            return "text", task
        if _offers_tool(body):
            return "tool_call", video_arguments(_without_context(last_text))
        source = _first_source(last_text) or _first_source(system_text)
        if source is not None:  # legacy mode: the tool's result comes back as a RAG source
            return "text", f"Video requested: {source[:200]}"
    user_texts = [_without_context(text_of(m.get("content"))) for m in messages if m.get("role") == "user"]
    return "text", f"Echo: {user_texts[-1] if user_texts else ''}"


def _chunks(s: str, size: int) -> list[str]:
    return [s[i:i + size] for i in range(0, len(s), size)] or [""]


def create_chat_app(api_key: str) -> FastAPI:
    app = FastAPI(title="Chat completions test double")
    answers: dict[str, int] = {"tool_call": 0, "text": 0}

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code in (404, 405):
            return _error(exc.status_code, f"Invalid URL ({request.method} {request.url.path})")
        return _error(exc.status_code, str(exc.detail))

    @app.middleware("http")
    async def request_id(request: Request, call_next):
        response = await call_next(request)
        response.headers["x-request-id"] = f"req_{uuid.uuid4().hex}"
        return response

    def auth_error(request: Request) -> Optional[JSONResponse]:
        auth = request.headers.get("authorization") or ""
        sent = auth[7:].strip() if auth[:7].lower() == "bearer " else None
        if sent == api_key:
            return None
        if not sent:
            return _error(401, "You didn't provide an API key. You need to provide your API key in an Authorization "
                               "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
        shown = sent[:3] + "*" * (len(sent) - 7) + sent[-4:] if len(sent) > 7 else "*" * len(sent)
        return _error(401, f"Incorrect API key provided: {shown}.", code="invalid_api_key")

    def model_entry() -> dict:
        return {"id": MODEL_ID, "object": "model", "created": CREATED, "owned_by": "google-video-demo"}

    @app.get("/v1/models")
    async def models(request: Request):
        if (denied := auth_error(request)) is not None:
            return denied
        return {"object": "list", "data": [model_entry()]}

    @app.get("/v1/models/{model_id}")
    async def model(model_id: str, request: Request):
        if (denied := auth_error(request)) is not None:
            return denied
        if model_id != MODEL_ID:
            return _error(404, f"The model '{model_id}' does not exist", code="model_not_found", param="model")
        return model_entry()

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request):
        if (denied := auth_error(request)) is not None:
            return denied
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "We could not parse the JSON body of your request.")
        if not isinstance(body, dict):
            return _error(400, "The request body must be a JSON object.")
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            return _error(400, "'messages' is a required property", param="messages")
        model_id = body.get("model")
        if model_id != MODEL_ID:
            return _error(404, f"The model '{model_id}' does not exist or you do not have access to it.",
                          code="model_not_found", param="model")
        kind, value = decide(body)
        answers[kind] += 1
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())
        prompt_tokens = sum(len(text_of(m.get("content")).split()) for m in body["messages"] if isinstance(m, dict))
        if kind == "tool_call":
            call = {"id": f"call_{uuid.uuid4().hex[:24]}", "type": "function",
                    "function": {"name": TOOL_NAME, "arguments": json.dumps(value, ensure_ascii=False)}}
            message = {"role": "assistant", "content": None, "tool_calls": [call], "refusal": None}
            finish, completion_text = "tool_calls", call["function"]["arguments"]
        else:
            message = {"role": "assistant", "content": value, "refusal": None}
            finish, completion_text = "stop", value
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": len(completion_text.split()),
                 "total_tokens": prompt_tokens + len(completion_text.split())}

        if not body.get("stream"):
            return {"id": completion_id, "object": "chat.completion", "created": created, "model": MODEL_ID,
                    "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
                    "usage": usage, "system_fingerprint": None}

        def chunk(delta: dict, finish_reason: Optional[str] = None) -> str:
            data = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                    "system_fingerprint": None,
                    "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]}
            return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))

        def events():
            if kind == "tool_call":
                call = message["tool_calls"][0]
                yield chunk({"role": "assistant", "content": None, "tool_calls": [
                    {"index": 0, "id": call["id"], "type": "function",
                     "function": {"name": TOOL_NAME, "arguments": ""}}]})
                for part in _chunks(call["function"]["arguments"], 12):
                    yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": part}}]})
            else:
                yield chunk({"role": "assistant", "content": "", "refusal": None})
                for part in _chunks(value, 16):
                    yield chunk({"content": part})
            yield chunk({}, finish)
            if include_usage:
                data = {"id": completion_id, "object": "chat.completion.chunk", "created": created,
                        "model": MODEL_ID, "system_fingerprint": None, "choices": [], "usage": usage}
                yield f"data: {json.dumps(data)}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    def stats() -> dict:
        completions = [r for r in received if r["path"] == "/v1/chat/completions"]
        return {"requests": len(received), "completions": len(completions),
                "streamed": sum(1 for r in completions if (r["json"] or {}).get("stream")),
                "answers": dict(answers)}

    received = install_sim_routes(app, stats, lambda: answers.update(tool_call=0, text=0))
    return app
