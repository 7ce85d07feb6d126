"""One relay simulator and one Open WebUI (+ module) per test session, over real sockets."""

import os
import secrets
import sys
from pathlib import Path
from typing import Optional

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.api import add_user, configure, grant, signup  # noqa: E402
from devstack.object_store import SECRET_ACCESS_KEY as OBJECT_STORE_SECRET  # noqa: E402
from devstack.processes import Simulator, WebUI  # noqa: E402
from helpers import (  # noqa: E402
    FAKE_TOKEN, assert_no_secret_in_log, database_url_of, gemini_settings, openai_settings, server_env,
    vertex_settings,
)
from ledger_invariants import assert_ledger_consistent  # noqa: E402
from public_site import Site  # noqa: E402

# The whole suite runs once per database; GV_TEST_DATABASES=sqlite runs only SQLite.
DATABASES = [d.strip() for d in os.environ.get("GV_TEST_DATABASES", "sqlite,postgresql").split(",") if d.strip()]


# Markers, so a run can choose: `-m "not ui and not slow"` is the quick loop (make test-quick).
SLOW_MODULES = {"test_restart", "test_multi_instance", "test_fuzz_api", "test_property"}


def pytest_configure(config):
    config.addinivalue_line("markers", "ui: drives Chromium against the session's server (GV_SKIP_UI=1 skips)")
    config.addinivalue_line("markers", "postgres: runs on the session's PostgreSQL server")
    config.addinivalue_line("markers", "slow: restarts or several servers, fuzzing, property runs")


def pytest_collection_modifyitems(items):
    for item in items:
        module = item.module.__name__.rpartition(".")[2]
        if item.path.parent.name == "ui":
            item.add_marker(pytest.mark.ui)
        if module in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("db_kind") == "postgresql":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def postgres():
    from devstack.postgres import Postgres

    server = Postgres().start()
    yield server
    server.stop()


@pytest.fixture(scope="session", params=DATABASES)
def db_kind(request):
    return request.param


@pytest.fixture
def one_database(db_kind):
    """For tests whose subject does not depend on the database (a wire format, the browser UI over
    an API the other tests run on both): they run on SQLite only."""
    if db_kind != DATABASES[0]:
        pytest.skip("runs on one database")


@pytest.fixture(scope="session")
def new_database(db_kind, request):
    """Returns a factory of empty databases of this session's kind: a DATABASE_URL, or None for
    the host's default SQLite file in DATA_DIR."""
    if db_kind == "sqlite":
        return lambda: None
    pg = request.getfixturevalue("postgres")
    return pg.create_database


@pytest.fixture(scope="session")
def sim(tmp_path_factory):
    yield from keyed_sim(tmp_path_factory, "relay", "sk-sim-")


def keyed_sim(tmp_path_factory, wire: str, key_prefix: str):
    """A session's simulator of `wire` with a fresh key, stopped at the end."""
    simulator = Simulator(api_key=key_prefix + secrets.token_hex(10), wire=wire,
                          log_dir=tmp_path_factory.mktemp(f"{wire}-sim")).start()
    yield simulator
    simulator.stop()


@pytest.fixture(scope="session")
def gemini_sim(tmp_path_factory):
    yield from keyed_sim(tmp_path_factory, "gemini", "AIza-sim-")


@pytest.fixture(scope="session")
def vertex_sim(tmp_path_factory):
    from devstack.processes import free_port
    from devstack.service_account import write_service_account

    work = tmp_path_factory.mktemp("vertex-sim")
    port = free_port()
    key_file = work / "service-account.json"
    write_service_account(key_file, f"http://127.0.0.1:{port}/token")
    simulator = Simulator(port=port, wire="vertex", service_account=key_file, log_dir=work).start()
    simulator.key_text = key_file.read_text()
    yield simulator
    simulator.stop()


@pytest.fixture(scope="session")
def openai_sim(tmp_path_factory):
    yield from keyed_sim(tmp_path_factory, "openai", "sk-oai-sim-")


@pytest.fixture(scope="session")
def chat_sim(tmp_path_factory):
    """The OpenAI-compatible chat test double: answers a chat turn with a call to the video tool."""
    yield from keyed_sim(tmp_path_factory, "chat", "sk-chat-sim-")


