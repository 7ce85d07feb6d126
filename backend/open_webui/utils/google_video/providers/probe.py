"""What a connection test concludes from the answer to a lookup of something that cannot exist.

A provider's own "not found" (its JSON error envelope for an unknown operation or video) proves
the base URL is right and the key was accepted (a bad key is refused before the lookup). A 404
without that envelope (an HTML page, plain text, FastAPI's {"detail": ...}, OpenAI's "Invalid
URL" for a route it does not have) comes from a path the server does not serve: the base URL is
wrong and the key was never checked. So is a redirect (the direct providers' requests do not
follow one; the relay's submit would turn into a GET across a 301/302) and a 2xx that is not JSON
(a web page at that address).
"""

import re
from typing import TYPE_CHECKING, Any, Callable, Iterable
from urllib.parse import urlsplit

from open_webui.utils.google_video.providers.base import ProbeResult, ProviderError, probe_result

if TYPE_CHECKING:
    from open_webui.utils.google_video.providers.http import Answer

_VERSION_TAIL = re.compile(r"/(v\d+(?:(?:alpha|beta)\d*)?)/*$", re.IGNORECASE)


def from_answer(answer: "Answer", *, error_for: Callable[["Answer"], ProviderError],
                envelope: Callable[[Any], bool], ok_message: str, method: str, url: str, hint: str,
                ok_statuses: Iterable[int] = (404,), setting: str = "base URL") -> ProbeResult:
    """`url`: what the probe asked (shown without credentials or query); `hint`: what the admin
    probably has to change; `setting`: the setting that decides where requests go."""
    status, asked = answer.status, f"{method} {_shown(url)}"
    if 300 <= status < 400:
        where = answer.headers.get("Location") or answer.headers.get("location")
        where = _shown(where)[:300] if where else "elsewhere"
        return wrong_url(f"{asked} answered with a redirect (HTTP {status}) to {where}: set the {setting} to the "
                         "address it leads to.", "", setting)
    if 200 <= status < 300:
        if answer.decoded() is None:
            return wrong_url(f"{asked} answered HTTP {status} with something that is not the API's JSON (a web page?).",
                             hint, setting)
        return probe_result(None, ok_message)
    error = error_for(answer)
    if error.kind in ("auth", "rate_limited", "server"):  # the service itself answered about the key or its state
        return probe_result(error, ok_message)
    if status in (*ok_statuses, 404, 405) and not envelope(answer.decoded()):
        return wrong_url(f"{asked} answered HTTP {status} without the service's own error (the path does not exist "
                         "on that server), so the credentials were not checked.", hint, setting)
    return probe_result(error, ok_message, ok_statuses=tuple(ok_statuses))


def wrong_url(what: str, hint: str, setting: str = "base URL") -> ProbeResult:
    return ProbeResult(False, "wrong_url", " ".join(p for p in (f"The {setting} looks wrong:", what, hint) if p))


def _shown(url: str) -> str:
    """The URL without credentials, query or fragment (a redirect's may carry a signature)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return "an unusable address"
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}{parts.path}" if parts.scheme else parts.path


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/")


def google_hint(base_url: str, default: str) -> str:
    """For a Gemini API base URL: the module adds /v1beta/… itself."""
    if tail := _VERSION_TAIL.search(_path(base_url) + "/"):
        return f"The base URL should end at the host, without /{tail.group(1)} (the module adds /v1beta/… itself)."
    return f"It is the address before /v1beta/… (for Google: {default})."


def vertex_hint(endpoint: str) -> str:
    if _path(endpoint):
        return ("The API endpoint should be the host only, e.g. https://us-central1-aiplatform.googleapis.com "
                "(the module adds /v1/projects/… itself); leave it empty for Google's.")
    return "Check the API endpoint and the location, or leave the endpoint empty for Google's."


def openai_hint(base_url: str) -> str:
    path = _path(base_url)
    if path.lower().endswith("/videos"):
        return "The base URL should stop before /videos (the module adds /videos/… itself), usually at /v1."
    if not _VERSION_TAIL.search(path + "/"):
        return ("An OpenAI-compatible base URL usually ends in /v1, e.g. https://api.openai.com/v1 or "
                "https://RESOURCE.openai.azure.com/openai/v1.")
    return "It is the address the gateway serves /videos under (the module adds /videos/… itself)."


def relay_hint(base_url: str) -> str:
    path = _path(base_url)
    if path.lower().endswith(("/google/v1", "/google", "/v1")):
        return "The relay's base URL should end at the host (the module adds /google/v1/… itself)."
    return "It is the relay's address before /google/v1/… (usually just the host)."


def google_envelope(body: Any) -> bool:
    """Google's {"error": {"code": 404, "message", "status": "NOT_FOUND"}}; its "Method not found." is
    what a front end says for a path no API method has."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not isinstance(error.get("message"), str):
        return False
    if error["message"].strip().lower().startswith("method not found"):
        return False
    return isinstance(error.get("status"), str) or isinstance(error.get("code"), int)


def openai_envelope(body: Any) -> bool:
    """OpenAI's {"error": {"message", "type", "param", "code"}}, except its "Invalid URL (GET /…)" for a
    route it does not have (and Azure's "Resource not found" for a deployment path it does not have)."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not isinstance(error.get("message"), str):
        return False
    message = error["message"].strip()
    if message.startswith("Invalid URL") or message.lower() == "resource not found":
        return False
    return "type" in error or "code" in error


def relay_envelope(body: Any) -> bool:
    """new-api's task error {"code": "task_not_exist", "message", "data"} (or an OpenAI-style error from
    the same relay for something other than an unknown route)."""
    if isinstance(body, dict) and isinstance(body.get("code"), str) and body["code"]:
        return True
    return openai_envelope(body)
