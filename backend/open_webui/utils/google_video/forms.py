"""Request bodies of the module's API, with the validation a person gets a clear message from."""

from typing import Optional
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator, model_validator

from open_webui.utils.google_video import catalog, moderation

MAX_CREDIT_ADJUSTMENT = 1_000_000_000


def clean_base_url(v: str) -> str:
    v = v.strip().rstrip("/")
    if v:
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("Relay base URL must be an http(s) URL, e.g. https://relay.example.com")
        if parts.username or parts.password or parts.query or parts.fragment:
            raise ValueError("Relay base URL must not contain credentials, a query or a fragment")
    return v


class ConfigForm(BaseModel):
    enabled: bool = False
    base_url: str = Field("", max_length=500)
    # None or "" keeps the stored key, so the admin page can save without ever seeing it.
    api_key: Optional[str] = Field(None, max_length=500)
    default_text_model: str = catalog.DEFAULT_TEXT_MODEL
    default_image_model: str = catalog.DEFAULT_IMAGE_MODEL
    default_enhance_prompt: bool = False
    model_credits_config: dict[str, int] = Field(default_factory=dict)
    disabled_models: list[str] = Field(default_factory=list)
    max_concurrent_tasks: int = Field(3, ge=1, le=100)
    task_timeout_seconds: int = Field(1800, ge=5, le=7 * 24 * 3600)
    poll_interval_seconds: int = Field(5, ge=1, le=300)
    relay_max_requests_per_second: int = Field(20, ge=0, le=10_000)  # 0 = no cap
    submits_per_minute: int = Field(10, ge=0, le=10_000)  # per user; 0 = no limit
    uploads_per_minute: int = Field(30, ge=0, le=10_000)
    blocked_words: list[str] = Field(default_factory=list, max_length=moderation.MAX_BLOCKED_WORDS)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, v: str) -> str:
        return clean_base_url(v)

    @field_validator("api_key")
    @classmethod
    def _api_key(cls, v: Optional[str]) -> Optional[str]:
        return v.strip() if v else None

    @field_validator("model_credits_config")
    @classmethod
    def _prices(cls, v: dict[str, int]) -> dict[str, int]:
        for model_id, price in v.items():
            if model_id not in catalog.MODELS:
                raise ValueError(f"Unknown model '{model_id}' in prices")
            if not 0 <= price <= MAX_CREDIT_ADJUSTMENT:
                raise ValueError(f"Price of '{model_id}' must be between 0 and {MAX_CREDIT_ADJUSTMENT}")
        return v

    @field_validator("blocked_words")
    @classmethod
    def _blocked_words(cls, v: list[str]) -> list[str]:
        return moderation.clean_word_list(v)

    @field_validator("disabled_models")
    @classmethod
    def _disabled(cls, v: list[str]) -> list[str]:
        unknown = [m for m in v if m not in catalog.MODELS]
        if unknown:
            raise ValueError(f"Unknown model(s) in disabled_models: {', '.join(unknown)}")
        return sorted(set(v))

    @model_validator(mode="after")
    def _defaults(self) -> "ConfigForm":
        for field, kind in (("default_text_model", "text"), ("default_image_model", "image")):
            model = catalog.get_model(getattr(self, field))
            if model is None or model.kind != kind:
                raise ValueError(f"{field} must be a {kind}-to-video model")
        return self


class ConnectionTestForm(BaseModel):
    """Optional unsaved values to test; missing ones come from the stored config."""

    base_url: Optional[str] = Field(None, max_length=500)
    api_key: Optional[str] = Field(None, max_length=500)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, v: Optional[str]) -> Optional[str]:
        return (clean_base_url(v) or None) if v else None


class CreditAdjustForm(BaseModel):
    user_id: str = Field(..., min_length=1, max_length=255)
    amount: int = Field(..., ge=-MAX_CREDIT_ADJUSTMENT, le=MAX_CREDIT_ADJUSTMENT)
    reason: str = Field(..., min_length=1, max_length=500)

    @field_validator("amount")
    @classmethod
    def _non_zero(cls, v: int) -> int:
        if v == 0:
            raise ValueError("amount must not be zero")
        return v

    @field_validator("reason")
    @classmethod
    def _reason(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("reason must not be empty")
        return v


class TextToVideoForm(BaseModel):
    prompt: str = Field(..., max_length=20_000)  # the real limit is checked with a clearer message
    model: Optional[str] = Field(None, max_length=100)
    enhance_prompt: Optional[bool] = None
    aspect_ratio: Optional[str] = Field(None, max_length=10)
    # Repeating a submit with the same key returns the first task and charges nothing more.
    idempotency_key: Optional[str] = Field(None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")


class ImageToVideoForm(TextToVideoForm):
    images: list[str] = Field(default_factory=list, max_length=10)
