"""Request bodies of the module's API, with the validation a person gets a clear message from."""

import json
import re
from dataclasses import replace
from typing import Any, Literal, Optional, Union
from urllib.parse import urlsplit

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from open_webui.utils.google_video.guards import moderation
from open_webui.utils.google_video.media import images
from open_webui.utils.google_video.providers import catalog
from open_webui.utils.google_video.providers import PROVIDERS
from open_webui.utils.google_video.providers.relay import RelayProvider
from open_webui.utils.google_video.guards.text_input import find_unstorable_text
from open_webui.utils.google_video.tasks.request import PARAMETER_NAMES, ImageRef, VideoRequest

MAX_CREDIT_ADJUSTMENT = 1_000_000_000  # also the cap of each price part (base, per second, per resolution)
MAX_DURATION_SECONDS = 600
# The dearest price a quote can reach (base + per second x the longest video + a resolution tier):
# a task's charge and the ledger are 64-bit, and this stays exact in a browser's numbers (< 2^53).
MAX_QUOTED_PRICE = MAX_CREDIT_ADJUSTMENT * (2 + MAX_DURATION_SECONDS)
MAX_MULTILINE_SETTING = 16_000  # a service-account JSON key is about 2.4 KB


def clean_base_url(v: str) -> str:
    v = v.strip().rstrip("/")
    if v:
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("A base URL must be an http(s) URL, e.g. https://relay.example.com")
        if parts.username or parts.password or parts.query or parts.fragment:
            raise ValueError("A base URL must not contain credentials, a query or a fragment")
    return v


MAX_EXTRA_DEPTH = 5
MAX_EXTRA_CHARS = 16 * 1024


def _depth(value: Any) -> int:
    """Nesting depth of a decoded JSON value (the text checks already capped it)."""
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


def idempotency_key_field():
    return Field(None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")


def max_credits_field():
    """The price the user was shown and agreed to: a higher price at submit time is refused (409),
    nothing charged. Without it the current price is charged. Any price a quote can give fits."""
    return Field(None, ge=0, le=MAX_QUOTED_PRICE)


class ModuleForm(BaseModel):
    """Base of every request body: strict types (true is not 1, "5" and 5.0 are not 5) and no
    text a database cannot store (NUL, unpaired surrogates), refused with a clear 422."""

    model_config = ConfigDict(strict=True)

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data):
        if problem := find_unstorable_text(data):
            raise ValueError(problem)
        return data


def _check_price(what: str, price: int) -> None:
    if not 0 <= price <= MAX_CREDIT_ADJUSTMENT:
        raise ValueError(f"{what} must be between 0 and {MAX_CREDIT_ADJUSTMENT}")


class ModelPricing(ModuleForm):
    per_second: int = Field(0, ge=0, le=MAX_CREDIT_ADJUSTMENT)
    resolutions: dict[str, int] = Field(default_factory=dict)


