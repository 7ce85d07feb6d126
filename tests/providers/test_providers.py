"""The provider seam through the real host: tasks know their provider, a second provider (the
in-process fake, registered like any other) generates and cancels, and the relay refuses to cancel
with a reason. Runs on the session's server that has the fake provider registered (conftest)."""

import asyncio

import httpx
from sqlalchemy import create_engine, text

from helpers import FAKE_TOKEN, database_url_of
from devstack.api import PREFIX, add_user, configure
from helpers import ledger
from ledger_invariants import assert_ledger_consistent


def refunds(user, task_id):
    return [e for e in ledger(user) if e["task_id"] == task_id and e["kind"] == "refund"]


def test_the_catalogue_names_each_models_provider(fake_user):
    models = {m["id"]: m for m in fake_user.ok("GET", "/models")["models"]}
    assert models["veo3"]["provider"] == "relay" and models["fake-video"]["provider"] == "fake"


def test_a_fake_task_runs_through_the_same_path_and_can_be_cancelled_with_a_refund(fake_user):
    task = fake_user.ok("POST", "/text-to-video", json={"prompt": "forever [fake:progress=30]", "model": "fake-video"})["task"]
    assert task["provider"] == "fake" and task["credits_cost"] == 10 and fake_user.balance() == 9990
    fake_user.wait_task(task["id"], statuses=("IN_PROGRESS",))
    body = fake_user.ok("POST", f"/task/{task['id']}/cancel")
    assert body["task"]["status"] == "CANCELLED" and body["task"]["refunded"] and body["credits"] == 10_000
    assert [e["amount"] for e in refunds(fake_user, task["id"])] == [10]
    again = fake_user.request("POST", f"/task/{task['id']}/cancel")
    assert again.status_code == 409 and "already ended" in again.json()["detail"]
    assert fake_user.ok("GET", "/history", params={"status": "CANCELLED"})["total"] == 1


def test_a_failed_provider_cancel_changes_nothing(fake_user):
    task = fake_user.ok("POST", "/text-to-video", json={"prompt": "stuck [fake:cancel_error]", "model": "fake-video"})["task"]
    r = fake_user.request("POST", f"/task/{task['id']}/cancel")
    assert r.status_code == 502 and "nothing was refunded" in r.json()["detail"]
    assert fake_user.ok("GET", f"/task/{task['id']}")["task"]["status"] not in ("CANCELLED", "FAILURE")
    assert fake_user.balance() == 9990 and refunds(fake_user, task["id"]) == []


def test_the_relay_cannot_cancel_and_says_why(fake_user, fake_admin):
    task = fake_user.ok("POST", "/text-to-video", json={"prompt": "long [sim:never]", "model": "veo3-fast"})["task"]
    r = fake_user.request("POST", f"/task/{task['id']}/cancel")
    assert r.status_code == 409 and "relay has no way to stop" in r.json()["detail"]
    assert fake_user.ok("GET", f"/task/{task['id']}")["task"]["status"] not in ("CANCELLED", "FAILURE")
    other = add_user(fake_admin)
    assert other.request("POST", f"/task/{task['id']}/cancel").status_code == 404


def test_a_cancel_racing_the_finish_ends_one_way_with_one_ledger_entry(fake_user, sim, fake_webui):
    # A real video the fake can report: one the relay simulator made (the relay's host is trusted).
    made = fake_user.ok("POST", "/text-to-video", json={"prompt": "source [sim:polls=1]", "model": "veo3-fast"})["task"]
    video_url = f"{sim.url}/videos/{made['external_task_id']}.mp4"
    fake_user.wait_task(made["id"])
    prompts = [f"race {i} [fake:polls={1 + i % 3};video_url={video_url}]" for i in range(12)]
    ids = [fake_user.ok("POST", "/text-to-video", json={"prompt": p, "model": "fake-video"})["task"]["id"] for p in prompts]

    async def cancel_all():
        async with httpx.AsyncClient(base_url=fake_webui.url, headers={"Authorization": f"Bearer {fake_user.token}"},
                                     timeout=60) as client:
            return await asyncio.gather(*(client.post(f"{PREFIX}/task/{i}/cancel") for i in ids))

    answers = dict(zip(ids, asyncio.run(cancel_all())))
    for task_id, answer in answers.items():
        final = fake_user.wait_task(task_id, statuses=("SUCCESS", "CANCELLED", "FAILURE"))
        paid_back = refunds(fake_user, task_id)
        if answer.status_code == 200:
            assert final["status"] == "CANCELLED" and [e["amount"] for e in paid_back] == [10]
        else:
            assert answer.status_code == 409 and final["status"] == "SUCCESS" and paid_back == []
    assert_ledger_consistent(database_url_of(fake_webui))


