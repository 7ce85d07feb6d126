"""Plain functions, without the web stack: wire-format parsing, file sniffing, image cleaning."""

import io
import sys
from pathlib import Path

import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "backend"))
from google_video_bootstrap import extend_package_path  # noqa: E402

extend_package_path()

from open_webui.utils.google_video.media import images  # noqa: E402
from open_webui.utils.google_video.providers.base import ProviderError  # noqa: E402
from open_webui.utils.google_video.providers.relay import (  # noqa: E402
    normalize_status,
    parse_progress,
    parse_task_status,
)
from open_webui.utils.google_video.media.video_file import mp4_duration_seconds, sniff_container  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "simulator"))
from relay_simulator.video import make_mp4  # noqa: E402

DOC_EXAMPLE = {"code": "success", "message": "", "data": {
    "task_id": "f0aa213c", "notify_hook": "", "action": "google-videos", "status": "SUCCESS", "fail_reason": "",
    "submit_time": 1750221308, "start_time": 0, "finish_time": 1750221572, "progress": "100%",
    "data": {"id": "f0aa213c", "status": "completed", "video_url": "https://filesystem.site/cdn/a.mp4",
             "status_update_time": 1750221453056}}}


def test_documented_status_response_is_read_from_the_nested_result():
    s = parse_task_status(DOC_EXAMPLE)
    assert (s.status, s.progress, s.video_url, s.terminal) == ("SUCCESS", 100, "https://filesystem.site/cdn/a.mp4", True)
    assert s.start_time is None and s.finish_time == 1750221572


@pytest.mark.parametrize("raw, expected", [
    ("NOT_START", "NOT_START"), ("SUBMITTED", "SUBMITTED"), ("QUEUED", "QUEUED"), ("IN_PROGRESS", "IN_PROGRESS"),
    ("in_progress", "IN_PROGRESS"), ("SUCCESS", "SUCCESS"), ("FAILURE", "FAILURE"),
    # UNKNOWN (new-api relays) and anything unheard of say nothing new: None keeps the task's state.
    ("UNKNOWN", None), ("something-new", None), (None, None), (3, None),
])
def test_status_mapping(raw, expected):
    assert normalize_status(raw) == expected


@pytest.mark.parametrize("raw, expected", [("37%", 37), ("0%", 0), ("100%", 100), ("12.5%", 12), (55, 55),
                                           ("150%", 100), ("", None), ("abc", None), (None, None), (True, None)])
def test_progress_strings(raw, expected):
    assert parse_progress(raw) == expected


@pytest.mark.parametrize("body", [[], {"code": "success"}, {"code": "success", "data": "x"}])
def test_malformed_status_bodies_are_retryable_errors(body):
    with pytest.raises(ProviderError) as e:
        parse_task_status(body)
    assert e.value.retryable


def test_code_other_than_success_is_retryable():
    with pytest.raises(ProviderError) as e:
        parse_task_status({"code": "get_task_failed", "message": "busy", "data": None})
    assert e.value.retryable and "busy" in e.value.message


def test_failure_without_inner_data():
    s = parse_task_status({"code": "success", "data": {"status": "FAILURE", "fail_reason": "policy", "data": None}})
    assert (s.status, s.fail_reason, s.video_url) == ("FAILURE", "policy", None)


def test_container_sniffing_and_mp4_duration():
    mp4 = make_mp4(1.5, "unit")
    assert sniff_container(mp4[:16]) == "mp4"
    assert sniff_container(b"\x1a\x45\xdf\xa3" + b"\0" * 12) == "webm"
    assert sniff_container(b"<html>hello</html>") is None
    assert mp4_duration_seconds(io.BytesIO(mp4)) == 1.5
    assert mp4_duration_seconds(io.BytesIO(b"\0\0\0\x10ftypisom\0\0\0\0")) is None


def test_clean_image_strips_exif_and_trailing_bytes():
    raw = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    Image.new("RGB", (20, 10), (1, 2, 3)).save(raw, format="JPEG", exif=exif)
    clean = images.clean_image(raw.getvalue() + b"<?php appended ?>")
    assert clean.mime_type == "image/jpeg" and (clean.width, clean.height) == (20, 10)
    assert b"SecretCam" not in clean.data and b"<?php" not in clean.data


def test_clean_image_refuses_bombs_and_non_images():
    bomb = io.BytesIO()
    Image.new("1", (8000, 8000)).save(bomb, format="PNG")  # 64 Mpx, a few KB on disk
    with pytest.raises(images.ImageInputError, match="too many pixels"):
        images.clean_image(bomb.getvalue())
    with pytest.raises(images.ImageInputError, match="not a readable"):
        images.clean_image(b"GIF89a" + b"\0" * 50)
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    with pytest.raises(images.ImageInputError, match="Only PNG, JPEG and WebP"):
        images.clean_image(gif.getvalue())


def test_upload_references():
    ref = "0123456789abcdef0123456789abcdef"
    assert images.upload_id_from_reference(images.UPLOAD_URL_PREFIX + ref) == ref
    assert images.upload_id_from_reference(ref) == ref
    assert images.upload_id_from_reference(images.UPLOAD_URL_PREFIX + "../../etc/passwd") is None
