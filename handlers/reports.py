"""``/report`` and ``/export``: a branch's participation over a period, sent privately."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import partial
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden
from telegram.ext import BaseHandler

from bot import commands
from bot.context import BotContext
from bot.deeplinks import branch_payload
from bot.errors import UserError
from bot.reports import ORG_DAYS, Period, Report, export_period, report_period
from bot.text import grouped_names, split_message
from handlers.common import arguments, command, here, reply
from handlers.participation_text import meeting_lines, percent, quizzes_line, top_lines
from handlers.private import renders, send_private
from storage.models import Branch, from_epoch, to_epoch, to_epoch_end


def report_text(context: BotContext, branch: Branch, r: Report) -> str:
    """The report, line by line, in the reader's language."""
    return _report_text(context.text, branch, r)


def _report_text(t: Callable[..., str], branch: Branch, r: Report) -> str:
    a = r.activity
    lines = [
        t("report.title", branch=branch.title, first=r.period.first, last=r.period.last),
        t("report.checkins", checkins=a.checkins, rate=percent(r.checkin_rate)),
        t("report.participants", participants=a.participants, roster=a.roster, silent=a.silent),
        t("summary.meetings") if r.occurrences else t("report.no_meetings"),
        *meeting_lines(t, branch.timezone, r.occurrences, "%Y-%m-%d %H:%M"),
        quizzes_line(t, r.quizzes),
        t("report.top"),
        *top_lines(t, r.top),
        t("summary.absent"),
    ]
    lines += grouped_names([(f"#{o}", name) for o, name in r.absentees]) or [
        t("report.absent_none")
    ]
    lines.append(t("summary.not_taken"))
    lines += grouped_names([(f"#{m} {title}", name) for m, title, name in r.not_taken]) or [
        t("summary.not_taken_none")
    ]
    return "\n".join(lines)


def period_reference(period: Period) -> dict[str, Any]:
    """A report's period as a kept message holds it (instants in whole seconds)."""
    return {
        "start": to_epoch(period.start),
        "end": to_epoch_end(period.end),
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
    }


@renders("report.part")
async def kept_report(
    context: BotContext, branch: Branch, language: str, params: Mapping[str, Any]
) -> list[str] | None:
    """A kept report: computed again over its period, from the rows as they are now."""
    period = Period(
        from_epoch(int(params["start"])),  # type: ignore[arg-type]
        from_epoch(int(params["end"])),  # type: ignore[arg-type]
        date.fromisoformat(params["first"]),
        date.fromisoformat(params["last"]),
    )
    result = await context.services.reports.report(branch, period)
    translate = context.services.translate
    return split_message(_report_text(partial(translate, language), branch, result))


async def _branch_for_secretary(update: Update, context: BotContext, command: str) -> Branch:
    """The group's branch, or in private the chosen branch if the user is its secretary."""
    place = here(context)
    branch = place.branch
    if branch is None or not branch.active:
        raise UserError("me.no_branch" if place.private else "branch.not_registered")
    if place.private and not await context.services.auth.is_secretary_of(
        branch, update.effective_user.id
    ):
        raise UserError("access.secretary", command=command)
    return branch


async def organisation_report(update: Update, context: BotContext) -> None:
    """``/report org``: each branch of the user's organisations (all, for operators)."""
    if not here(context).private:
        raise UserError("where.private_only")
    services, now, user_id = context.services, context.clock(), update.effective_user.id
    organisations = await services.organisation_reports.visible_to(
        user_id, operator=services.auth.is_operator(user_id)
    )
    if not organisations:
        raise UserError("org_report.none")
    lines = []
    for organisation in organisations:
        lines.append(context.text("org_report.title", name=organisation.name, days=ORG_DAYS))
        for s in await services.organisation_reports.standings(organisation, now):
            overdue = "、".join(context.text(f"type.{kind}") for kind in s.overdue)
            lines.append(
                context.text(
                    "org_report.line",
                    id=s.activity.id,
                    title=s.activity.title,
                    checkins=percent(s.checkin_rate),
                    attendance=percent(s.attendance),
                    overdue=overdue or context.text("org_report.none_overdue"),
                    last=f"{s.activity.last_activity:%Y-%m-%d}",
                )
                + (context.text("org_report.silent") if s.silent else "")
            )
    for chunk in split_message("\n".join(lines)):
        await update.effective_message.reply_text(chunk)


async def report(update: Update, context: BotContext) -> None:
    """Sends the branch's report privately (split at line boundaries)."""
    if arguments(context) == "org":
        await organisation_report(update, context)
        return
    branch = await _branch_for_secretary(update, context, "report")
    period = report_period(branch, arguments(context), context.clock())
    result = await context.services.reports.report(branch, period)
    message = update.effective_message
    user_id = update.effective_user.id
    for chunk in split_message(report_text(context, branch, result)):
        # Kept as the period, once for all parts: rendered whole when delivered.
        held = not await send_private(
            context,
            user_id=user_id,
            branch=branch,
            key="report.part",
            dedupe_key=f"report:{message.chat_id}:{message.message_id}",
            keep=period_reference(period),
            text=chunk,
        )
        if held:
            break
    if not here(context).private:
        await reply(update, context, "report.sent_privately")


async def export(update: Update, context: BotContext) -> None:
    """Sends the four CSV files privately as documents."""
    branch = await _branch_for_secretary(update, context, "export")
    period = export_period(branch, arguments(context), context.clock())
    files = await context.services.reports.export(branch, period)
    user_id = update.effective_user.id
    try:
        for name, content in files.items():
            await context.bot.send_document(user_id, content, filename=name)
    except Forbidden:
        link = f"https://t.me/{context.bot.username}?start={branch_payload(branch.id)}"
        button = InlineKeyboardButton(context.text("private.open"), url=link)
        await update.effective_message.reply_text(
            context.text("export.start_first"), reply_markup=InlineKeyboardMarkup([[button]])
        )
        return
    if not here(context).private:
        await reply(update, context, "export.sent_privately", first=period.first, last=period.last)


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [command(commands.REPORT, report), command(commands.EXPORT, export)]
