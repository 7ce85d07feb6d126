"""The host rows that put the module into the chat: a tool ("google_video") every user may enable
and the model can call, and a global action button ("google_video_action") under messages.

Their stored code is a frontmatter and one import from this package, so the host always runs the
installed module's code; sync() writes them when chat integration is switched on (and rewrites them
if an admin edited them), and removes them when it is switched off.

It also puts the tool on by default for the models the admin chose (`chat_tool_models`): a host
model's `meta.toolIds` preselects those tools in every new chat with it. The module's setting
decides for its own tool id only: added to the chosen models, removed from every other model (and
from all of them while the chat integration is off); the other tool ids are never touched.
"""

import logging
from typing import Iterable, Optional

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


async def sync(enabled: bool, tool_models: Iterable[str] = ()) -> None:
    """Install, refresh or remove the tool and the action to match `enabled`, and put the tool on
    by default for `tool_models` (config `chat_tool_models`) only."""
    from open_webui.models.functions import Functions
    from open_webui.models.tools import Tools as HostTools

    if not enabled:
        await sync_model_defaults(set())
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
    await sync_model_defaults(set(tool_models), owner)


async def sync_model_defaults(chosen: set[str], owner: Optional[str] = None) -> None:
    """Our tool id in the `meta.toolIds` of exactly the `chosen` host models.

    A chosen model without a row of its own (a connection's model nobody edited yet) gets one, as
    the host's model editor makes it: same id, no base model, its current name, no access grants
    (who may use it does not change: such a model is for admins only either way)."""
    from open_webui.models.models import Models

    rows = {row.id: row for row in await Models.get_all_models()}
    for row in rows.values():
        if (TOOL_ID in (row.meta.model_dump().get("toolIds") or [])) != (row.id in chosen):
            await _each_model(row.id, _set_tool_default(Models, row.id, row.id in chosen))
    for model_id in sorted(chosen - rows.keys()):
        name = _host_model_name(model_id)
        if name is None or owner is None:
            log.warning("google video chat integration: model %r is not known to the host (yet); the video tool "
                        "is put on by default for it at the next save or start once it is", model_id)
            continue
        await _each_model(model_id, _create_model_row(model_id, name, owner))


async def _each_model(model_id: str, change) -> None:
    """One model's change; a model the host's own forms refuse is logged and skipped, so neither a
    config save (already committed) nor the others' changes fail because of it."""
    try:
        await change
    except Exception:
        log.warning("google video chat integration: could not change the tools of model %r", model_id, exc_info=True)


async def _set_tool_default(models, model_id: str, on: bool, attempts: int = 3) -> None:
    """Adds or removes our tool id in the model's tool list through the host's own update (a new
    version in the model's history). The row is read afresh for each attempt, and the host's update
    is a compare-and-set on its version: an admin's edit of the same model in between is kept."""
    from fastapi import HTTPException
    from open_webui.models.models import ModelForm

    for attempt in range(attempts):
        row = await models.get_model_by_id(model_id)
        if row is None:
            return
        meta = row.meta.model_dump(exclude_unset=True)
        others = [t for t in meta.get("toolIds") or [] if t != TOOL_ID]
        if on or others:
            meta["toolIds"] = [*others, TOOL_ID] if on else others
        else:  # as the host's editor does: no empty list (it would override the user's own tool choice)
            meta.pop("toolIds", None)
        form = ModelForm(id=row.id, base_model_id=row.base_model_id, name=row.name, meta=meta,
                         params=row.params.model_dump(exclude_unset=True),
                         commit_message=f"Video generation tool {'on' if on else 'no longer on'} by default")
        try:
            await models.update_model_by_id(row.id, form)
            log.info("google video chat integration: the video tool is %s by default for model %s",
                     "on" if on else "no longer on", model_id)
            return
        except HTTPException as e:  # version_conflict: the row changed under us; read it again
            if e.status_code != 409 or attempt == attempts - 1:
                raise


def _host_model_name(model_id: str) -> Optional[str]:
    """The name the host shows for a model it serves, from its model list in this process."""
    from open_webui.main import app

    models = getattr(app.state, "MODELS", None)  # a dict, or the host's RedisDict
    model = models.get(model_id) if models is not None and hasattr(models, "get") else None
    return str(model.get("name") or model_id) if isinstance(model, dict) else None


async def _create_model_row(model_id: str, name: str, owner: str) -> None:
    from open_webui.models.models import ModelForm, Models

    form = ModelForm(id=model_id, base_model_id=None, name=name, meta={"toolIds": [TOOL_ID]}, params={},
                     access_grants=[], commit_message="Video generation tool on by default")
    await Models.insert_new_model(form, owner)
    log.info("google video chat integration: the video tool is on by default for model %s", model_id)


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
