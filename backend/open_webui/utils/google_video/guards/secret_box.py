"""Encryption at rest for the operator's secrets (relay API key, storage keys).

The key is derived from WEBUI_SECRET_KEY, so a copied database alone does not reveal them.
If WEBUI_SECRET_KEY changes, stored secrets cannot be read and must be entered again.
"""

import base64
import logging
from functools import lru_cache
from typing import Optional

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)

PREFIX = "gvenc:v1:"


class SecretUnreadable(Exception):
    """The stored secret was encrypted under a different WEBUI_SECRET_KEY."""


@lru_cache(maxsize=4)
def _fernet(master_key: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"open-webui-google-video", info=b"secrets-at-rest v1"
    ).derive(master_key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(derived))


def _master_key() -> str:
    from open_webui.env import WEBUI_SECRET_KEY

    if not WEBUI_SECRET_KEY:
        raise RuntimeError("WEBUI_SECRET_KEY is not set; the module cannot protect stored secrets")
    return WEBUI_SECRET_KEY


def encrypt(plaintext: str, master_key: Optional[str] = None) -> str:
    if not plaintext:
        return ""
    return PREFIX + _fernet(master_key or _master_key()).encrypt(plaintext.encode("utf-8")).decode("ascii")


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


def decrypt(stored: str, master_key: Optional[str] = None) -> str:
    """Plaintext of a stored value; a value without the prefix predates encryption and is returned as is."""
    if not stored or not is_encrypted(stored):
        return stored
    try:
        return _fernet(master_key or _master_key()).decrypt(stored[len(PREFIX):].encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        raise SecretUnreadable("a stored secret cannot be decrypted with the current WEBUI_SECRET_KEY")
