"""Provider text (error bodies, failure reasons) is shown to users, stored on tasks and in the
ledger, and logged: scrub every configured secret and anything that looks like a credential from
it first, and keep it short."""

import re
from typing import Any, Iterable

MAX_PROVIDER_TEXT = 300
REDACTED = "[redacted]"
MIN_SECRET_CHARS = 6  # shorter values would blank out ordinary words
_CREDENTIAL_RE = re.compile(
    # A value of 8 characters or more: credentials are long, and Google's "API key not valid" stays readable.
    r"(?i)(bearer\s+|api[-_ ]?key[\"'\s:=]+|x-goog-api-key[\"'\s:=]+|authorization[\"'\s:=]+(?!bearer))[^\s\"',;)}]{8,}"
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in sorted({s for s in secrets if s and len(s) >= MIN_SECRET_CHARS}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return _CREDENTIAL_RE.sub(lambda m: m.group(1) + REDACTED, text)


def provider_text(text: str, secrets: Iterable[str] = (), limit: int = MAX_PROVIDER_TEXT) -> str:
    """Redacted, on one line, at most `limit` characters."""
    text = " ".join(redact(text, secrets).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Longer strings are payload (a base64 video), not text a person reads: left as they are.
_MAX_SCRUBBED_STRING = 64 * 1024


def scrub(value: Any, secrets: Iterable[str] = ()) -> Any:
    """`value` (decoded JSON) with every string redacted: escapes such as \\u0041 in the raw text
    hide a secret from redacting the text, not from redacting what it decodes to."""
    if isinstance(value, str):
        return redact(value, secrets) if len(value) <= _MAX_SCRUBBED_STRING else value
    if isinstance(value, list):
        return [scrub(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v, secrets) for k, v in value.items()}
    return value
