"""An in-process provider for tests: no network, scripted from the prompt, and it can cancel.

It shows that a provider is one module behind the registry (the poller, submit, cancel and the
catalogue find it there like any other) and gives the poller's decisions fast tests. Registered
only when GOOGLE_VIDEO_FAKE_PROVIDER=1 (test servers); its tasks live in this process's memory.

Directives in the prompt, e.g. "a cat [fake:polls=2;progress=40]":
    polls=N       the Nth query reports SUCCESS (default: never finishes)
    fail=REASON   the Nth query reports FAILURE with REASON (refuse: as a content refusal)
    progress=P    the figure reported while running (default: none)
    video_url=U   the result URL reported on SUCCESS
    cancel_error  cancelling fails as an unreachable service would
"""

import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from open_webui.utils.google_video.model_spec import ALL_IMAGE_ROLES, ALL_PARAMETERS, ProviderSupport, VideoModel
from open_webui.utils.google_video.providers.base import (
    ProbeResult,
    ProviderContext,
    ProviderError,
    ProviderStatus,
    Setting,
    VideoJob,
    VideoProvider,
)
from open_webui.utils.google_video.task_status import TaskStatus

if TYPE_CHECKING:
    from open_webui.models.google_video import GoogleVideoConfigModel

_DIRECTIVES = re.compile(r"\[fake:([^\]]*)\]")


@dataclass
class FakeTask:
    job: VideoJob
    script: dict[str, str]
    queries: int = 0
    cancelled: bool = False


class FakeProvider(VideoProvider):
    name = "fake"
    label = "Fake (tests)"
    can_cancel = True
    public_results = True
    settings = (Setting("token", "token", secret=True),)  # unused: it shows a provider's secret setting at work
    # Every unified parameter, so tests can see each one accepted and passed on.
    models = (
        VideoModel("fake-video", "Fake Video", "text", 10, aspect_ratios=("16:9", "9:16", "1:1"), durations=(4, 6, 8),
                   default_duration=8, resolutions=("720p", "1080p"), negative_prompt=True, seed=True, audio=True),
        VideoModel("fake-frames", "Fake Frames", "image", 20, 2, "first_last_frame", durations=(4, 8), default_duration=4),
    )
    # It keeps whatever job it is given (tests read it back), but a remix or an extension would be
    # a new scripted task like any other: it declares no operation.
    supports = ProviderSupport(image_roles=ALL_IMAGE_ROLES, parameters=ALL_PARAMETERS)
    tasks: dict[str, FakeTask] = {}
    _ids = itertools.count(1)

    @classmethod
    def build(cls, config: "GoogleVideoConfigModel", context: ProviderContext) -> "FakeProvider":
        return cls()

    async def submit(self, job: VideoJob) -> str:
        script = {}
        for block in _DIRECTIVES.findall(job.prompt):
            for item in filter(None, (p.strip() for p in block.split(";"))):
                key, _, value = item.partition("=")
                script[key.strip()] = value.strip()
        external_id = f"fake-{next(self._ids)}"
        self.tasks[external_id] = FakeTask(job, script)
        return external_id

    async def query(self, external_task_id: str) -> ProviderStatus:
        task = self.tasks.get(external_task_id)
        if task is None:
            raise ProviderError("not_found", f"no fake task {external_task_id}")
        task.queries += 1
        if task.cancelled:
            return ProviderStatus(TaskStatus.CANCELLED, "cancelled")
        s = task.script
        if "polls" in s and task.queries >= int(s["polls"]):
            if "fail" in s or "refuse" in s:
                return ProviderStatus(TaskStatus.FAILURE, "failed", fail_reason=s.get("fail") or "blocked by the safety filter",
                                      content_refused="refuse" in s)
            return ProviderStatus(TaskStatus.SUCCESS, "done", progress=100, video_url=s.get("video_url"))
        progress: Optional[int] = int(s["progress"]) if "progress" in s else None
        return ProviderStatus(TaskStatus.IN_PROGRESS, "running", progress=progress)

    async def cancel(self, external_task_id: str) -> None:
        task = self.tasks.get(external_task_id)
        if task is None:
            raise ProviderError("not_found", f"no fake task {external_task_id}")
        if "cancel_error" in task.script:
            raise ProviderError("unreachable", "the fake service did not answer")
        task.cancelled = True

    async def probe(self) -> ProbeResult:
        return ProbeResult(True, "ok", "The fake provider is always reachable.")
