"""``/me``, ``/points`` and ``/top``: a member's own participation and points, and the leaders.

What is about one member is theirs alone: asked for in a group, it is answered privately.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler

from bot import commands
from bot.context import BotContext
from bot.errors import UserError
from bot.i18n import Words
from handlers.gate.access import command
from handlers.gate.branch_choice import acting_branch, choice_handler
from handlers.gate.place import here, person_of
from handlers.outbound.private import answer_privately, render, renders
from handlers.outbound.replies import reply
from handlers.views.participation import percent, points_text, top_lines
from storage.models import Branch


async def me(update: Update, context: BotContext) -> None:
    """The member's own participation in the branch (in private: the chosen branch)."""
    await _own(update, context, commands.ME, "me.summary")


async def points(update: Update, context: BotContext) -> None:
    """What earns points, and the member's points of today against the daily cap."""
    await _own(update, context, commands.POINTS, "points.explained")


async def _own(update: Update, context: BotContext, spec: commands.CommandSpec, key: str) -> None:
    """Answer a command about the sender alone: in private directly, from a group privately."""
    if person_of(update.effective_user) is None:
        raise UserError("access.person_only", command=spec.name)
    branch = await acting_branch(update, context, spec)
    if branch is None:
        return  # asked which branch: the button runs the command
    reference = {"user": update.effective_user.id}
    if here(context).private:
        text = await render(context, branch, context.words, key, reference)
        if text:
            await update.effective_message.reply_text(text)
    else:
        await answer_privately(update, context, branch, key, **reference)


@renders("me.summary")
async def me_text(
    context: BotContext, branch: Branch, words: Words, params: Mapping[str, Any]
) -> str:
    """A member's participation, read now (also when a kept ``/me`` is delivered)."""
    services, now, user_id = context.services, context.clock(), int(params["user"])
    stats = await services.checkins.participation(branch, user_id, now)
    studied = await services.study.published(branch, user_id)
    answered, right = await services.group_quiz.results(branch, user_id)
    week, total = await services.points.of(branch, user_id, now)
    modules = "".join(
        "\n" + words("me.module", id=m.id, title=m.title, best=best, count=m.questions)
        for m, best in studied
        if best is not None
    )
    return words(
        "me.summary",
        branch=branch.title,
        checkins=stats.checkins,
        streak=stats.streak,
        attended=stats.attended,
        expected=stats.expected,
        rate=percent(words, stats.rate),
        finished=sum(best is not None for _, best in studied),
        published=len(studied),
        modules=modules,
        answered=answered,
        right=right,
        week=week,
        total=total,
    )


@renders("points.explained")
async def explained_text(
    context: BotContext, branch: Branch, words: Words, params: Mapping[str, Any]
) -> str:
    """The configured rules and the member's points of today, read now."""
    ledger = context.services.points
    today = await ledger.today(branch, int(params["user"]), context.clock())
    return points_text(words, branch.title, ledger.rules(), today)


async def top(update: Update, context: BotContext) -> None:
    """This week's and all-time leaders by points."""
    week, ever = await context.services.points.top(here(context).branch, context.clock())

    def board(leaders: list[tuple[str, int]]) -> str:
        return "\n".join(top_lines(context.words, leaders))

    await reply(update, context, "top.board", week=board(week), ever=board(ever))


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [
        command(commands.ME, me),
        choice_handler(commands.ME, me),
        command(commands.POINTS, points),
        choice_handler(commands.POINTS, points),
        command(commands.TOP, top),
    ]
