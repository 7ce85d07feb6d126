"""Recognise video containers by their bytes and read an MP4's duration without decoding it."""

import struct
from typing import BinaryIO, Optional

_WEBM_MAGIC = b"\x1a\x45\xdf\xa3"
_MP4_FIRST_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide"}
_CONTAINER_BOXES = {b"moov", b"trak", b"mdia"}


def sniff_container(head: bytes) -> Optional[str]:
    """Return 'mp4' (MP4/MOV), 'webm' or None from the first bytes of a file."""
    if len(head) >= 8 and head[4:8] in _MP4_FIRST_BOXES:
        return "mp4"
    if head.startswith(_WEBM_MAGIC):
        return "webm"
    return None


def _boxes(f: BinaryIO, start: int, end: int):
    pos = start
    while pos + 8 <= end:
        f.seek(pos)
        header = f.read(8)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header)
        header_len = 8
        if size == 1:
            size = struct.unpack(">Q", f.read(8))[0]
            header_len = 16
        elif size == 0:
            size = end - pos
        if size < header_len:
            return
        yield kind, pos + header_len, pos + size
        pos += size


def mp4_duration_seconds(f: BinaryIO) -> Optional[float]:
    """Duration from the movie header (moov/mvhd); None when the file has none."""
    f.seek(0, 2)
    end = f.tell()
    for kind, body, box_end in _boxes(f, 0, end):
        if kind != b"moov":
            continue
        for inner, inner_body, _ in _boxes(f, body, box_end):
            if inner != b"mvhd":
                continue
            f.seek(inner_body)
            version = f.read(1)
            if not version:
                return None
            f.read(3)
            if version[0] == 1:
                _, _, timescale, duration = struct.unpack(">QQIQ", f.read(28))
            else:
                _, _, timescale, duration = struct.unpack(">IIII", f.read(16))
            return round(duration / timescale, 3) if timescale else None
    return None
