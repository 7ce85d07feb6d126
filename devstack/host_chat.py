"""Setting up the host's chat for the video tool: the chat test double as the OpenAI connection, and
a model row over its model that offers the module's tool (docs/dev/host-chat-ui.md has the facts)."""

from devstack.api import ApiError, Session

CHAT_MODEL = "video-demo"
TOOL_ID = "google_video"
EVERYONE = [{"principal_type": "user", "principal_id": "*", "permission": "read"}]


def _post(session: Session, path: str, body: dict) -> dict:
    r = session.http.post(path, json=body)
    if r.status_code != 200:
        raise ApiError(r)
    return r.json()


def connect_chat_double(admin: Session, chat_url: str, api_key: str, name: str = "Video Demo (test double)") -> None:
    """The double as the host's only OpenAI connection, and a model row everyone may use whose chats
    start with the video tool selected."""
    _post(admin, "/openai/config/update", {
        "ENABLE_OPENAI_API": True, "OPENAI_API_BASE_URLS": [f"{chat_url}/v1"], "OPENAI_API_KEYS": [api_key],
        "OPENAI_API_CONFIGS": {"0": {"enable": True}}})
    model = {"id": CHAT_MODEL, "base_model_id": None, "name": name, "params": {}, "access_grants": EVERYONE,
             "is_active": True, "meta": {"description": "Answers every request with a call to the video tool",
                                         "toolIds": [TOOL_ID]}}
    existing = admin.http.get("/api/v1/models/model", params={"id": CHAT_MODEL})
    _post(admin, "/api/v1/models/model/update" if existing.status_code == 200 else "/api/v1/models/create", model)


def hide_changelog(session: Session) -> None:
    """No "What's New" dialog over the page on an admin's first visit."""
    _post(session, "/api/v1/users/user/settings/update", {"ui": {"showChangelog": False}})
