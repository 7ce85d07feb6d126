"""Unified parameters through the real host: each one checked against each model's capabilities
(accepted, or a 422 naming it with nothing charged), prices that follow the parameters, quotes equal
to charges, image roles and provider extras. Runs on the server with the fake provider, whose
fake-video model takes every parameter, next to the relay's models, which take almost none."""

import io
import json

import pytest
from PIL import Image

from devstack.api import configure
from helpers import data_uri, ledger

EXAMPLES = {  # a value each parameter may take where a model takes it at all
    "aspect_ratio": "9:16", "duration_seconds": 4, "resolution": "1080p", "negative_prompt": "blur",
    "seed": 42, "generate_audio": True,
}
CAPABILITY = {"aspect_ratio": "aspect_ratios", "duration_seconds": "durations", "resolution": "resolutions",
              "negative_prompt": "negative_prompt", "seed": "seed", "generate_audio": "generate_audio"}


def takes(model: dict, parameter: str) -> bool:
    capability = model["capabilities"][CAPABILITY[parameter]]
    return EXAMPLES[parameter] in capability if isinstance(capability, list) else bool(capability)


def test_every_parameter_against_every_model(fake_user, sim):
    models = fake_user.ok("GET", "/models")["models"]
    assert {m["id"] for m in models} >= {"veo3", "veo2-fast", "fake-video", "fake-frames"}
    submits_before, balance = sim.stats()["submits"], fake_user.balance()
    for model in models:
        for parameter, value in EXAMPLES.items():
            body = {"model": model["id"], "task_type": "image_to_video" if model["kind"] == "image" else "text_to_video",
                    parameter: value}
            r = fake_user.request("POST", "/quote", json=body)
            if takes(model, parameter):
                assert r.status_code == 200, (model["id"], parameter, r.text)
            else:
                assert r.status_code == 422 and r.json()["detail"].startswith(f"{parameter}: "), (model["id"], parameter, r.text)
                path = "/image-to-video" if model["kind"] == "image" else "/text-to-video"
                submit = {"prompt": "p", "model": model["id"], parameter: value,
                          **({"images": [data_uri()]} if model["kind"] == "image" else {})}
                refused = fake_user.request("POST", path, json=submit)
                assert refused.status_code == 422 and refused.json()["detail"] == r.json()["detail"]
    assert fake_user.balance() == balance and sim.stats()["submits"] == submits_before  # nothing charged or sent


def test_refusals_name_the_allowed_values(fake_user):
    r = fake_user.request("POST", "/quote", json={"model": "fake-video", "duration_seconds": 5})
    assert r.status_code == 422 and r.json()["detail"] == "duration_seconds: 'fake-video' takes 4, 6, 8; you sent 5."
    r = fake_user.request("POST", "/quote", json={"model": "veo3", "seed": 1})
    assert r.status_code == 422 and r.json()["detail"] == "seed: 'veo3' does not take a seed; leave it out."


def test_prices_follow_the_parameters_and_the_charge_is_the_quote(fake_user, fake_admin, sim):
    configure(fake_admin, sim.url, None, max_concurrent_tasks=50,
              model_pricing={"fake-video": {"per_second": 2, "resolutions": {"1080p": 15}}})
    cases = [({}, 10 + 2 * 8), ({"duration_seconds": 6, "resolution": "1080p"}, 10 + 12 + 15),
             ({"duration_seconds": 4, "resolution": "720p"}, 10 + 8)]
    for params, expected in cases:
        q = fake_user.ok("POST", "/quote", json={"model": "fake-video", **params})
        assert q["price"] == expected and q["affordable"] is True, q
        before = fake_user.balance()
        task = fake_user.ok("POST", "/text-to-video", json={"prompt": "priced", "model": "fake-video", **params})["task"]
        assert task["credits_cost"] == expected and fake_user.balance() == before - expected
        assert [e["amount"] for e in ledger(fake_user) if e["task_id"] == task["id"]] == [-expected]
        assert task["parameters"] == params
    models = {m["id"]: m for m in fake_user.ok("GET", "/models")["models"]}
    assert models["fake-video"]["pricing"] == {"base": 10, "per_second": 2, "resolutions": {"1080p": 15}}