class CustomModelForm(ModuleForm):
    """An admin's model entry: a model of a registered provider with its capabilities. The same id
    as a declared model replaces that one (e.g. to change what it accepts)."""

    id: str = Field(..., pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$")
    provider: str
    name: str = Field(..., min_length=1, max_length=100)
    kind: Literal["text", "image"]
    default_price: int = Field(..., ge=0, le=MAX_CREDIT_ADJUSTMENT)
    wire_id: str = Field("", max_length=100, pattern=r"^[A-Za-z0-9._:/-]*$")  # the provider's name (default: id)
    max_images: int = Field(0, ge=0, le=catalog.MAX_IMAGES_PER_TASK)
    image_role: Optional[Literal["first_frame", "first_last_frame", "components", "components_or_style"]] = None
    aspect_ratios: list[str] = Field(default_factory=list, max_length=10)
    durations: list[int] = Field(default_factory=list, max_length=30)
    default_duration: Optional[int] = Field(None, ge=1, le=MAX_DURATION_SECONDS)
    resolutions: list[str] = Field(default_factory=list, max_length=10)
    negative_prompt: bool = False
    seed: bool = False
    audio: bool = False
    person_generation: list[str] = Field(default_factory=list, max_length=5)
    operations: list[Literal["remix", "extend"]] = Field(default_factory=list, max_length=2)

    @field_validator("aspect_ratios", "resolutions", "person_generation")
    @classmethod
    def _words(cls, v: list[str]) -> list[str]:
        if any(not re.match(r"^[A-Za-z0-9:_x-]{1,20}$", w) for w in v):
            raise ValueError("values must be short words such as 16:9, 720p or allow_adult")
        return v

    @field_validator("durations")
    @classmethod
    def _durations(cls, v: list[int]) -> list[int]:
        if any(not 1 <= d <= 600 for d in v):
            raise ValueError("durations must be between 1 and 600 seconds")
        return sorted(set(v))

    @model_validator(mode="after")
    def _consistent(self) -> "CustomModelForm":
        if self.provider not in PROVIDERS:
            raise ValueError(f"unknown provider '{self.provider}'; the providers are {', '.join(PROVIDERS)}")
        provider = PROVIDERS[self.provider]  # its wire format must carry all the entry asks for
        if beyond := provider.supports.beyond_message(catalog.custom_model(self.model_dump()), provider.label):
            raise ValueError(beyond)
        if (self.kind == "image") != bool(self.image_role and self.max_images):
            raise ValueError("an image model needs image_role and max_images; a text model has neither")
        if self.durations and self.default_duration is not None and self.default_duration not in self.durations:
            raise ValueError("default_duration must be one of durations")
        return self


class AllowanceRule(ModuleForm):
    """A periodic grant: each period, to every user (or the members of one of the host's groups),
    either a top-up of the balance to `amount` or `amount` more."""

    id: str = Field(..., pattern=r"^[A-Za-z0-9_-]{1,40}$")  # part of each grant's idempotency key: keep it
    group_id: Optional[str] = Field(None, max_length=255)  # None: every user
    mode: Literal["top_up", "add"]
    amount: int = Field(..., ge=1, le=MAX_CREDIT_ADJUSTMENT)
    period: Literal["day", "week", "month"]


class ConfigFields(ModuleForm):
    """A config save: only the fields sent change (the rest keep their stored values); the whole
    result is then checked as a ConfigForm."""

    enabled: bool = False
    base_url: str = Field("", max_length=500)
    # None or "" keeps the stored key, so the admin page can save without ever seeing it.
    api_key: Optional[str] = Field(None, max_length=500)
    default_text_model: str = catalog.DEFAULT_TEXT_MODEL
    default_image_model: str = catalog.DEFAULT_IMAGE_MODEL
    default_enhance_prompt: bool = False
    model_credits_config: dict[str, int] = Field(default_factory=dict)
    # {model: {"per_second": n, "resolutions": {"1080p": n}}}: added to the base price.
    model_pricing: dict[str, ModelPricing] = Field(default_factory=dict)
    # {provider: [keys]}: which keys of a request's `extra` object reach that provider.
    extra_parameters: dict[str, list[str]] = Field(default_factory=dict)
    disabled_models: list[str] = Field(default_factory=list)
    # Installs the chat tool (every user may enable it) and the "Make a video of this" action.
    chat_enabled: bool = False
    # The host's models (ids) whose new chats start with the video tool on (their meta.toolIds).
    chat_tool_models: list[str] = Field(default_factory=list, max_length=200)
    # Adds one of the host's banners (above a new chat) linking to the module's page.
    host_link_enabled: bool = False
    welcome_credits: int = Field(0, ge=0, le=MAX_CREDIT_ADJUSTMENT)  # once per user, on first use; 0: none
    credit_allowances: list[AllowanceRule] = Field(default_factory=list, max_length=20)

    @field_validator("credit_allowances")
    @classmethod
    def _allowance_ids(cls, v: list[AllowanceRule]) -> list[AllowanceRule]:
        ids = [rule.id for rule in v]
        if len(ids) != len(set(ids)):
            raise ValueError("credit_allowances: each rule needs its own id")
        return v
    # The admin's model entries: new models, or replacements of declared ones (same id).
    custom_models: list[CustomModelForm] = Field(default_factory=list, max_length=200)
    max_concurrent_tasks: int = Field(3, ge=1, le=100)
    task_timeout_seconds: int = Field(1800, ge=5, le=7 * 24 * 3600)
    poll_interval_seconds: int = Field(5, ge=1, le=300)
    relay_max_requests_per_second: int = Field(20, ge=0, le=10_000)  # 0 = no cap
    submits_per_minute: int = Field(10, ge=0, le=10_000)  # per user; 0 = no limit
    uploads_per_minute: int = Field(30, ge=0, le=10_000)
    blocked_words: list[str] = Field(default_factory=list, max_length=moderation.MAX_BLOCKED_WORDS)
    storage_backend: Literal["local", "cos", "s3"] = "local"
    storage_prefix: str = Field("", max_length=200, pattern=r"^[A-Za-z0-9_./-]*$")
    cos_region: str = Field("", max_length=50, pattern=r"^[a-z0-9-]*$")
    cos_bucket: str = Field("", max_length=100, pattern=r"^[A-Za-z0-9-]*$")
    cos_secret_id: str = Field("", max_length=200)
    cos_secret_key: Optional[str] = Field(None, max_length=200)  # None or "" keeps the stored one
    cos_domain: str = Field("", max_length=300)
    cos_endpoint: str = Field("", max_length=300)
    s3_endpoint_url: str = Field("", max_length=300)
    s3_region: str = Field("", max_length=50)
    s3_bucket: str = Field("", max_length=100, pattern=r"^[A-Za-z0-9.-]*$")
    s3_access_key_id: str = Field("", max_length=200)
    s3_secret_access_key: Optional[str] = Field(None, max_length=200)
    max_video_mb: int = Field(500, ge=1, le=10_240)
    retention_days: int = Field(0, ge=0, le=36_500)  # 0 keeps videos forever
    signed_url_seconds: int = Field(600, ge=60, le=7 * 24 * 3600)
    # {provider: {setting: value}} for providers other than the relay (whose settings are base_url
    # and api_key above); an empty secret keeps the stored one.
    provider_settings: dict[str, dict[str, str]] = Field(default_factory=dict)
    # Empty secret fields keep the stored values; name them here to remove them instead
    # (api_key, cos_secret_key, s3_secret_access_key, or "<provider>.<setting>").
    clear_secrets: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, v: str) -> str:
        return clean_base_url(v)

    @field_validator("api_key", "cos_secret_key", "s3_secret_access_key")
    @classmethod
    def _secret(cls, v: Optional[str]) -> Optional[str]:
        return v.strip() if v else None

    @field_validator("s3_endpoint_url")
    @classmethod
    def _s3_endpoint(cls, v: str) -> str:
        return clean_base_url(v)

    @field_validator("cos_domain")
    @classmethod
    def _cos_domain(cls, v: str) -> str:
        v = v.strip().rstrip("/")
        host = v.split("://", 1)[-1]
        if v and (not re.match(r"^[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._-]+)*$", host) or
                  ("://" in v and not v.startswith(("http://", "https://")))):
            raise ValueError("cos_domain must be a host name such as videos.example.com (optionally with http:// or https://)")
        return v

    @field_validator("cos_endpoint")
    @classmethod
    def _cos_endpoint(cls, v: str) -> str:
        v = v.strip()
        if v and not re.match(r"^[A-Za-z0-9.-]+(:\d+)?$", v):
            raise ValueError("cos_endpoint must be a host name such as cos.ap-guangzhou.myqcloud.com")
        return v

    @field_validator("extra_parameters")
    @classmethod
    def _extra(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for provider, keys in v.items():
            if provider not in PROVIDERS:
                raise ValueError(f"Unknown provider '{provider}' in extra_parameters")
            if any(not re.match(r"^[A-Za-z][A-Za-z0-9_]{0,63}$", k) for k in keys):
                raise ValueError("extra_parameters keys must be identifiers such as person_generation")
        return {p: sorted(set(keys)) for p, keys in v.items()}

    @field_validator("provider_settings")
    @classmethod
    def _provider_settings(cls, v: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for provider, values in v.items():
            declared = {s.name for s in getattr(PROVIDERS.get(provider), "settings", ())}
            if provider not in PROVIDERS or provider == RelayProvider.name:
                raise ValueError(f"provider_settings: unknown provider '{provider}' (the relay's settings are base_url and api_key)")
            if unknown := sorted(set(values) - declared):
                raise ValueError(f"provider_settings: '{provider}' has no setting {', '.join(unknown)}")
            for setting in PROVIDERS[provider].settings:
                value = values.get(setting.name)
                if value is None:
                    continue
                if len(value) > (MAX_MULTILINE_SETTING if setting.multiline else 2000):
                    raise ValueError(f"provider_settings: {provider}.{setting.name} is too long")
                if setting.choices and value.strip() and value.strip() not in setting.choices:
                    raise ValueError(f"provider_settings: {provider}.{setting.name} must be one of {', '.join(setting.choices)}")
                if setting.name.endswith(("url", "endpoint")) and value.strip():
                    clean_base_url(value)
        return {p: {k: value.strip() for k, value in values.items()} for p, values in v.items()}

    @field_validator("clear_secrets")
    @classmethod
    def _clear_secrets(cls, v: list[str]) -> list[str]:
        known = {"api_key", "cos_secret_key", "s3_secret_access_key"} | {
            f"{p.name}.{s.name}" for p in PROVIDERS.values() for s in p.settings if s.secret and p is not RelayProvider}
        if unknown := sorted(set(v) - known):
            raise ValueError(f"clear_secrets: no secret named {', '.join(unknown)} (secrets: {', '.join(sorted(known))})")
        return v

    @field_validator("blocked_words")
    @classmethod
    def _blocked_words(cls, v: list[str]) -> list[str]:
        return moderation.clean_word_list(v)

    @field_validator("disabled_models")
    @classmethod
    def _disabled(cls, v: list[str]) -> list[str]:
        return sorted(set(v))

    @field_validator("chat_tool_models")
    @classmethod
    def _chat_tool_models(cls, v: list[str]) -> list[str]:
        if any(not re.fullmatch(r"\S{1,255}", m) for m in v):
            raise ValueError("chat_tool_models: model ids are 1 to 255 characters without spaces")
        return sorted(set(v))

    # The seed's name and unit (milliseconds) for task_timeout_seconds.
    task_timeout: Optional[int] = Field(None, ge=5000, le=7 * 24 * 3600 * 1000)


class ConfigForm(ConfigFields):
    """A complete config: the stored values with a save's changes applied."""

    @model_validator(mode="after")
    def _storage(self) -> "ConfigForm":
        if self.storage_backend == "cos" and not (self.cos_bucket and (self.cos_region or self.cos_domain or self.cos_endpoint)):
            raise ValueError("COS storage needs cos_bucket and cos_region (or a domain or endpoint)")
        if self.storage_backend == "s3" and not self.s3_bucket:
            raise ValueError("S3 storage needs s3_bucket")
        return self

    @model_validator(mode="after")
    def _models(self) -> "ConfigForm":
        """Everything that names a model, checked against the catalogue with the admin's entries."""
        models = catalog.models([m.model_dump() for m in self.custom_models])
        for field, kind in (("default_text_model", "text"), ("default_image_model", "image")):
            model = models.get(getattr(self, field))
            if model is None or model.kind != kind:
                raise ValueError(f"{field} must be a {kind}-to-video model")
        for model_id, price in self.model_credits_config.items():
            if model_id not in models:
                raise ValueError(f"Unknown model '{model_id}' in prices")
            _check_price(f"Price of '{model_id}'", price)
        for model_id, rule in self.model_pricing.items():
            model = models.get(model_id)
            if model is None:
                raise ValueError(f"Unknown model '{model_id}' in model_pricing")
            for resolution, price in rule.resolutions.items():
                if resolution not in model.resolutions:
                    raise ValueError(f"'{model_id}' has no resolution '{resolution}' (it has: {', '.join(model.resolutions) or 'none'})")
                _check_price(f"Price of '{model_id}' at {resolution}", price)
        if unknown := [m for m in self.disabled_models if m not in models]:
            raise ValueError(f"Unknown model(s) in disabled_models: {', '.join(unknown)}")
        return self


def config_changes(stored: dict[str, Any], form: ConfigFields, secret_fields: tuple[str, ...]) -> dict[str, Any]:
    """What a save writes: the fields sent (checked together with the stored values of the others),
    secrets only when given, and the secrets named in clear_secrets emptied."""
    sent = form.model_dump(exclude_unset=True, exclude={"task_timeout", "clear_secrets", "provider_settings", *secret_fields})
    if form.task_timeout is not None and "task_timeout_seconds" not in sent:
        sent["task_timeout_seconds"] = -(-form.task_timeout // 1000)
    kept = {k: v for k, v in stored.items()
            if k in ConfigForm.model_fields and k not in secret_fields and k != "provider_settings"}
    if "custom_models" in sent:
        # Prices and switches of models an entry no longer declares go with the entry.
        known = catalog.models(sent["custom_models"])
        for field in ("model_credits_config", "model_pricing"):
            if field in sent or field in kept:
                source = sent if field in sent else kept
                pruned = {m: v for m, v in source[field].items() if m in known}
                if pruned != source[field]:
                    sent[field] = pruned
        source = sent if "disabled_models" in sent else kept
        if any(m not in known for m in source.get("disabled_models", [])):
            sent["disabled_models"] = [m for m in source["disabled_models"] if m in known]
    try:
        complete = ConfigForm.model_validate({**kept, **sent})
    except ValidationError as e:
        raise RequestValidationError(e.errors())
    dumped = complete.model_dump()
    values = {field: dumped[field] for field in sent}
    values.update({f: getattr(form, f) for f in secret_fields if getattr(form, f)})
    values.update({f: "" for f in form.clear_secrets if "." not in f})
    merged = _merge_provider_settings(stored.get("provider_settings", {}), form)
    if merged != stored.get("provider_settings", {}):
        values["provider_settings"] = merged
    return values


def _merge_provider_settings(stored: dict[str, dict[str, str]], form: ConfigFields) -> dict[str, dict[str, str]]:
    merged = {p: dict(values) for p, values in stored.items()}
    for provider, values in form.provider_settings.items():
        secret = {s.name for s in PROVIDERS[provider].settings if s.secret}
        merged.setdefault(provider, {}).update({k: v for k, v in values.items() if v or k not in secret})
    for name in form.clear_secrets:
        if "." in name:
            provider, setting = name.split(".", 1)
            merged.setdefault(provider, {})[setting] = ""
    return merged


class ConnectionTestForm(ModuleForm):
    """Optional unsaved values to test; missing ones come from the stored config. `provider`
    picks the provider (the relay's values are base_url and api_key, the others' in `settings`)."""

    provider: str = Field("relay", max_length=50)
    settings: dict[str, str] = Field(default_factory=dict, max_length=20)

    base_url: Optional[str] = Field(None, max_length=500)
    api_key: Optional[str] = Field(None, max_length=500)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, v: Optional[str]) -> Optional[str]:
        return (clean_base_url(v) or None) if v else None

    @field_validator("provider")
    @classmethod
    def _provider(cls, v: str) -> str:
        if v not in PROVIDERS:
            raise ValueError(f"Unknown provider '{v}'; the providers are {', '.join(PROVIDERS)}")
        return v


class CreditChangeForm(ModuleForm):
    """A grant (amount > 0) or a deduction (amount < 0) with the reason the ledger keeps."""

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


class CreditAdjustForm(CreditChangeForm):
    user_id: str = Field(..., min_length=1, max_length=255)
    # Repeating an adjustment with the same key applies it once (a retried 5xx cannot grant twice).
    # Stored as "admin:<key>" in a 128-character column (credits.adjust: keys are scoped).
    idempotency_key: Optional[str] = Field(None, min_length=1, max_length=122, pattern=r"^[A-Za-z0-9_.:-]+$")


class BulkCreditForm(CreditChangeForm):
    """For every user, or the members of one of the host's groups."""

    group_id: Optional[str] = Field(None, max_length=255)
    # Required: a retried request must not grant twice (each user's entry carries key:user).
    idempotency_key: str = Field(..., min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.:-]+$")


class VideoParameters(ModuleForm):
    """The unified parameters: each is checked against the chosen model's capabilities (a value the
    model cannot take is a 422 naming the parameter and the allowed values, never dropped)."""

    model: Optional[str] = Field(None, max_length=100)
    aspect_ratio: Optional[str] = Field(None, max_length=10)
    duration_seconds: Optional[int] = Field(None, ge=1, le=MAX_DURATION_SECONDS)
    resolution: Optional[str] = Field(None, max_length=20)
    negative_prompt: Optional[str] = Field(None, max_length=2000)
    seed: Optional[int] = Field(None, ge=0, le=2**32 - 1)
    generate_audio: Optional[bool] = None
    person_generation: Optional[str] = Field(None, max_length=20)
    # Provider-specific keys, passed on only where the admin allowed them for the model's provider.
    extra: dict[str, Any] = Field(default_factory=dict, max_length=20)

    @field_validator("extra")
    @classmethod
    def _extra_size(cls, v: dict[str, Any]) -> dict[str, Any]:
        # A provider's own parameter is a value or a small object: bounded in depth and size.
        if _depth(v) > MAX_EXTRA_DEPTH:
            raise ValueError(f"extra values must not be nested more than {MAX_EXTRA_DEPTH} levels deep")
        if len(json.dumps(v, ensure_ascii=False)) > MAX_EXTRA_CHARS:
            raise ValueError(f"extra must not be longer than {MAX_EXTRA_CHARS} characters as JSON")
        return v


    def given(self) -> dict:
        """The parameters as a VideoRequest takes them."""
        return {"model": self.model, "extra": self.extra, **{name: getattr(self, name) for name in PARAMETER_NAMES}}


class QuoteForm(VideoParameters):
    task_type: Literal["text_to_video", "image_to_video"] = "text_to_video"

    def to_request(self) -> VideoRequest:
        return VideoRequest(prompt="", task_type=self.task_type, **self.given())


class TextToVideoForm(VideoParameters):
    prompt: str = Field(..., max_length=20_000)  # the real limit is checked with a clearer message
    enhance_prompt: Optional[bool] = None
    # Repeating a submit with the same key returns the first task and charges nothing more.
    idempotency_key: Optional[str] = idempotency_key_field()
    max_credits: Optional[int] = max_credits_field()

    def to_request(self) -> VideoRequest:
        return VideoRequest(prompt=self.prompt, enhance_prompt=self.enhance_prompt, idempotency_key=self.idempotency_key,
                            max_credits=self.max_credits, **self.given())


class DeriveForm(ModuleForm):
    """A remix or an extension of a finished video: what should change or happen next."""

    prompt: str = Field(..., max_length=20_000)
    idempotency_key: Optional[str] = idempotency_key_field()
    max_credits: Optional[int] = max_credits_field()

    def to_request(self, source_task_id: str, operation: Literal["remix", "extend"]) -> VideoRequest:
        return VideoRequest(prompt=self.prompt, operation=operation, source_task_id=source_task_id,
                            idempotency_key=self.idempotency_key, max_credits=self.max_credits)


class ImageInput(ModuleForm):
    image: str = Field(..., max_length=images.MAX_DATA_URI_CHARS)
    role: Literal["first_frame", "last_frame", "reference", "style_reference"]


class ImageToVideoForm(TextToVideoForm):
    # Plain references take the model's image slots in order; {image, role} names the slot.
    images: list[Union[str, ImageInput]] = Field(default_factory=list, max_length=10)

    def to_request(self) -> VideoRequest:
        refs = tuple(ImageRef(i) if isinstance(i, str) else ImageRef(i.image, i.role) for i in self.images)
        return replace(super().to_request(), task_type="image_to_video", images=refs)
