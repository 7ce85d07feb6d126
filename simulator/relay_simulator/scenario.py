"""Per-task behaviour scripted from directives inside the prompt, e.g.

    "A red fox [sim:polls=4;query_http=500*2;fail=Content policy]"
    "A blocked result [sim:polls=1;video_url=http://10.0.0.1/a.mp4]"

so a test drives each task through the module's real API without any side channel.
"""

import re
from dataclasses import dataclass
from typing import Optional

_DIRECTIVE_RE = re.compile(r"\[sim:([^\]]*)\]", re.IGNORECASE)


@dataclass
class Scenario:
    polls: int = 3  # the Nth successful query reports the terminal state
    seconds: Optional[float] = None  # finish by wall time instead of by poll count
    fail: Optional[str] = None  # terminal FAILURE with this reason
    never: bool = False  # stays IN_PROGRESS forever
    novideo: bool = False  # SUCCESS without data.data.video_url
    video: str = "ok"  # ok | notvideo | missing | big:MB (a streamed MB-sized MP4-like file)
    video_url: Optional[str] = None  # report this URL instead of the simulator's own
    statuses: tuple[str, ...] = ()  # raw statuses for the first queries (QUEUED, UNKNOWN, ...)
    submit_http: Optional[int] = None
    submit_code: Optional[str] = None
    submit_delay: float = 0.0
    query_http: Optional[int] = None
    query_http_count: int = 0
    query_malformed: int = 0
    query_code: int = 0  # the first N queries answer code != "success"
    query_delay: float = 0.0
    duration: float = 2.0


def parse_scenario(prompt: str) -> Scenario:
    s = Scenario()
    for block in _DIRECTIVE_RE.findall(prompt or ""):
        for item in filter(None, (p.strip() for p in block.split(";"))):
            key, _, value = item.partition("=")
            key, value = key.strip().lower(), value.strip()
            if key == "polls":
                s.polls = max(1, int(value))
            elif key == "seconds":
                s.seconds = float(value)
            elif key == "fail":
                s.fail = value or "generation failed"
            elif key in ("never", "novideo"):
                setattr(s, key, True)
            elif key == "video":
                s.video = value
            elif key == "video_url":
                s.video_url = value
            elif key == "statuses":
                s.statuses = tuple(v.strip() for v in value.split(",") if v.strip())
            elif key == "submit_http":
                s.submit_http = int(value)
            elif key == "submit_code":
                s.submit_code = value
            elif key == "submit_delay":
                s.submit_delay = float(value)
            elif key == "query_http":
                code, _, count = value.partition("*")
                s.query_http, s.query_http_count = int(code), int(count or 1)
            elif key == "query_malformed":
                s.query_malformed = int(value)
            elif key == "query_code":
                s.query_code = int(value)
            elif key == "query_delay":
                s.query_delay = float(value)
            elif key == "duration":
                s.duration = min(30.0, max(0.5, float(value)))
    return s
