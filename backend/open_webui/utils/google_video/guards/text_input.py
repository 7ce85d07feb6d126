"""Text from users: what a database can store, and what a person can actually see.

PostgreSQL text cannot hold NUL, and no UTF-8 encoder accepts an unpaired surrogate, so such
input is refused at the door with a clear message instead of failing at the database. Invisible
characters (format characters, variation selectors, fillers) are what a filter-evading prompt
hides between letters; `visible_text` removes them before a prompt is judged.
"""

import unicodedata
from typing import Any, Optional

MAX_DEPTH = 20
# Invisible but not in category Cf: variation selectors, the combining grapheme joiner, Hangul fillers.
_INVISIBLE_OTHER = {0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)}


def text_problem(text: str) -> Optional[str]:
    # C-speed checks only: image data URIs make these strings megabytes long.
    if "\x00" in text:
        return "Text must not contain NUL characters."
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "Text must not contain unpaired surrogate characters."
    return None


def find_unstorable_text(value: Any, depth: int = 0) -> Optional[str]:
    """The first problem in any string (or key) of a decoded JSON value, or None. A value nested
    deeper than MAX_DEPTH is a problem itself: no request of the module needs it, and what cannot
    be checked must not be stored (nor serialized later, which is where deep nesting fails)."""
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, (dict, list, tuple)) and depth >= MAX_DEPTH:
        return f"Values must not be nested more than {MAX_DEPTH} levels deep."
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        return None
    for item in items:
        if problem := find_unstorable_text(item, depth + 1):
            return problem
    return None


def is_invisible(char: str) -> bool:
    return unicodedata.category(char) == "Cf" or ord(char) in _INVISIBLE_OTHER


def visible_text(text: str) -> str:
    """`text` without invisible characters (zero-width spaces, joiners, soft hyphens, bidi marks, ...)."""
    return "".join(c for c in text if not is_invisible(c))
