"""Per-task behaviour scripted from directives inside the prompt, e.g.

    "A red fox [sim:polls=4;query_http=500*2;fail=Content policy]"
    "A blocked result [sim:polls=1;video_url=http://10.0.0.1/a.mp4]"

so a test drives each task through the module's real API without any side channel.

The progress figure a running task reports is chosen with `progress=`:

    time (default)  with seconds=S the figure grows with the time since submit (1..99%); with
                    polls=N it stays "0%" (counting polls is a test device, not a pace)
    stuck:N         "N%" on every poll until the task finishes (a figure that never moves)
    steps:K         the time-based figure rounded down to a multiple of K: it holds, then jumps
                    by K points (with seconds=S; "0%" with polls=N)
    jumpy           a figure unrelated to the real pace: it holds for 3-30 s, then jumps to the
                    time-based figure +-25 points, so it leaps ahead, stalls and goes backwards
                    (with polls=N: a random 1..99% on every poll); seeded per task, repeatable
    none            no "progress" field at all
    empty           "progress": "" (relays that send the field without a value)

A finished task reports "100%" (nothing with none, "" with empty).
"""

import random
import re
from dataclasses import dataclass
from typing import Optional, Union

_DIRECTIVE_RE = re.compile(r"\[sim:([^\]]*)\]", re.IGNORECASE)
PROGRESS_MODES = ("time", "stuck", "steps", "jumpy", "none", "empty")


@dataclass
class Scenario:
    polls: int = 3  # the Nth successful query reports the terminal state
    seconds: Optional[float] = None  # finish by wall time instead of by poll count
    fail: Optional[str] = None  # terminal FAILURE with this reason
    never: bool = False  # stays IN_PROGRESS forever
    novideo: bool = False  # SUCCESS without data.data.video_url
    refuse: bool = False  # finishes without a video: the output was blocked by the safety filters
    refuse_submit: bool = False  # the submit itself is refused for its content (HTTP 400)
    echo_auth: bool = False  # error messages and fail_reason repeat the request's Authorization header
    echo_hidden: bool = False  # echo_auth=hidden: the repeat after 64 KB of text, as JSON escapes (hostile_echo)
    retry_after: Optional[str] = None  # the Retry-After header of scripted 429s
    submit_http_count: int = 0  # submit_http=429*N: only the first N submits of this prompt fail (0 = all)
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
    progress: str = "time"  # time | stuck | steps | jumpy | none | empty (see the module docstring)
    progress_value: int = 0  # N of stuck:N, K of steps:K


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
            elif key in ("never", "novideo", "echo_auth", "refuse", "refuse_submit"):
                setattr(s, key, True)
                if key == "echo_auth" and value == "hidden":
                    s.echo_hidden = True
            elif key == "retry_after":
                s.retry_after = value
            elif key == "video":
                s.video = value
            elif key == "video_url":
                s.video_url = value
            elif key == "statuses":
                s.statuses = tuple(v.strip() for v in value.split(",") if v.strip())
            elif key == "submit_http":
                code, _, count = value.partition("*")
                s.submit_http, s.submit_http_count = int(code), int(count or 0)
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
            elif key == "progress":
                mode, _, number = value.lower().partition(":")
                if mode not in PROGRESS_MODES:
                    raise ValueError(f"unknown progress mode {value!r}")
                s.progress = mode
                if mode == "stuck":
                    s.progress_value = max(0, min(100, int(number or 0)))
                elif mode == "steps":
                    s.progress_value = max(1, min(100, int(number or 25)))
    return s


class ProgressFigure:
    """The progress figure one running task reports, per its scenario's progress mode.

    `at` gets the time-based figure the default mode reports (1..99 with seconds=S, 0 otherwise)
    and the time since submit; it returns a percentage, None (leave the field out) or "" (send it
    empty)."""

    JUMP_EVERY = (3.0, 30.0)  # jumpy: seconds a figure holds
    JUMP_SPREAD = 25  # jumpy: points around the time-based figure

    def __init__(self, scenario: Scenario, seed: str):
        self.s = scenario
        self._rng = random.Random(seed)
        self._changes: list[tuple[float, int]] = []  # jumpy with seconds: (from time, figure)

    def _jumpy_at(self, elapsed: float) -> int:
        seconds = self.s.seconds or 0.0
        while not self._changes or self._changes[-1][0] <= elapsed:
            start = self._changes[-1][0] + self._rng.uniform(*self.JUMP_EVERY) if self._changes else 0.0
            true = 100 * start / seconds if seconds > 0 else 100
            self._changes.append((start, max(1, min(99, round(true + self._rng.uniform(-1, 1) * self.JUMP_SPREAD)))))
        return [figure for start, figure in self._changes if start <= elapsed][-1]

    def at(self, time_figure: int, elapsed: float) -> Union[int, str, None]:
        mode = self.s.progress
        if mode == "stuck":
            return self.s.progress_value
        if mode == "steps":
            return time_figure // self.s.progress_value * self.s.progress_value
        if mode == "jumpy":
            if self.s.seconds is None:
                return self._rng.randint(1, 99)
            return self._jumpy_at(elapsed)
        if mode == "none":
            return None
        if mode == "empty":
            return ""
        return time_figure

    def finished(self) -> Union[int, str, None]:
        return {"none": None, "empty": ""}.get(self.s.progress, 100)


def submit_fails(scenario: Scenario, prompt: str, counts: dict) -> bool:
    """Whether this submit gets the scripted submit_http; with submit_http=CODE*N only the first N
    submits of this prompt do (`counts`: the simulator's submits per prompt)."""
    if not scenario.submit_http:
        return False
    if not scenario.submit_http_count:
        return True
    counts[prompt] = counts.get(prompt, 0) + 1
    return counts[prompt] <= scenario.submit_http_count


def poll_fault(task, kinds: tuple[str, ...] = ("http", "malformed")) -> Optional[str]:
    """Which scripted fault answers this poll of `task` (it has `scenario`, `queries` counting this
    poll, and `good_queries`), in the order of `kinds`: "http", "malformed", "code"; None when it
    gets a real answer (then counted as good)."""
    s = task.scenario
    limits = {"http": s.query_http_count if s.query_http else 0, "malformed": s.query_malformed, "code": s.query_code}
    faults_given, used = task.queries - 1 - task.good_queries, 0
    for kind in kinds:
        used += limits[kind]
        if faults_given < used:
            return kind
    task.good_queries += 1
    return None
