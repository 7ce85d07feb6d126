"""Hostile uploads and oversized bodies, sent over real sockets to the real host."""

import io
import select
import socket
import struct
import zlib
from urllib.parse import urlsplit

import pytest
from PIL import Image

from helpers import png_bytes

PREFIX = "/api/v1/google-video"
MB = 1024 * 1024


def upload(user, data: bytes, name="frame.png", content_type="image/png"):
    return user.request("POST", "/upload-image", files={"file": (name, data, content_type)})


def fetch_copy(user, body: dict) -> bytes:
    r = user.request("GET", f"/uploads/{body['id']}")
    assert r.status_code == 200
    return r.content


def stream_chunked(base_url: str, token: str, path: str, total_bytes: int) -> tuple[str, int]:
    """Send a chunked body of up to `total_bytes`, stopping as soon as the server answers.
    Returns (the status line, bytes sent)."""
    parts = urlsplit(base_url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
    sock.sendall((
        f"POST {PREFIX}{path} HTTP/1.1\r\nHost: {parts.netloc}\r\nAuthorization: Bearer {token}\r\n"
        "Content-Type: multipart/form-data; boundary=xyz\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode())
    chunk = b"\0" * MB
    framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent = 0
    try:
        head = (b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
                b"Content-Type: image/png\r\n\r\n")
        sock.sendall(f"{len(head):x}\r\n".encode() + head + b"\r\n")
        while sent < total_bytes:
            if select.select([sock], [], [], 0)[0]:
                break  # the server has answered
            sock.sendall(framed)
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        response = sock.recv(4096).decode(errors="replace")
    finally:
        sock.close()
    return response.split("\r\n", 1)[0], sent


def test_a_declared_oversized_upload_is_refused_before_reading(user):
    r = upload(user, b"\0" * (11 * MB))
    assert r.status_code == 413 and "10 MB" in r.json()["detail"]


def test_a_streamed_1gb_upload_is_cut_off_at_the_limit(user):
    status, sent = stream_chunked(user.base_url, user.token, "/upload-image", 1024 * MB)
    assert " 413 " in status + " "
    assert sent < 64 * MB, f"the server read {sent // MB} MB before refusing"


def test_an_oversized_json_body_is_refused_by_its_declared_length(user):
    parts = urlsplit(user.base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall((
            f"POST {PREFIX}/image-to-video HTTP/1.1\r\nHost: {parts.netloc}\r\nAuthorization: Bearer {user.token}\r\n"
            "Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{"
        ).encode())
        assert b" 413 " in sock.recv(4096)


def test_admin_bodies_are_capped_too(configured):
    r = configured.request("POST", "/config", content=b"{" + b" " * (2 * MB) + b"}",
                           headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_a_text_file_named_png_is_refused(user):
    r = upload(user, b"just some text, not an image\n" * 20, name="photo.png")
    assert r.status_code == 400 and "not a readable PNG, JPEG or WebP" in r.json()["detail"]


def test_a_truncated_image_is_refused(user):
    data = png_bytes(size=(400, 300))
    r = upload(user, data[: len(data) // 2])
    assert r.status_code == 400


def test_gif_and_svg_are_refused(user):
    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, format="GIF")
    assert upload(user, gif.getvalue(), "a.gif", "image/gif").status_code == 400
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert upload(user, svg, "a.svg", "image/svg+xml").status_code == 400


def png_with_dimensions(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height (a decompression bomb's shape)."""
    raw = bytearray(png_bytes(size=(4, 4)))
    ihdr = struct.pack(">II", width, height) + bytes(raw[24:29])
    raw[16:29] = ihdr
    raw[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(raw)


def test_a_decompression_bomb_is_refused_before_decoding(user):
    r = upload(user, png_with_dimensions(50_000, 50_000))
    assert r.status_code == 400 and "too many pixels" in r.json()["detail"]


def test_a_polyglot_loses_its_payload(user):
    payload = b"PK\x03\x04<script>alert('x')</script>"
    body = upload(user, png_bytes() + payload).json()
    copy = fetch_copy(user, body)
    assert payload not in copy and copy.startswith(b"\x89PNG")


def test_exif_is_stripped_and_names_are_random(user):
    exif = Image.Exif()
    exif[0x013B] = "Secret Photographer"  # Artist
    exif[0x010F] = "SecretCam"  # Make
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (1, 2, 3)).save(out, format="JPEG", exif=exif.tobytes())
    body = upload(user, out.getvalue(), name="../../etc/passwd.jpg", content_type="image/jpeg").json()
    copy = fetch_copy(user, body)
    assert b"Secret" not in copy
    assert not Image.open(io.BytesIO(copy)).getexif()
    assert len(body["id"]) == 32 and "passwd" not in body["url"]


@pytest.mark.parametrize("name", ["a.png", "a.jpg", "a.webp"])
def test_uploads_of_other_users_are_invisible(user, other_user, name):
    fmt = {"png": "PNG", "jpg": "JPEG", "webp": "WEBP"}[name.split(".")[1]]
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (9, 9, 9)).save(out, format=fmt)
    body = upload(user, out.getvalue(), name=name, content_type="image/" + fmt.lower()).json()
    assert other_user.request("GET", f"/uploads/{body['id']}").status_code == 404
    assert user.request("GET", f"/uploads/{body['id']}").status_code == 200
