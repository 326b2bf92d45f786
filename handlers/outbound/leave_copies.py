"""The secretaries' copies of a leave request: rendered from the live rows, kept in step.

A copy shows the request and, once it is settled, its outcome (who decided, or that it was
withdrawn), without buttons: so does one delivered late, to a secretary who started the bot
after the decision. Every copy sent is recorded, so that ``/leave`` (a new reason), the
member's withdrawal and ``/forget`` can edit all of them and only a current copy can decide.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import Message

from bot.context import BotContext
from bot.i18n import Words
from handlers.outbound import policy
from handlers.outbound.private import on_delivery, reader_words, renders
from handlers.views.meetings import occurrence_line
from storage.models import Branch

# The line a settled request's copies end with, by its status ({name}: who decided).
_OUTCOMES = {
    "approved": "leave.approved_by",
    "declined": "leave.declined_by",
    "withdrawn": "leave.withdrawn_note",
}


async def _pending(context: BotContext, params: Mapping[str, Any]) -> bool:
    """A kept copy's buttons act only while its request is pending."""
    found = await context.services.leaves.get(int(params["leave"]))
    return found is not None and found[0].status == "pending"


@renders("leave.for_secretary", live=_pending)
async def request_text(
    context: BotContext, branch: Branch, words: Words, params: Mapping[str, Any]
) -> str | None:
    """A copy of a request now, with its outcome once settled; None if its member is gone."""
    services = context.services
    found = await services.leaves.get(int(params["leave"]))
    if found is None:
        return None
    request, occurrence = found
    member = await services.storage.users.get(request.user_id)
    if member is None or member.forgotten:
        return None
    text = words(
        "leave.for_secretary",
        name=member.display_name,
        meeting=occurrence_line(words, occurrence),
        reason=request.reason,
    )
    outcome = _OUTCOMES.get(request.status)
    if outcome is None:
        return text
    decider = await services.storage.users.get(request.decided_by) if request.decided_by else None
    name = decider.display_name if decider else ""
    return f"{text}\n{words(outcome, name=name)}"


@on_delivery("leave.for_secretary")
async def _copy_delivered(
    context: BotContext, user_id: int, message: Message, refs: Mapping[str, Any]
) -> None:
    """Recorded, so that later changes to the request show on this copy too."""
    await context.services.leaves.copied(int(refs["leave"]), message.chat_id, message.message_id)


async def show_on_copies(
    context: BotContext,
    leave_id: int,
    branch: Branch,
    *,
    note: str | None = None,
    pressed: tuple[int, int] | None = None,
) -> None:
    """Every copy of the request shows it as it is now, without buttons.

    ``note`` (a catalog key) is a line added below (a copy superseded by a newer one); a
    request whose member used ``/forget`` shows only that it was withdrawn. ``pressed`` is
    the copy a decision was made on, edited even if it was sent before copies were recorded.
    A copy that cannot be edited does not stop the others.
    """
    copies = await context.services.leaves.copies(leave_id)
    if pressed is not None and pressed not in copies:
        copies.append(pressed)

    async def edit(copy: tuple[int, int]) -> None:
        chat_id, message_id = copy
        words = await reader_words(context, chat_id, branch)
        text = await request_text(context, branch, words, {"leave": leave_id})
        lines = [text or words("leave.forgotten_note")]
        if note is not None:
            lines.append(words(note))
        await policy.send(
            context,
            chat_id,
            lambda chat: context.bot.edit_message_text(
                text="\n".join(lines), chat_id=chat, message_id=message_id
            ),
            what=f"copy {message_id} of leave {leave_id} in {chat_id}",
        )

    await policy.each(copies, edit, what=f"copies of leave {leave_id}")