@pytest.fixture(scope="session")
def object_store(tmp_path_factory):
    from devstack.object_store import ObjectStore

    store = ObjectStore(tmp_path_factory.mktemp("object-store")).start()
    yield store
    store.stop()


@pytest.fixture(scope="session")
def public_site():
    """Stands in for the internet: the only private address the session's server may fetch from."""
    site = Site().start()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def internal_site():
    """Stands in for an internal service: the module must never reach it from user input."""
    site = Site().start()
    yield site
    site.stop()


def serve(data_dir: Path, database_url: Optional[str], secrets_: tuple[str, ...], **env):
    """A session's server; after it stops, its ledger must add up and its log hold no secret."""
    server = WebUI(data_dir, env=server_env(database_url, **env)).start()
    yield server
    server.stop()
    assert_ledger_consistent(database_url_of(server))
    assert_no_secret_in_log(server.log, *secrets_)


@pytest.fixture(scope="session")
def webui(tmp_path_factory, sim, new_database, public_site, gemini_sim, vertex_sim, openai_sim):
    # The Gemini simulator's CDN (127.0.0.1, reached by a redirect from its API on localhost) stands
    # in for Google's CDN on the internet: a redirect target the outbound guard checks.
    yield from serve(tmp_path_factory.mktemp("webui"), new_database(),
                     (sim.api_key, OBJECT_STORE_SECRET, gemini_sim.api_key, openai_sim.api_key, vertex_sim.key_text),
                     GOOGLE_VIDEO_TEST_ALLOW_FETCH_FROM=f"127.0.0.1:{public_site.port},127.0.0.1:{gemini_sim.port}")


@pytest.fixture(scope="session")
def admin(webui):
    return signup(webui.url, "Admin", "admin@example.com", "admin-password-1")


@pytest.fixture
def configured(admin, sim):
    """The baseline config, restored before each test that uses it."""
    configure(admin, sim.url, sim.api_key)
    return admin


@pytest.fixture
def user(admin, configured):
    return add_user(admin)


@pytest.fixture
def other_user(admin, configured):
    return add_user(admin)


@pytest.fixture
def ledger_check(webui):
    """Call to assert the ledger invariants right now."""
    return lambda: assert_ledger_consistent(database_url_of(webui))


# A second server with the in-process fake provider registered (GOOGLE_VIDEO_FAKE_PROVIDER=1): the
# provider seam's tests, and every unified parameter on a model that takes them all.
@pytest.fixture(scope="session")
def fake_webui(tmp_path_factory, new_database, sim):
    yield from serve(tmp_path_factory.mktemp("webui-fake"), new_database(), (sim.api_key, FAKE_TOKEN),
                     GOOGLE_VIDEO_FAKE_PROVIDER="1")


@pytest.fixture(scope="session")
def fake_admin(fake_webui):
    return signup(fake_webui.url, "Admin", "admin@example.com", "admin-password-1")


@pytest.fixture
def fake_user(fake_admin, sim):
    """A user with 10,000 credits on the fake-provider server, whose config is reset to the baseline."""
    configure(fake_admin, sim.url, sim.api_key, max_concurrent_tasks=50, provider_settings={"fake": {"token": FAKE_TOKEN}})
    user = add_user(fake_admin)
    grant(fake_admin, user.id, 10_000)
    return user


@pytest.fixture
def direct(admin, sim, gemini_sim, vertex_sim, openai_sim):
    """A user with credits, and every direct provider configured against its simulator."""
    for simulator in (gemini_sim, vertex_sim, openai_sim):
        simulator.reset()
    configure(admin, sim.url, sim.api_key, max_concurrent_tasks=20, provider_settings={
        "gemini": gemini_settings(gemini_sim), "vertex": vertex_settings(vertex_sim, storage_uri=""),
        "openai": openai_settings(openai_sim, auth_header="bearer", api_version="")})
    user = add_user(admin)
    grant(admin, user.id, 5000)
    yield user
    # The session's other tests see only the relay configured.
    admin.ok("POST", "/config", json={"clear_secrets": ["gemini.api_key", "vertex.service_account_json", "openai.api_key"],
                                      "custom_models": [], "model_pricing": {}})
