"""A link into the module from the host's own UI.

Stock Open WebUI has one place for it that needs no host file edited: its banners (the admin's
`ui.banners` config, shown above a new chat, dismissible per browser). sync() adds the module's
banner to that list, keeps the admin's own banners as they are, and removes ours when switched off.
"""

import logging
import time

from open_webui.utils.google_video.settings import UI_MOUNT

log = logging.getLogger(__name__)

BANNER_ID = "google-video-studio"
CONTENT = f"**Videos** from a prompt or an image: [open the video studio →]({UI_MOUNT}/)"
CONTENT_ZH = f"**视频**：根据提示词或图片生成视频，[打开视频工作室 →]({UI_MOUNT}/)"


def banner(timestamp: int) -> dict:
    return {"id": BANNER_ID, "type": "info", "title": "", "content": CONTENT,
            "i18n": {"zh-CN": {"content": CONTENT_ZH}, "zh": {"content": CONTENT_ZH}},
            "dismissible": True, "timestamp": timestamp}


def _same(a: dict, b: dict) -> bool:
    return {k: v for k, v in a.items() if k != "timestamp"} == {k: v for k, v in b.items() if k != "timestamp"}


async def sync_from_config(config) -> None:
    """Match the banner to the module's settings (`config`, as just read or saved); errors are
    logged, never raised: the banner is an extra."""
    try:
        await sync(config.enabled and config.host_link_enabled)
    except Exception:
        log.exception("google video: could not update the host banner")


async def sync(enabled: bool) -> None:
    """Add, refresh or remove the module's banner; writes only when something differs."""
    from open_webui.models.config import Config

    current = [dict(b) for b in (await Config.get("ui.banners") or [])]
    ours = next((b for b in current if b.get("id") == BANNER_ID), None)
    others = [b for b in current if b.get("id") != BANNER_ID]
    if enabled:
        if ours is not None and _same(ours, banner(0)):
            return
        await Config.upsert({"ui.banners": others + [banner(int(time.time()))]})
        log.info("google video: added the host banner %s linking to %s/", BANNER_ID, UI_MOUNT)
    elif ours is not None:
        await Config.upsert({"ui.banners": others})
        log.info("google video: removed the host banner %s", BANNER_ID)
