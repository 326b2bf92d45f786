"""The guided ``/meeting_add`` with buttons; each press is checked for a secretary."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.config import MEETING_TYPES
from bot.context import BotContext
from bot.errors import UserError
from bot.meeting_flow import CANCEL, PREFIX, REPEATS, FlowState, choices, parse_flow
from handlers.meeting_text import scheduled_text
from handlers.schedule import schedule_sends

ROW = 4  # buttons per row


def _label(context: BotContext, step: str, value: object) -> str:
    if step == "day" and isinstance(value, date):
        return f"{value:%m-%d} {context.text(f'weekday.{value.weekday()}')}"
    if step == "repeat":
        return context.text(f"repeat.{REPEATS[int(value)]}")  # type: ignore[call-overload]
    if step == "remind":
        return context.text(f"remind.{value}")
    return str(value)


def _keyboard(context: BotContext, rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    cancel = [(context.text("flow.cancel"), CANCEL)]
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(text, callback_data=data) for text, data in row]
            for row in [*rows, cancel]
        ]
    )


def _summary(context: BotContext, state: FlowState) -> str:
    parts = [context.text(f"type.{MEETING_TYPES[state.type]}")]
    if state.day is not None:
        parts.append(f"{state.day:%Y-%m-%d}")
    if state.at is not None:
        parts.append(f"{state.at:%H:%M}")
    if state.repeat is not None:
        parts.append(_label(context, "repeat", state.repeat))
    if state.remind is not None:
        parts.append(
            context.text("flow.reminders", reminders=_label(context, "remind", state.remind))
        )
    return " · ".join(parts)


def first_step(context: BotContext) -> tuple[str, InlineKeyboardMarkup]:
    """The flow's opening message: choose the type."""
    buttons = [
        (context.text(f"type.{kind}"), f"{PREFIX}{index}")
        for index, kind in enumerate(MEETING_TYPES)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return context.text("flow.type"), _keyboard(context, rows)


async def flow_step(update: Update, context: BotContext) -> None:
    """A press in the guided flow: the next step, the confirmation, or cancel."""
    query, place, services = update.callback_query, context.here, context.services
    branch = place.branch if place and not place.private else None
    if branch is None or not branch.active:
        raise UserError("button.stale")
    if not await services.auth.is_secretary_of(branch, query.from_user.id):
        raise UserError("access.secretary", command="meeting_add")
    if query.data == CANCEL:
        await query.answer()
        await query.edit_message_text(context.text("flow.cancelled"))
        return
    state = parse_flow(query.data)
    if state is None:
        raise UserError("button.stale")
    if state.confirmed:
        message = query.message
        meeting, sends = await services.meetings.add(
            branch,
            state.request(),
            key=f"flow:{message.chat_id}:{message.message_id}",
            by=query.from_user.id,
            now=context.clock(),
        )
        schedule_sends(context.job_queue, sends, context.config.bot.misfire_grace)
        await query.answer()
        await query.edit_message_text(await scheduled_text(context, meeting))
        return
    await query.answer()
    if state.step == "confirm":
        rows = [[(context.text("flow.confirm"), state.encode(confirm=True))]]
        await query.edit_message_text(
            context.text("flow.check", summary=_summary(context, state)),
            reply_markup=_keyboard(context, rows),
        )
        return
    today = context.clock().astimezone(ZoneInfo(branch.timezone)).date()
    options = [(_label(context, state.step, value), data) for value, data in choices(state, today)]
    rows = [options[i : i + ROW] for i in range(0, len(options), ROW)]
    await query.edit_message_text(
        context.text(f"flow.{state.step}", summary=_summary(context, state)),
        reply_markup=_keyboard(context, rows),
    )


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [CallbackQueryHandler(flow_step, pattern=f"^{PREFIX}")]
