"""What a generation costs: the model's base price, plus per second of video and per resolution
where the admin set them. The quote and the charge come from this one function."""

from dataclasses import dataclass
from typing import Optional

from open_webui.models.google_video import GoogleVideoConfigModel
from open_webui.utils.google_video.model_spec import VideoModel


@dataclass(frozen=True)
class Quote:
    price: int
    base: int
    per_second: int
    seconds: int
    resolution: Optional[str]
    resolution_price: int

    def as_dict(self) -> dict:
        return {"price": self.price, "base": self.base, "per_second": self.per_second, "seconds": self.seconds,
                "resolution": self.resolution, "resolution_price": self.resolution_price}


def quote(config: GoogleVideoConfigModel, model: VideoModel, duration_seconds: Optional[int],
          resolution: Optional[str]) -> Quote:
    """The price of `model` for already validated parameters (defaults filled in from the model)."""
    rule = config.model_pricing.get(model.id, {})
    base = config.price_of(model.id)
    per_second = int(rule.get("per_second", 0))
    seconds = duration_seconds or model.default_duration or 0
    resolution = resolution or (model.resolutions[0] if model.resolutions else None)
    resolution_price = int(rule.get("resolutions", {}).get(resolution, 0)) if resolution else 0
    return Quote(base + per_second * seconds + resolution_price, base, per_second, seconds, resolution, resolution_price)
