"""The gallery's API through the real host: cursor pages newest first with no task twice or missed,
prompt search (with LIKE wildcards taken literally), filters by status, model and date, each
user's own tasks only, and a poster URL for every stored video."""

import time
import uuid

from devstack.api import add_user, configure, grant


def all_pages(session, **params) -> list[dict]:
    tasks, cursor = [], None
    while True:
        page = session.ok("GET", "/gallery", params={**params, **({"cursor": cursor} if cursor else {}), "limit": 3})
        tasks += page["tasks"]
        cursor = page["next_cursor"]
        if cursor is None:
            return tasks


def test_cursor_pages_search_and_filters(configured, sim):
    configure(configured, sim.url, None, max_concurrent_tasks=20)
    user, other = add_user(configured), add_user(configured)
    grant(configured, user.id, 5000)
    grant(configured, other.id, 500)
    tag = uuid.uuid4().hex[:6]
    since = int(time.time()) - 1
    prompts = [f"{tag} alpha {i} [sim:polls=1]" for i in range(4)] + [f"{tag} beta_% {i} [sim:polls=1]" for i in range(2)]
    ids = [user.ok("POST", "/text-to-video", json={"prompt": p, "model": "veo3-fast"})["task"]["id"] for p in prompts]
    ids.append(user.ok("POST", "/text-to-video", json={"prompt": f"{tag} gamma [sim:polls=1;fail=nope]",
                                                        "model": "veo3"})["task"]["id"])
    other.ok("POST", "/text-to-video", json={"prompt": f"{tag} theirs [sim:polls=1]", "model": "veo3"})
    for task_id in ids:
        user.wait_task(task_id)
    listed = all_pages(user, q=tag)
    assert [t["id"] for t in listed] == list(reversed(ids))  # newest first, each once, only the user's
    assert all(t["poster_url"] for t in listed if t["status"] == "SUCCESS")
    assert [t["id"] for t in all_pages(user, q=f"{tag} beta_%")] == list(reversed(ids[4:6]))
    assert all_pages(user, q=f"{tag} beta%x") == []  # the wildcard is a character, not a pattern
    assert [t["id"] for t in all_pages(user, q=tag, status="FAILURE")] == [ids[6]]
    assert [t["id"] for t in all_pages(user, q=tag, model="veo3")] == [ids[6]]
    assert all_pages(user, q=tag, since=since + 3600) == []
    assert user.request("GET", "/gallery", params={"status": "NOPE"}).status_code == 400
