"""What the module writes into the host's chat, as plain functions: the poller's block (once per
task however often it is written, into the message's output or its text, with the refund said),
untrusted text escaped for the host's markdown, the action's proposed prompt, and the migration
step that keeps the models an admin gave the tool in the host's model editor. How the host renders
all this is proven in the browser (test_chat_e2e.py)."""

import importlib.util
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from host_env import throwaway_host_env

with throwaway_host_env():
    from open_webui.models.google_video import GoogleVideoTaskModel
    from open_webui.utils.google_video.chat.bridge import prompt_from_message
    from open_webui.utils.google_video.chat.delivery import apply_to_message, item_id, markup
    from open_webui.utils.google_video.chat.text import escape, one_line

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


@pytest.mark.parametrize("text, shown", [
    ("# Total: 0 credits", "\\# Total: 0 credits"),
    ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
    ("<iframe src=/x></iframe>", "\\<iframe src=/x\\>\\</iframe\\>"),
    ("[click](http://evil.example)", "\\[click](http\\://evil.example)"),
    ("![x](/api/v1/files/1)", "!\\[x](/api/v1/files/1)"),
    ("**bold** _it_ `code` ~~s~~ $x$ | a", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\$x\\$ \\| a"),
    ("{{VIDEO_FILE_ID_ab12}} <@user> me@x.org www.x.org",
     "\\{\\{VIDEO\\_FILE\\_ID\\_ab12\\}\\} \\<\\@user\\> me\\@x.org www\\.x.org"),
    ("- item", "\\- item"), ("+ item", "\\+ item"), ("12. item", "12\\. item"), ("3) item", "3\\) item"),
    ("a \\(x\\) b", "a \\\\(x\\\\) b"),  # no math delimiters made from the input's backslashes
    ("line one\n\n# two\r\n    code", "line one \\# two code"),
    ("pay\u202e0 credits\u200b", "pay0 credits"),  # bidi override and zero-width space removed
    ("veo3-fast (8 s), 100 credits.", "veo3-fast (8 s), 100 credits."),  # plain words stay as they are
])
def test_escape_makes_one_line_that_shows_its_characters(text, shown):
    assert escape(text) == shown


def test_escape_and_one_line_cut_long_text():
    assert escape("a" * 500, 10) == "a" * 9 + "…"
    assert one_line("<b>x</b>\n y") == "<b>x</b> y"  # plain text (status lines, toasts): no escapes


def test_the_block_escapes_the_providers_text_and_the_model_name():
    failed = markup(task(status="FAILURE", video_path=None, credits_refunded=100, model="m<script>",
                         fail_reason="<img src=x onerror=alert(1)>\n# Total: 0 credits"))
    assert "\\<img src=x onerror=alert(1)\\> \\# Total: 0 credits Your 100 credits were refunded." in failed
    assert "<img" not in failed.replace("\\<img", "")
    assert "\\<script\\>" in markup(task(model="m<script>"))
    stored = markup(task(status="SUCCESS", video_path=None, cloud_upload_status="failed",
                         fail_reason="<iframe src=/x>"))
    assert "(\\<iframe src=/x\\>)" in stored


def test_the_action_proposes_a_short_prompt_made_from_the_message():
    reply = ("Here is a **scene** for you: a paper crane folds itself on a desk. It flies out of the window at dawn! "
             + "Then it circles the town for a long while, " * 8 + "and lands.\n\n"
             "<details type=\"tool_calls\" done=\"true\"><summary>Tool</summary>x</details>\n"
             "```python\nprint(1)\n```\n![img](/a.png) [a link](https://example.org)")
    assert prompt_from_message(reply) == ("Here is a scene for you: a paper crane folds itself on a desk. "
                                          "It flies out of the window at dawn!")
    delivered = ("Video requested: The video is being made (Veo 3, 8 s, 100 credits)\\. It will appear soon.\n"
                 + markup(task()))
    assert prompt_from_message(delivered) == ("Video requested: The video is being made (Veo 3, 8 s, 100 credits). "
                                              "It will appear soon.")
    assert prompt_from_message("word " * 100) == " ".join(["word"] * 40)  # no sentence fits: cut at a word
    assert prompt_from_message("") == ""


def test_the_migration_keeps_the_models_an_admin_gave_the_tool(tmp_path):
    path = Path(__file__).resolve().parents[2] / \
        "backend/open_webui/migrations/google_video/versions/gv0013_chat_tool_models.py"
    spec = importlib.util.spec_from_file_location("gv0013", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'host.db'}")
    with engine.begin() as db:
        assert migration.models_with_the_tool(db) == []  # no host model table at all
        db.execute(sa.text("CREATE TABLE model (id TEXT PRIMARY KEY, meta TEXT)"))
        rows = {"b-model": {"toolIds": ["other", "google_video"]}, "a-model": {"toolIds": ["google_video"]},
                "no-tools": {"description": "x"}, "others": {"toolIds": ["google_video_x"]}, "null-meta": None}
        for model_id, meta in rows.items():
            db.execute(sa.text("INSERT INTO model (id, meta) VALUES (:i, :m)"),
                       {"i": model_id, "m": None if meta is None else json.dumps(meta)})
        db.execute(sa.text("INSERT INTO model (id, meta) VALUES ('broken', '{not json')"))
        assert migration.models_with_the_tool(db) == ["a-model", "b-model"]
