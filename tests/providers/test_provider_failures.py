"""What a provider's failure leaves behind, through the real host against the simulators:

- a key a provider hides in a long error (after 64 KB, as JSON \\u escapes) reaches no answer,
  task, ledger entry or log line (issue 19.1);
- a failure of the service's setup (a wrong key) tells the user the service is misconfigured and
  that nothing was charged; the provider's words go to the admin's audit log (19.10);
- a submit answered 429 with a time to wait is tried again within a short budget; one that asks
  for too long, or whose outcome is unknown, is not (19.11).

Wire formats need one database: these run on SQLite only."""

import pytest

from devstack.api import configure
from helpers import gemini_settings, ledger, openai_settings

GEMINI_TEXT = "gemini/veo-3.1-generate-preview"
SORA = "openai/sora-2"

pytestmark = pytest.mark.usefixtures("one_database")


def everything_the_user_sees(user) -> str:
    return str(user.ok("GET", "/history", params={"limit": 100})) + str(ledger(user))


def assert_nowhere(key: str, *texts: str) -> None:
    for text in texts:
        assert key not in text


def test_a_key_hidden_in_a_long_openai_error_reaches_nobody(direct, openai_sim, webui):
    balance = direct.balance()
    r = direct.request("POST", "/text-to-video",
                       json={"prompt": "x [sim:submit_http=400;echo_auth=hidden]", "model": SORA})
    assert r.status_code == 502 and "refunded" in r.json()["detail"] and direct.balance() == balance
    # The simulator did send it: a long message with the key written as escapes.
    assert len(r.text) < 2000
    assert_nowhere(openai_sim.api_key, r.text, everything_the_user_sees(direct), webui.log.read_text(errors="replace"))


def test_a_key_hidden_in_a_long_gemini_failure_or_poll_error_reaches_nobody(direct, gemini_sim, webui):
    failed = direct.ok("POST", "/text-to-video",
                       json={"prompt": "x [sim:polls=1;fail=boom;echo_auth=hidden]", "model": GEMINI_TEXT})["task"]
    failed = direct.wait_task(failed["id"])
    assert failed["status"] == "FAILURE" and "boom" in failed["fail_reason"] and failed["refunded"]
    # A poll answered 500 with the key hidden in it: logged (once per streak), then delivered.
    recovered = direct.ok("POST", "/text-to-video",
                          json={"prompt": "y [sim:polls=1;query_http=500*1;echo_auth=hidden]", "model": GEMINI_TEXT})["task"]
    assert direct.wait_task(recovered["id"])["status"] == "SUCCESS"
    log = webui.log.read_text(errors="replace")
    assert f"google video task {recovered['id']}: gemini poll failed" in log
    assert_nowhere(gemini_sim.api_key, everything_the_user_sees(direct), log)


def test_a_wrong_key_tells_the_user_it_is_misconfigured_and_the_admin_why(direct, admin, sim, openai_sim, gemini_sim):
    configure(admin, sim.url, None, provider_settings={"openai": openai_settings(openai_sim, api_key="sk-wrong-key-QQQQ")})
    balance = direct.balance()
    r = direct.request("POST", "/text-to-video", json={"prompt": "a wrong key", "model": SORA})
    detail = r.json()["detail"]
    assert r.status_code == 502 and "not set up correctly" in detail and "Nothing was charged" in detail
    for admin_words in ("API key", "QQQQ", "platform.openai.com", "sk-"):
        assert admin_words not in detail
    assert direct.balance() == balance
    task = direct.ok("GET", "/history", params={"limit": 1})["tasks"][0]
    assert task["fail_reason"].startswith("The video service is not set up correctly") and "QQQQ" not in task["fail_reason"]
    assert "QQQQ" not in str(ledger(direct))
    entries = admin.ok("GET", "/admin/audit", params={"action": "provider.failure", "limit": 50})["entries"]
    entry = next(e for e in entries if e["detail"]["task_id"] == task["id"])
    assert entry["detail"]["provider"] == "openai" and entry["detail"]["kind"] == "auth"
    assert "Incorrect API key" in entry["detail"]["detail"] and entry["target_user_id"] == direct.id
    # Gemini's wrong key the same way.
    configure(admin, sim.url, None, provider_settings={"gemini": gemini_settings(gemini_sim, key="AIza-wrong-key-123")})
    r = direct.request("POST", "/text-to-video", json={"prompt": "another", "model": GEMINI_TEXT})
    assert r.status_code == 502 and "not set up correctly" in r.json()["detail"] and "API key" not in r.json()["detail"]


def test_a_submit_answered_429_with_a_short_retry_after_is_tried_again(direct, openai_sim):
    balance = direct.balance()
    prompt = "busy once [sim:polls=1;submit_http=429*1;retry_after=1]"
    task = direct.ok("POST", "/text-to-video", json={"prompt": prompt, "model": SORA})["task"]
    assert direct.wait_task(task["id"])["status"] == "SUCCESS"
    creates = [r for r in openai_sim.requests() if r["method"] == "POST" and r["path"] == "/v1/videos"]
    assert len(creates) == 2
    charges = [e for e in ledger(direct) if e["task_id"] == task["id"]]
    assert [e["amount"] for e in charges] == [-task["credits_cost"]]
    assert direct.balance() == balance - task["credits_cost"]


def test_a_submit_asked_to_wait_too_long_fails_at_once_with_a_refund(direct, openai_sim):
    balance = direct.balance()
    r = direct.request("POST", "/text-to-video",
                       json={"prompt": "busy [sim:submit_http=429;retry_after=3600]", "model": SORA})
    assert r.status_code == 502 and "rate limiting" in r.json()["detail"] and "try again" in r.json()["detail"]
    assert direct.balance() == balance
    assert len([r for r in openai_sim.requests() if r["method"] == "POST" and r["path"] == "/v1/videos"]) == 1


def test_gemini_quota_with_retry_info_is_tried_again(direct, gemini_sim):
    # Google's 429 carries a RetryInfo detail (retryDelay "1s"): its documented backoff.
    task = direct.ok("POST", "/text-to-video",
                     json={"prompt": "quota once [sim:polls=1;submit_http=429*1]", "model": GEMINI_TEXT})["task"]
    assert direct.wait_task(task["id"])["status"] == "SUCCESS"
    assert len([r for r in gemini_sim.requests() if r["path"].endswith(":predictLongRunning")]) == 2
