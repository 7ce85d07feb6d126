"""Untrusted text in what the module writes into the host's chat.

A prompt, a provider's failure text, a model name from the admin's custom models or an argument a
model made up can hold markup. The message, the confirmation dialog and the tool's answer (which a
model repeats into its reply) are rendered as markdown by the host (marked with its own extensions:
KaTeX, mentions, {{VIDEO_FILE_ID_…}} tokens), so `escape()` turns such a string into one line that
renders as exactly its characters there: no HTML, heading, list, link, image, emphasis, code, math,
mention, table or autolink. It is the one function every untrusted string goes through on its way
into markdown (bridge.py, delivery.py).

It escapes with backslashes, not HTML entities: the host shows a message's text tokens as their raw
source, so "&lt;" would be shown as those four characters, while "\\<" is shown as "<" both there
and in the dialog. `(`, `)` and `]` are left alone on purpose: "\\(", "\\)", "\\[" and "\\]" pair up
as math delimiters in the host's KaTeX extension; escaping "[" alone already stops links and images,
and "\\[" never finds a closing "\\]" (a backslash of the input becomes "\\\\").

Status lines and toasts are plain text in the host (a Svelte text node), where a backslash would show;
they get `one_line()`, the same cleaning without the markdown escapes.
"""

import re

from open_webui.utils.google_video.guards.text_input import visible_text

# Everywhere: markup, emphasis, code, math, mentions, tables, template tokens, links/images ("[").
_ALWAYS = re.compile(r"([\\`*_~\[#|$<>&{}@])")
# Autolinks: "https://…", "www.…" (an e-mail address is stopped by its escaped "@").
_AUTOLINK = re.compile(r"(:)(?=//)|(?<=www)(\.)", re.IGNORECASE)
# What makes a block at the start of a line: a list item, a thematic break or a setext underline.
_LINE_START = re.compile(r"^([-+=])|^(\d{1,9})([.)])")
_SPACES = re.compile(r"\s+")


def one_line(text: object, limit: int = 300) -> str:
    """`text` as one line of at most `limit` characters: invisible and control characters (bidi
    overrides that reorder what is shown, zero-width ones) removed, whitespace runs made one space."""
    cleaned = _SPACES.sub(" ", visible_text(str(text or ""))).strip()
    cleaned = "".join(c for c in cleaned if c.isprintable())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


def escape(text: object, limit: int = 300) -> str:
    """`text` as one line of markdown that shows exactly its characters (see the module's doc)."""
    line = one_line(text, limit)
    line = _ALWAYS.sub(r"\\\1", line)
    line = _AUTOLINK.sub(lambda m: "\\" + (m.group(1) or m.group(2)), line)
    return _LINE_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), line)
