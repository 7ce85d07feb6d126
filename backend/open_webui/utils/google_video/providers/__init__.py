"""The registry of video providers: a task's `provider` names one of these.

Adding a provider is one module here (a VideoProvider subclass with its settings and models) and
one entry below; the catalogue, submit, the poller and cancel find it through this registry.
"""

from open_webui.utils.google_video import settings
from open_webui.utils.google_video.providers.base import VideoProvider
from open_webui.utils.google_video.providers.fake import FakeProvider
from open_webui.utils.google_video.providers.gemini import GeminiProvider
from open_webui.utils.google_video.providers.openai_videos import OpenAIVideosProvider
from open_webui.utils.google_video.providers.relay import RelayProvider
from open_webui.utils.google_video.providers.vertex import VertexProvider

_REGISTERED: tuple[type[VideoProvider], ...] = (RelayProvider, GeminiProvider, VertexProvider, OpenAIVideosProvider)
if settings.FAKE_PROVIDER:  # test servers only
    _REGISTERED += (FakeProvider,)

PROVIDERS: dict[str, type[VideoProvider]] = {p.name: p for p in _REGISTERED}


class UnknownProvider(ValueError):
    """A task names a provider this server does not have (removed from the registry)."""


def provider_class(name: str) -> type[VideoProvider]:
    try:
        return PROVIDERS[name]
    except KeyError:
        raise UnknownProvider(f"unknown video provider {name!r}") from None
