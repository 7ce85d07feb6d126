"""Provider text (error bodies, failure reasons) is shown to users, stored on tasks and in the
ledger, and logged: scrub every configured secret and anything that looks like a credential from
it first, and keep it short.

A secret is found however the text writes it: as is, or with any of its characters as a JSON
escape (\\u0073, \\/, \\n): a raw answer can hide a key that way from a plain search, and a
decoded one can carry the escapes as literal text."""

import functools
import json
import re
from typing import Any, Iterable, Optional

MAX_PROVIDER_TEXT = 300
REDACTED = "[redacted]"
MIN_SECRET_CHARS = 6  # shorter values would blank out ordinary words
_CREDENTIAL_RE = re.compile(
    # A value of 8 characters or more: credentials are long, and Google's "API key not valid" stays readable.
    r"(?i)(bearer\s+|api[-_ ]?key[\"'\s:=]+|x-goog-api-key[\"'\s:=]+|authorization[\"'\s:=]+(?!bearer))[^\s\"',;)}]{8,}"
)
# Provider text longer than this is cut before the costlier steps (never inside a secret).
_PRE_CUT_CHARS = 16 * 1024
_MAX_ESCAPED_CHAR = len("\\u0000")


def _usable(secrets: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({s for s in secrets if s and len(s) >= MIN_SECRET_CHARS}, key=len, reverse=True))


def _char_forms(c: str) -> str:
    """A regex for one character of a secret: itself or any JSON escape of it."""
    hex_digits = "".join(f"[{d.lower()}{d.upper()}]" if d.isalpha() else d for d in f"{ord(c):04x}")
    forms = {re.escape(c), r"\\u" + hex_digits}
    short = json.dumps(c)[1:-1]
    if short != c:  # \n, \", \\ ...
        forms.add(re.escape(short))
    if c == "/":
        forms.add(r"\\/")
    return "(?:" + "|".join(sorted(forms)) + ")"


@functools.lru_cache(maxsize=16)
def _escaped_secrets_re(secrets: tuple[str, ...]) -> Optional[re.Pattern]:
    if not secrets:
        return None
    return re.compile("|".join("".join(_char_forms(c) for c in secret) for secret in secrets))


def _redact_secrets(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    if "\\" in text and secrets:  # only an escape can still hide one
        text = _escaped_secrets_re(secrets).sub(REDACTED, text)
    return text


# What must follow a credential's label for _CREDENTIAL_RE to match ('=' is handled apart).
_LABEL_END_RE = re.compile(r"[\s\"':]")
_LONG_TEXT = 64 * 1024


def _may_hold_labelled_credential(text: str) -> bool:
    """False when _CREDENTIAL_RE cannot match: a quick scan that spares a long payload (a base64
    video of 90 MB costs the full pattern about 4 s) the costly one."""
    if len(text) <= _LONG_TEXT or _LABEL_END_RE.search(text):
        return True
    body = text.rstrip("=")
    return "=" in body or len(text) - len(body) >= 8  # base64 has '=' only as the last one or two


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    text = _redact_secrets(text, _usable(secrets))
    if not _may_hold_labelled_credential(text):
        return text
    return _CREDENTIAL_RE.sub(lambda m: m.group(1) + REDACTED, text)


def _cut_outside_secrets(text: str, secrets: tuple[str, ...], at: int) -> str:
    """`text[:at]`, or shorter so that no secret (in any of its forms) is cut in two."""
    if len(text) <= at:
        return text
    longest = max((len(s) for s in secrets), default=0) * _MAX_ESCAPED_CHAR
    window = text[: at + longest]
    pattern = _escaped_secrets_re(secrets)
    for match in pattern.finditer(window) if pattern else ():
        if match.start() < at < match.end():
            return text[: match.start()]
    return text[:at]


def provider_text(text: str, secrets: Iterable[str] = (), limit: int = MAX_PROVIDER_TEXT) -> str:
    """Redacted, on one line, at most `limit` characters, whatever the length of `text`."""
    usable = _usable(secrets)
    text = redact(_cut_outside_secrets(text, usable, _PRE_CUT_CHARS), usable)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scrub(value: Any, secrets: Iterable[str] = ()) -> Any:
    """`value` (decoded JSON) with every string redacted, whatever its length: escapes such as
    \\u0041 in the raw text hide a secret from redacting the text, not from redacting what it
    decodes to."""
    usable = _usable(secrets)
    return _scrub(value, usable)


def _scrub(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, list):
        return [_scrub(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, secrets) for k, v in value.items()}
    return value
