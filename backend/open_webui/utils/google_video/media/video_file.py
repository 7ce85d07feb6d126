"""Recognise video containers by their bytes and read an MP4's duration without decoding it."""

import io
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


class MoovCatcher:
    """Finds the top-level `moov` box in a stream of MP4 bytes, so the duration is known without
    keeping the file; `moov` is small (kilobytes to a few MB) wherever it sits in the file."""

    MAX_MOOV_BYTES = 32 * 1024 * 1024

    def __init__(self):
        self._offset = 0  # stream position of the next byte fed
        self._box_start = 0  # stream position of the next top-level box header
        self._header = b""
        self._moov: Optional[bytearray] = None
        self._moov_size = 0
        self.moov: Optional[bytes] = None

    def feed(self, chunk: bytes) -> None:
        pos = 0
        while pos < len(chunk) and self.moov is None:
            here = self._offset + pos
            if self._moov is not None:
                take = chunk[pos:pos + self._moov_size - len(self._moov)]
                self._moov += take
                pos += len(take)
                if len(self._moov) == self._moov_size:
                    self.moov = bytes(self._moov)
                continue
            if here < self._box_start:  # inside a box we skip (mdat and the like)
                pos += min(len(chunk) - pos, self._box_start - here)
                continue
            need = 16 - len(self._header)
            self._header += chunk[pos:pos + need]
            pos += min(need, len(chunk) - pos)
            if len(self._header) < 16:
                continue
            size, kind = struct.unpack(">I4s", self._header[:8])
            if size == 1:
                size = struct.unpack(">Q", self._header[8:16])[0]
            if size < 8:
                self.moov = b""  # size 0 (to end of file) or malformed: give up
                return
            if kind == b"moov":
                if size > self.MAX_MOOV_BYTES:
                    self.moov = b""
                    return
                self._moov, self._moov_size = bytearray(self._header[:size]), size
                if len(self._moov) == size:
                    self.moov = bytes(self._moov)
            # A box shorter than the 16 bytes read already ends inside them: the rest is the next header.
            self._header = self._header[size:] if size < len(self._header) else b""
            self._box_start += size
        self._offset += len(chunk)

    def duration_seconds(self) -> Optional[float]:
        if not self.moov:
            return None
        return mp4_duration_seconds(io.BytesIO(self.moov))
