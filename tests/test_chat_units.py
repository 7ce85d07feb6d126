"""What the poller writes into a chat message, as plain functions: once per task however often it
is written, into the message's output (what the host renders) or its text, with the refund said."""

from host_env import throwaway_host_env

with throwaway_host_env():
    from open_webui.models.google_video import GoogleVideoTaskModel
    from open_webui.utils.google_video.chat.delivery import apply_to_message, item_id, markup

T0 = 1_800_000_000


def task(**over) -> GoogleVideoTaskModel:
    values = dict(id="t1", user_id="u", task_type="text_to_video", provider="relay", status="SUCCESS", model="veo3",
                  prompt="p", enhance_prompt=False, progress=100, cloud_upload_status="uploaded", credits_cost=100,
                  credits_refunded=0, next_poll_at=T0, deadline_at=T0 + 600, poll_count=1, error_streak=0,
                  created_at=T0, updated_at=T0, video_path="videos/t1-ab.mp4", chat_id="c", chat_message_id="m")
    return GoogleVideoTaskModel(**{**values, **over})


def test_the_block_for_each_ending():
    assert "<div><video>/api/v1/google-video/task/t1/video</video></div>" in markup(task())
    assert markup(task(video_path=None, cloud_upload_status="pending")) is None  # still being stored
    failed = markup(task(status="FAILURE", video_path=None, credits_refunded=100, fail_reason="Content policy"))
    assert "could not be made: Content policy" in failed and "Your 100 credits were refunded." in failed
    assert "was cancelled" in markup(task(status="CANCELLED", video_path=None, credits_refunded=100))


def test_writing_twice_leaves_one_block_in_the_output():
    message = {"output": [{"type": "message", "id": "reply", "content": [{"type": "output_text", "text": "Working on it."}]}]}
    for _ in range(2):
        apply_to_message(message, task(), markup(task()))
    assert [i["id"] for i in message["output"]] == ["reply", item_id(task())]
    assert message["content"].startswith("Working on it.\n<div><video>")


def test_a_message_without_output_gets_the_block_in_its_text_once():
    message = {"content": "Sure."}
    for _ in range(2):
        apply_to_message(message, task(), markup(task()))
    assert message["content"].count("<video>") == 1 and message["content"].startswith("Sure.\n\n<!-- gv-t1 -->")
