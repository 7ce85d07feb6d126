"""Secrets at rest: encrypted under a key derived from WEBUI_SECRET_KEY, unreadable under another."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "backend"))
from google_video_bootstrap import extend_package_path  # noqa: E402

extend_package_path()

from open_webui.utils.google_video.guards import secret_box  # noqa: E402


def test_round_trip_and_no_plaintext_in_the_stored_form():
    stored = secret_box.encrypt("sk-relay-0123456789", master_key="host-secret")
    assert stored.startswith(secret_box.PREFIX) and "0123456789" not in stored
    assert secret_box.decrypt(stored, master_key="host-secret") == "sk-relay-0123456789"
    assert secret_box.encrypt("sk-relay-0123456789", master_key="host-secret") != stored  # random IV


def test_another_webui_secret_key_cannot_read_it():
    stored = secret_box.encrypt("sk-relay-0123456789", master_key="host-secret")
    with pytest.raises(secret_box.SecretUnreadable):
        secret_box.decrypt(stored, master_key="another-secret")


def test_values_from_before_encryption_read_as_plaintext():
    assert secret_box.decrypt("sk-legacy", master_key="host-secret") == "sk-legacy"
    assert secret_box.decrypt("", master_key="host-secret") == ""
