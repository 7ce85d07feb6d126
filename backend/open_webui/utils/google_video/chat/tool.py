"""The classes the host runs for the chat: its tool row's and its action row's code is one import
of these (plugins.py), so they change with the module and never hold code of their own."""

from typing import Optional

from open_webui.utils.google_video.chat import bridge


class Tools:
    async def generate_video(
        self,
        prompt: str,
        aspect_ratio: Optional[str] = None,
        duration_seconds: Optional[int] = None,
        resolution: Optional[str] = None,
        negative_prompt: Optional[str] = None,
        model: Optional[str] = None,
        __user__: Optional[dict] = None,
        __request__=None,
        __chat_id__: Optional[str] = None,
        __message_id__: Optional[str] = None,
        __event_emitter__=None,
        __event_call__=None,
        __files__: Optional[list] = None,
    ) -> str:
        """
        Generate a video (text-to-video, or image-to-video from images attached to the chat). Use it whenever
        the user asks for a video, clip, animation or movie. The user confirms the price in the browser; the
        finished video is attached to this chat message automatically a few minutes later.
        :param prompt: What the video shows, in detail (subject, action, setting, camera, style).
        :param aspect_ratio: Optional frame shape, e.g. "16:9" or "9:16".
        :param duration_seconds: Optional length in seconds, e.g. 8.
        :param resolution: Optional resolution, e.g. "720p" or "1080p".
        :param negative_prompt: Optional things the video must not show.
        :param model: Optional video model id; leave empty for the default.
        """
        params = {"aspect_ratio": aspect_ratio, "duration_seconds": duration_seconds, "resolution": resolution,
                  "negative_prompt": negative_prompt, "model": model}
        outcome = await bridge.generate(__request__, __user__ or {}, __chat_id__, __message_id__, __event_emitter__,
                                        __event_call__, prompt, params, __files__)
        return outcome.reply  # what the model tells the user: worded to be repeated as it is


class Action:
    async def action(self, body: dict, __user__: Optional[dict] = None, __event_emitter__=None, __event_call__=None,
                     __request__=None):
        outcome = await bridge.generate_from_message(__request__, __user__ or {}, body, __event_emitter__,
                                                     __event_call__)
        if outcome and __event_emitter__ is not None:  # a toast (plain text) besides the status line
            await __event_emitter__({"type": "notification", "data": {
                "type": "info" if outcome.started else "warning", "content": outcome.status}})