def test_every_parameter_is_kept_on_the_task(fake_user):
    params = {"aspect_ratio": "1:1", "duration_seconds": 8, "resolution": "1080p", "negative_prompt": "no text",
              "seed": 7, "generate_audio": False}
    task = fake_user.ok("POST", "/text-to-video", json={"prompt": "all of them", "model": "fake-video", **params})["task"]
    assert task["parameters"] == params and task["aspect_ratio"] == "1:1"


def test_extra_keys_reach_a_provider_only_where_the_admin_allowed_them(fake_user, fake_admin, sim):
    body = {"prompt": "extra", "model": "fake-video", "extra": {"person_generation": "allow_adult"}}
    r = fake_user.request("POST", "/text-to-video", json=body)
    assert r.status_code == 422 and "person_generation not allowed" in r.json()["detail"]
    configure(fake_admin, sim.url, None, extra_parameters={"fake": ["person_generation"]})
    task = fake_user.ok("POST", "/text-to-video", json=body)["task"]
    assert task["parameters"]["extra"] == {"person_generation": "allow_adult"}
    bad = fake_admin.request("POST", "/config", json={"extra_parameters": {"nobody": ["x"]}})
    assert bad.status_code == 422 and "Unknown provider" in bad.text


def nested(depth: int, leaf) -> str:
    """JSON text of `leaf` inside `depth` objects (built as text: json.dumps would recurse too deep)."""
    return '{"k":' * depth + json.dumps(leaf) + "}" * depth


@pytest.mark.parametrize("value, message", [
    (nested(25, "a\x00b"), "nested more than"),  # a NUL too deep to be checked was stored
    (nested(3, "\ud800"), "unpaired surrogate"),  # answered 500
    (nested(990, 1), "nested more than"),  # answered 500
    (nested(6, 1), "nested more than 5 levels"),
    (json.dumps({"k": "x" * 20_000}), "longer than"),
])
def test_nested_extra_values_are_checked_like_any_text(fake_user, fake_admin, sim, value, message):
    configure(fake_admin, sim.url, None, extra_parameters={"fake": ["k"]})
    balance = fake_user.balance()
    body = '{"prompt": "nested", "model": "fake-video", "extra": ' + value + "}"
    r = fake_user.request("POST", "/text-to-video", content=body.encode(), headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and message in r.text, r.text
    assert fake_user.balance() == balance
    configure(fake_admin, sim.url, None)


def test_images_with_roles_take_their_slots(fake_user):
    first, last = data_uri((200, 0, 0)), data_uri((0, 0, 200))
    r = fake_user.request("POST", "/image-to-video", json={"prompt": "p", "model": "fake-frames",
                                                             "images": [{"image": last, "role": "last_frame"}]})
    assert r.status_code == 422 and "a last frame needs a first frame" in r.json()["detail"]
    r = fake_user.request("POST", "/image-to-video", json={"prompt": "p", "model": "fake-frames",
                                                             "images": [{"image": first, "role": "reference"}]})
    assert r.status_code == 422 and "takes first_frame, last_frame" in r.json()["detail"]
    task = fake_user.ok("POST", "/image-to-video", json={"prompt": "p", "model": "fake-frames", "images": [
        {"image": last, "role": "last_frame"}, {"image": first, "role": "first_frame"}]})["task"]
    stored = [fake_user.request("GET", ref.removeprefix("/api/v1/google-video")).content for ref in task["input_images"]]
    assert len(stored) == 2 and stored[0] != stored[1]
    assert Image.open(io.BytesIO(stored[0])).getpixel((1, 1))[0] > 150  # the first frame comes first
