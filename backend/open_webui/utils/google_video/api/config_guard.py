"""A stored secret goes only where it was saved for.

An admin never sees a stored key, so a save that points a provider somewhere else (its URL, or what
its URL is made from) while keeping the stored key would hand that key to whoever runs the new
address. Such a save must carry the secret again. (test-connection is stricter: testing any
settings other than the saved ones needs the secrets typed in.) Storage credentials are outside
this rule: they sign requests and are never sent.
"""

from typing import Callable, Optional

from open_webui.models.google_video import GoogleVideoConfigModel
from open_webui.utils.google_video.providers import PROVIDERS


def secret_left_behind(stored: GoogleVideoConfigModel, changed: GoogleVideoConfigModel,
                       entered: Callable[[str, str], bool]) -> Optional[str]:
    """Why `changed` may not be saved (a kept secret would follow a moved destination), or None.
    `entered(provider, setting)` says whether the save typed that secret in."""
    for provider in PROVIDERS.values():
        before, after = provider.setting_values(stored), provider.setting_values(changed)
        # Emptied is not moved: the provider's own default address takes over, or nothing is sent.
        moved = [s.label for s in provider.settings
                 if s.destination and after[s.name] and before[s.name] != after[s.name]]
        kept = [s.label for s in provider.settings
                if s.secret and after[s.name] and after[s.name] == before[s.name] and not entered(provider.name, s.name)]
        if moved and kept:
            return (f"Changing the {provider.label}'s {', '.join(moved)} needs its {', '.join(kept)} entered again "
                    "(a stored secret is only sent where it was saved for).")
    return None
