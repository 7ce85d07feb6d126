"""A model never asks for more than its provider can do (issue 19, item 3): each provider declares
the operations, image roles and parameters its wire format carries; a config save refuses an
admin's entry beyond them with a sentence naming the model, the field and what the provider
supports; an entry stored before saves checked this is not served (logged, and named by every save
until corrected), so an extension of an OpenAI video is refused with nothing charged or sent.
Through the real host."""

import pytest
import sqlalchemy as sa

from helpers import database_url_of
from helpers import ledger

SORA = "openai/sora-2"

pytestmark = pytest.mark.usefixtures("one_database")  # the check is in Python; a wire format needs one database


def entry(model_id: str, provider: str, **fields) -> dict:
    return {"id": model_id, "provider": provider, "name": model_id, "kind": "text", "default_price": 7, **fields}


def write_custom_models(webui, models: list[dict]) -> None:
    """Stores the entries as they are, as a save before this check (or a hand edit) left them."""
    config = sa.table("google_video_config", sa.column("id", sa.Integer), sa.column("custom_models", sa.JSON))
    engine = sa.create_engine(database_url_of(webui))
    try:
        with engine.begin() as conn:
            conn.execute(sa.update(config).where(config.c.id == 1).values(custom_models=models))
    finally:
        engine.dispose()


@pytest.mark.parametrize("bad, says", [
    (entry("openai/sora-2-extend", "openai", operations=["remix", "extend"]),
     "operations extend (it supports: remix)"),
    (entry("openai/sora-square", "openai", aspect_ratios=["1:1", "16:9"]),
     "aspect_ratios 1:1 (it supports: 16:9, 9:16)"),
    (entry("openai/sora-4k", "openai", resolutions=["2160p"]), "resolutions 2160p (it supports: 1024p, 720p)"),
    (entry("openai/sora-frames", "openai", kind="image", max_images=2, image_role="first_last_frame"),
     "image_role first_last_frame (it supports: first_frame)"),
    (entry("veo3-seeded", "relay", seed=True, durations=[4, 8]), "durations 4, 8 (it takes no durations); seed (it takes no seed)"),
    (entry("veo3-remix", "relay", operations=["remix"]), "operations remix (it supports: none)"),
    (entry("gemini/veo-loud", "gemini", audio=True), "audio (it takes no audio)"),
    (entry("gemini/veo-style", "gemini", kind="image", max_images=1, image_role="components_or_style"),
     "image_role components_or_style (it supports: components, first_frame, first_last_frame)"),
])
def test_a_model_beyond_its_provider_is_refused_at_save_and_nothing_is_stored(configured, bad, says):
    label = next(p["label"] for p in configured.ok("GET", "/providers")["providers"] if p["name"] == bad["provider"])
    r = configured.request("POST", "/config", json={"custom_models": [bad]})
    assert r.status_code == 422, r.text
    assert f"model '{bad['id']}' asks for more than the {label} provider can do: {says}" in r.text
    assert configured.ok("GET", "/config")["custom_models"] == []
    # Within the provider, the same entry is saved.
    fine = {k: v for k, v in bad.items() if k not in ("operations", "aspect_ratios", "resolutions", "seed", "audio", "durations")}
    if fine.get("image_role"):
        fine.update(max_images=1, image_role="first_frame")
    assert configured.ok("POST", "/config", json={"custom_models": [fine]})["config"]["custom_models"][0]["id"] == bad["id"]


def test_every_listed_model_stays_within_what_its_provider_declares(configured):
    supports = {p["name"]: p["supports"] for p in configured.ok("GET", "/providers")["providers"]}
    assert supports["openai"]["operations"] == ["remix"] and supports["gemini"]["operations"] == ["extend"]
    assert supports["relay"] == {"operations": [], "image_roles": ["components", "first_frame", "first_last_frame"],
                                 "parameters": ["aspect_ratio"], "aspect_ratios": None, "resolutions": None}
    fields = {"aspect_ratios": "aspect_ratio", "durations": "duration", "resolutions": "resolution",
              "negative_prompt": "negative_prompt", "seed": "seed", "generate_audio": "generate_audio",
              "person_generation": "person_generation"}
    models = configured.ok("GET", "/models")["models"]
    assert {m["provider"] for m in models} >= {"relay", "gemini", "vertex", "openai"}
    for m in models:
        support, capabilities = supports[m["provider"]], m["capabilities"]
        assert set(capabilities["operations"]) <= set(support["operations"]), m
        assert m["image_role"] is None or m["image_role"] in support["image_roles"], m
        assert all(field in support["parameters"] for capability, field in fields.items() if capabilities[capability]), m
        for capability, allowed in (("aspect_ratios", support["aspect_ratios"]), ("resolutions", support["resolutions"])):
            assert allowed is None or set(capabilities[capability]) <= set(allowed), m


def test_an_entry_beyond_its_provider_stored_earlier_is_not_served_and_nothing_is_charged(direct, admin, webui,
                                                                                           openai_sim):
    source = direct.wait_task(direct.ok("POST", "/text-to-video", json={"prompt": "a harbour [sim:polls=1]",
                                                                         "model": SORA})["task"]["id"])
    assert source["status"] == "SUCCESS"
    # Entries an older save accepted: Sora with "extend", which the /v1/videos API does not have
    # (it would run as a plain new generation, charged as an extension), under its own id and as
    # a replacement of the declared model.
    sora = dict(name="Sora 2 extended", wire_id="sora-2", aspect_ratios=["16:9", "9:16"], durations=[4, 8, 12],
                default_duration=4, resolutions=["720p"], operations=["remix", "extend"])
    write_custom_models(webui, [entry(SORA, "openai", **sora), entry("openai/sora-long", "openai", **sora)])
    try:
        models = {m["id"]: m for m in direct.ok("GET", "/models")["models"]}
        assert models[SORA]["name"] == "Sora 2" and models[SORA]["capabilities"]["operations"] == ["remix"]
        assert "openai/sora-long" not in models
        r = direct.request("POST", "/quote", json={"model": "openai/sora-long"})
        assert r.status_code == 400 and "Unknown model 'openai/sora-long'" in r.json()["detail"]
        log = webui.log.read_text(errors="replace")
        assert ("model 'openai/sora-long' asks for more than the OpenAI-compatible videos provider can do: "
                "operations extend (it supports: remix); the entry is ignored until it is corrected") in log

        balance, entries, calls = direct.balance(), len(ledger(direct)), len(openai_sim.requests())
        r = direct.request("POST", f"/task/{source['id']}/extend", json={"prompt": "and then a storm [sim:polls=1]"})
        assert r.status_code == 422 and r.json()["detail"] == f"Videos made with '{SORA}' cannot be extended.", r.text
        assert direct.balance() == balance and len(ledger(direct)) == entries
        assert len(openai_sim.requests()) == calls  # nothing was sent as a plain new generation
        assert direct.ok("GET", "/history")["total"] == 1
        # Any config save names the entry until it is corrected.
        r = admin.request("POST", "/config", json={"max_concurrent_tasks": 21})
        assert r.status_code == 422 and "model 'openai/sora-2' asks for more than" in r.text
        # What the provider can do still works.
        remix = direct.ok("POST", f"/task/{source['id']}/remix", json={"prompt": "at night [sim:polls=1]"})["task"]
        assert direct.wait_task(remix["id"])["status"] == "SUCCESS"
    finally:
        admin.ok("POST", "/config", json={"custom_models": []})
