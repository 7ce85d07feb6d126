"""The admin's blocked-words list, checked against a prompt before anything is charged."""

import re
import unicodedata
from typing import Optional

from open_webui.utils.google_video.guards.text_input import visible_text

MAX_BLOCKED_WORDS = 1000
MAX_BLOCKED_WORD_CHARS = 100


def normalize(text: str) -> str:
    """Case-, width- and spacing-insensitive form without invisible characters (NFKC folds
    full-width letters and digits; "b\u200bomb" and "b\u00adomb" read as "bomb")."""
    folded = unicodedata.normalize("NFKC", visible_text(text)).casefold()
    return re.sub(r"\s+", " ", visible_text(folded)).strip()


def clean_word_list(words: list[str]) -> list[str]:
    cleaned = sorted({normalize(w) for w in words if w and w.strip()})
    too_long = [w for w in cleaned if len(w) > MAX_BLOCKED_WORD_CHARS]
    if too_long:
        raise ValueError(f"Blocked words must be at most {MAX_BLOCKED_WORD_CHARS} characters")
    if len(cleaned) > MAX_BLOCKED_WORDS:
        raise ValueError(f"At most {MAX_BLOCKED_WORDS} blocked words")
    return cleaned


def _pattern(word: str) -> re.Pattern:
    # Latin words match whole words only ("ass" must not block "class"); other scripts, such as
    # Chinese, have no spaces between words and match anywhere.
    if word.isascii():
        return re.compile(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])")
    return re.compile(re.escape(word))


def find_blocked_word(prompt: str, words: list[str]) -> Optional[str]:
    text = normalize(prompt)
    for word in words:
        if _pattern(normalize(word)).search(text):
            return word
    return None
