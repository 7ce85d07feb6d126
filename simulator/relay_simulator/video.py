"""Real, playable H.264 MP4 files made with PyAV: animated frames, or the input image as frame one."""

import hashlib
import tempfile
from pathlib import Path
from typing import Optional

import av
import numpy as np
from PIL import Image

WIDTH, HEIGHT, FPS = 320, 180, 24


def _fit(image: Image.Image) -> np.ndarray:
    canvas = Image.new("RGB", (WIDTH, HEIGHT), (0, 0, 0))
    image = image.convert("RGB")
    image.thumbnail((WIDTH, HEIGHT))
    canvas.paste(image, ((WIDTH - image.width) // 2, (HEIGHT - image.height) // 2))
    return np.asarray(canvas, dtype=np.uint8)


def _text_background(seed: str) -> np.ndarray:
    h = hashlib.sha256(seed.encode()).digest()
    y = np.linspace(0, 1, HEIGHT)[:, None, None]
    x = np.linspace(0, 1, WIDTH)[None, :, None]
    a = np.array([h[0], h[1], h[2]], dtype=float)
    b = np.array([h[3], h[4], h[5]], dtype=float)
    return (a * (1 - x) * (1 - y) + b * x * y + 40).clip(0, 255).astype(np.uint8)


def make_mp4(duration: float, seed: str = "", first_frame: Optional[Image.Image] = None) -> bytes:
    base = _fit(first_frame) if first_frame is not None else _text_background(seed)
    # faststart (moov first, so a browser can play while downloading) needs a real file to rewrite.
    with tempfile.NamedTemporaryFile(suffix=".mp4") as tmp:
        _encode(tmp.name, base, duration, first_frame is not None)
        return Path(tmp.name).read_bytes()


def _encode(path: str, base: np.ndarray, duration: float, keep_first_frame: bool) -> None:
    with av.open(path, mode="w", format="mp4", options={"movflags": "faststart"}) as container:
        stream = container.add_stream("libx264", rate=FPS, options={"preset": "ultrafast", "crf": "28"})
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        frames = max(1, int(duration * FPS))
        for i in range(frames):
            frame = base.copy()
            if i > 0 or not keep_first_frame:  # frame one stays the user's image untouched
                x = int((WIDTH - 24) * i / max(1, frames - 1))
                frame[HEIGHT - 20:HEIGHT - 8, x:x + 24] = (255, 255, 255)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