def test_a_fake_model_works_while_the_relay_is_not_configured(fake_user, fake_admin, sim):
    configure(fake_admin, "", None)
    r = fake_user.request("POST", "/text-to-video", json={"prompt": "a", "model": "veo3"})
    assert r.status_code == 400 and "Veo relay's base URL and API key" in r.json()["detail"]
    assert fake_user.request("POST", "/text-to-video", json={"prompt": "a", "model": "fake-video"}).status_code == 200


def test_a_task_whose_provider_is_gone_ends_refunded_instead_of_polling_forever(fake_user, fake_webui):
    task = fake_user.ok("POST", "/text-to-video", json={"prompt": "orphan", "model": "fake-video"})["task"]
    engine = create_engine(database_url_of(fake_webui))
    try:
        with engine.begin() as conn:  # as if the server were restarted without that provider
            conn.execute(text("UPDATE google_video_tasks SET provider = 'retired' WHERE id = :id"), {"id": task["id"]})
    finally:
        engine.dispose()
    failed = fake_user.wait_task(task["id"])
    assert failed["status"] == "FAILURE" and "'retired' is no longer available" in failed["fail_reason"]
    assert [e["amount"] for e in refunds(fake_user, task["id"])] == [10]


def test_a_providers_settings_are_declared_kept_encrypted_and_never_shown(fake_user, fake_admin, fake_webui, sim):
    providers = {p["name"]: p for p in fake_admin.ok("GET", "/providers")["providers"]}
    assert providers["fake"]["settings"] == [{"name": "token", "label": "token", "secret": True, "required": True,
                                              "default": "", "choices": [], "multiline": False, "help": ""}]
    assert providers["fake"]["configured"] and providers["relay"]["configured"]
    view = fake_admin.ok("GET", "/config")
    assert view["provider_settings"]["fake"] == {"token_set": True, "token_last4": FAKE_TOKEN[-4:]}
    assert FAKE_TOKEN not in fake_admin.request("GET", "/config").text
    assert FAKE_TOKEN not in str(fake_admin.ok("GET", "/admin/audit", params={"limit": 200}))
    engine = create_engine(database_url_of(fake_webui))
    try:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT provider_settings FROM google_video_config")).scalar()
    finally:
        engine.dispose()
    assert FAKE_TOKEN not in str(stored) and "gvenc:v1:" in str(stored)
    # Saving without the secret keeps it; clear_secrets removes it, and the provider is then unconfigured.
    fake_admin.ok("POST", "/config", json={"provider_settings": {"fake": {"token": ""}}})
    assert fake_admin.ok("GET", "/config")["provider_settings"]["fake"]["token_set"] is True
    assert fake_admin.ok("POST", "/test-connection", json={"provider": "fake"})["status"] == "ok"
    fake_admin.ok("POST", "/config", json={"clear_secrets": ["fake.token"]})
    r = fake_user.request("POST", "/text-to-video", json={"prompt": "a", "model": "fake-video"})
    assert r.status_code == 400 and "Fake (tests)'s token" in r.json()["detail"]
    assert fake_admin.ok("POST", "/test-connection", json={"provider": "fake"})["status"] == "not_configured"
    bad = fake_admin.request("POST", "/config", json={"provider_settings": {"fake": {"nope": "x"}}})
    assert bad.status_code == 422 and "has no setting nope" in bad.text
    assert fake_admin.request("POST", "/test-connection", json={"provider": "nobody"}).status_code == 422
