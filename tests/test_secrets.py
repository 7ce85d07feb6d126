"""The relay key is encrypted at rest, never returned and never on task rows.
(That it is never logged is checked on the server's whole log when the session ends: conftest.)"""

from sqlalchemy import create_engine, text

from conftest import database_url_of
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
