"""``/me`` and ``/top``: a member's own participation, and the branch's points leaderboard."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot import commands
from bot.context import BotContext
from bot.errors import UserError
from handlers.gate.access import command
from handlers.gate.branch_choice import acting_branch, choice_handler
from handlers.gate.place import here, person_of
from handlers.outbound.replies import reply
from handlers.views.participation import percent, top_lines


async def me(update: Update, context: BotContext) -> None:
    """The member's own participation in the branch (in private: the chosen branch)."""
    services, now, user_id = context.services, context.clock(), update.effective_user.id
    if person_of(update.effective_user) is None:
        raise UserError("access.person_only", command=commands.ME.name)
    branch = await acting_branch(update, context, commands.ME)
    if branch is None:
        return  # asked which branch: the button runs /me
    stats = await services.checkins.participation(branch, user_id, now)
    studied = await services.study.published(branch, user_id)
    answered, right = await services.group_quiz.results(branch, user_id)
    week, total = await services.points.of(branch, user_id, now)
    modules = "".join(
        "\n" + context.words("me.module", id=m.id, title=m.title, best=best, count=m.questions)
        for m, best in studied
        if best is not None
    )
    await reply(
        update,
        context,
        "me.summary",
        branch=branch.title,
        checkins=stats.checkins,
        streak=stats.streak,
        attended=stats.attended,
        expected=stats.expected,
        rate=percent(context.words, stats.rate),
        finished=sum(best is not None for _, best in studied),
        published=len(studied),
        modules=modules,
        answered=answered,
        right=right,
        week=week,
        total=total,
    )


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
        command(commands.TOP, top),
    ]
