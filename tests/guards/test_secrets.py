"""The relay key is encrypted at rest, never returned and never on task rows.
(That it is never logged is checked on the server's whole log when the session ends: conftest.)"""

from sqlalchemy import create_engine, text

from helpers import database_url_of
from devstack.api import grant


def rows(webui, sql):
    engine = create_engine(database_url_of(webui))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_the_api_key_is_encrypted_in_the_database(webui, configured, sim):
    (stored,) = rows(webui, "SELECT api_key FROM google_video_config")[0]
    assert stored.startswith("gvenc:v1:") and sim.api_key not in stored
    assert sim.api_key[-4:] not in stored


def test_no_endpoint_returns_the_key_and_tasks_do_not_hold_it(webui, configured, sim, user):
    grant(configured, user.id, 500)
    task = user.ok("POST", "/text-to-video", json={"prompt": "secretless", "model": "veo3-fast"})["task"]
    user.wait_task(task["id"])
    for session, path in [(configured, "/config"), (configured, "/models"), (configured, "/admin/stats"),
                          (configured, "/admin/audit"), (configured, "/openapi.json"), (user, "/config/user"),
                          (user, f"/task/{task['id']}"), (user, "/history"), (configured, "/health")]:
        assert sim.api_key not in session.request("GET", path).text, path
    config = configured.ok("GET", "/config")
    assert config["api_key_set"] is True and config["api_key_last4"] == sim.api_key[-4:] and "api_key" not in config
    for row in rows(webui, "SELECT * FROM google_video_tasks"):
        assert sim.api_key not in str(row)


def test_a_stored_key_does_not_follow_a_new_address(configured, sim, gemini_sim):
    """Pointing a provider elsewhere while keeping its stored key would send the key to whoever runs
    the new address: such a save needs the key again, and changes nothing until it has it."""
    elsewhere = "https://relay.elsewhere.example"
    r = configured.request("POST", "/config", json={"base_url": elsewhere})
    assert r.status_code == 400, r.text
    assert r.json()["detail"] == ("Changing the Veo relay's base URL needs its API key entered again "
                                  "(a stored secret is only sent where it was saved for).")
    assert configured.ok("GET", "/config")["base_url"] == sim.url
    saved = configured.ok("POST", "/config", json={"default_enhance_prompt": True})["config"]  # other changes: fine
    assert saved["default_enhance_prompt"] is True and saved["api_key_set"] is True

    gemini = {"api_key": gemini_sim.api_key, "base_url": f"http://localhost:{gemini_sim.port}"}
    configured.ok("POST", "/config", json={"provider_settings": {"gemini": gemini}})
    try:
        r = configured.request("POST", "/config", json={"provider_settings": {"gemini": {"base_url": elsewhere}}})
        assert r.status_code == 400 and "Gemini API)'s base URL needs its API key entered again" in r.json()["detail"]
        assert configured.ok("GET", "/config")["provider_settings"]["gemini"]["base_url"] == gemini["base_url"]

        # With the key typed in (or the key removed) the move is the admin's informed choice.
        configured.ok("POST", "/config", json={"provider_settings": {"gemini": {**gemini, "base_url": elsewhere}}})
        configured.ok("POST", "/config", json={"base_url": elsewhere, "clear_secrets": ["api_key"]})
        assert configured.ok("GET", "/config")["api_key_set"] is False
    finally:  # the session's other tests expect Gemini unset and the relay as configured
        configured.ok("POST", "/config", json={"base_url": sim.url, "api_key": sim.api_key,
                                               "provider_settings": {"gemini": {"base_url": ""}},
                                               "clear_secrets": ["gemini.api_key"]})
