"""The host rows that put the module into the chat: a tool ("google_video") every user may enable
and the model can call, and a global action button ("google_video_action") under messages.

Their stored code is a frontmatter and one import from this package, so the host always runs the
installed module's code; sync() writes them when chat integration is switched on (and rewrites them
if an admin edited them), and removes them when it is switched off.
"""

import logging

log = logging.getLogger(__name__)

TOOL_ID = "google_video"
ACTION_ID = "google_video_action"
TOOL_NAME = "Video generation"
ACTION_NAME = "Make a video of this"

TOOL_SOURCE = '''"""
title: Video generation (Google Video module)
description: Generates videos from the chat; the finished video is attached to the message.
"""
from open_webui.utils.google_video.chat.tool import Tools  # noqa: F401  (the host runs the module's own code)
'''

ACTION_SOURCE = '''"""
title: Make a video of this (Google Video module)
description: Turns a message into a video prompt; the video is attached to the message when ready.
"""
from open_webui.utils.google_video.chat.tool import Action  # noqa: F401  (the host runs the module's own code)
'''

EVERYONE = [{"principal_type": "user", "principal_id": "*", "permission": "read"}]


async def sync(enabled: bool) -> None:
    """Install, refresh or remove the tool and the action to match `enabled`."""
    from open_webui.models.functions import Functions
    from open_webui.models.tools import Tools as HostTools

    if not enabled:
        if await HostTools.get_tool_by_id(TOOL_ID) is not None:
            await HostTools.delete_tool_by_id(TOOL_ID)
            log.info("google video chat integration off: removed the tool %s", TOOL_ID)
        if await Functions.get_function_by_id(ACTION_ID) is not None:
            await Functions.delete_function_by_id(ACTION_ID)
            log.info("google video chat integration off: removed the action %s", ACTION_ID)
        return
    owner = await _owner_id()
    if owner is None:
        log.info("google video chat integration: no admin yet; the tool is installed once one exists")
        return
    await _sync_tool(HostTools, owner)
    await _sync_action(Functions, owner)


async def _owner_id():
    from open_webui.models.users import Users

    admin = await Users.get_super_admin_user() or await Users.get_first_user()
    return admin.id if admin else None


async def _sync_tool(host_tools, owner: str) -> None:
    from open_webui.models.tools import ToolForm, ToolMeta
    from open_webui.utils.google_video.chat.tool import Tools
    from open_webui.utils.tools import get_tool_specs

    specs = get_tool_specs(Tools())
    meta = ToolMeta(description="Generate videos from the chat (Google Video module)")
    existing = await host_tools.get_tool_by_id(TOOL_ID)
    if existing is None:
        form = ToolForm(id=TOOL_ID, name=TOOL_NAME, content=TOOL_SOURCE, meta=meta, access_grants=EVERYONE)
        await host_tools.insert_new_tool(owner, form, specs)
        log.info("google video chat integration: installed the tool %s", TOOL_ID)
    elif existing.content != TOOL_SOURCE or existing.specs != specs:
        await host_tools.update_tool_by_id(TOOL_ID, {"content": TOOL_SOURCE, "specs": specs, "name": TOOL_NAME})
        log.info("google video chat integration: refreshed the tool %s", TOOL_ID)


async def _sync_action(functions, owner: str) -> None:
    from open_webui.models.functions import FunctionForm, FunctionMeta

    existing = await functions.get_function_by_id(ACTION_ID)
    if existing is None:
        form = FunctionForm(id=ACTION_ID, name=ACTION_NAME, content=ACTION_SOURCE,
                            meta=FunctionMeta(description="Make a video of a message (Google Video module)"))
        await functions.insert_new_function(owner, "action", form)
        existing = await functions.get_function_by_id(ACTION_ID)
        log.info("google video chat integration: installed the action %s", ACTION_ID)
    changes = {}
    if existing.content != ACTION_SOURCE:
        changes["content"] = ACTION_SOURCE
    if not existing.is_active or not existing.is_global:
        changes.update(is_active=True, is_global=True)
    if changes:
        await functions.update_function_by_id(ACTION_ID, changes)
