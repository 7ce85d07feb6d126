"""The poller's decisions, driven by the in-process fake provider: no server, no database."""

import asyncio

import pytest

from host_env import throwaway_host_env

with throwaway_host_env():
    from open_webui.models.google_video import GoogleVideoTaskModel, TaskStatus
    from open_webui.utils.google_video.worker.poller import TIMEOUT_VERIFY_GRACE_SECONDS, decide, decide_error
    from open_webui.utils.google_video.providers.base import ProviderError, VideoJob
    from open_webui.utils.google_video.providers.fake import FakeProvider

T0 = 1_800_000_000


def task(**over) -> GoogleVideoTaskModel:
    values = dict(id="t1", user_id="u", task_type="text_to_video", provider="fake", status="SUBMITTED", model="fake-video",
                  prompt="p", enhance_prompt=False, progress=0, cloud_upload_status="pending", credits_cost=10,
                  credits_refunded=0, next_poll_at=T0, deadline_at=T0 + 600, poll_count=1, error_streak=0,
                  created_at=T0, updated_at=T0, external_task_id="x")
    return GoogleVideoTaskModel(**{**values, **over})


def status_after(prompt: str, queries: int):
    provider = FakeProvider()
    external_id = asyncio.run(provider.submit(VideoJob(model="fake-video", prompt=prompt)))
    for _ in range(queries - 1):
        asyncio.run(provider.query(external_id))
    return asyncio.run(provider.query(external_id))


def test_a_running_task_is_saved_with_its_progress_and_next_poll():
    d = decide(task(progress=10), status_after("a [fake:progress=40]", 1), 5, T0 + 30)
    assert d.action == "wait"
    assert d.values["status"] == TaskStatus.IN_PROGRESS and d.values["progress"] == 40
    assert d.values["provider_status"] == "running" and d.values["next_poll_at"] > T0 + 30
    assert d.values["poll_count"] == 2 and d.values["error_streak"] == 0


def test_progress_never_goes_backwards_and_stays_below_100_until_delivered():
    assert decide(task(progress=60), status_after("a [fake:progress=30]", 1), 5, T0 + 30).values["progress"] == 60
    assert decide(task(progress=60), status_after("a [fake:progress=100]", 1), 5, T0 + 30).values["progress"] == 99


def test_success_with_a_video_is_delivered_and_without_one_fails():
    assert decide(task(), status_after("a [fake:polls=1;video_url=https://cdn.example/v.mp4]", 1), 5, T0 + 9).action == "deliver"
    d = decide(task(), status_after("a [fake:polls=1]", 1), 5, T0 + 9)
    assert (d.action, d.reason) == ("fail", "The video service reported success but returned no video.")


def test_failures_and_content_refusals_say_so():
    d = decide(task(), status_after("a [fake:polls=2;fail=quota]", 2), 5, T0 + 9)
    assert (d.action, d.reason) == ("fail", "The video service reported a failure: quota")
    d = decide(task(), status_after("a [fake:polls=1;refuse]", 1), 5, T0 + 9)
    assert d.action == "fail" and d.reason.startswith("The video service refused the content")


def test_past_the_deadline_a_running_task_times_out():
    assert decide(task(), status_after("a", 1), 5, T0 + 600).action == "timeout"


def test_errors_back_off_then_time_out_after_the_grace():
    error = ProviderError("unreachable", "down")
    d = decide_error(task(error_streak=2), error, 5, T0 + 30)
    assert d.action == "wait" and d.values["error_streak"] == 3 and d.values["next_poll_at"] >= T0 + 30 + 18
    near = decide_error(task(), error, 5, T0 + 600 + TIMEOUT_VERIFY_GRACE_SECONDS - 1)
    assert near.action == "wait" and near.values["next_poll_at"] <= T0 + 600 + TIMEOUT_VERIFY_GRACE_SECONDS
    assert decide_error(task(), error, 5, T0 + 600 + TIMEOUT_VERIFY_GRACE_SECONDS).action == "timeout"


def test_a_cancelled_fake_task_reports_cancelled():
    provider = FakeProvider()
    external_id = asyncio.run(provider.submit(VideoJob(model="fake-video", prompt="a")))
    asyncio.run(provider.cancel(external_id))
    assert asyncio.run(provider.query(external_id)).status == TaskStatus.CANCELLED
    with pytest.raises(ProviderError):
        asyncio.run(provider.query("fake-unknown"))
