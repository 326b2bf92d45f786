"""Which branch a private command acts on, with buttons when the user has several.

In a group the branch is the group's. In private it is the branch the user chose (with a
start link or one of these buttons), else their only branch; with several and none chosen,
buttons list them: a press remembers the choice and runs the command that asked.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot.commands import CommandSpec
from bot.context import BotContext
from bot.errors import UserError
from handlers.gate.access import Callback
from handlers.gate.buttons import button
from handlers.gate.callbacks import BranchChoice
from handlers.gate.place import arguments, here
from storage.models import Branch


async def acting_branch(
    update: Update, context: BotContext, spec: CommandSpec, *, secretary: bool = False
) -> Branch | None:
    """The branch the command acts on, or None after asking with buttons.

    Args:
        update: the command's update.
        context: the callback context.
        spec: the command (its name goes into the buttons, to run it once chosen).
        secretary: the command is a secretary's: in private only branches the user is a
            secretary of qualify.

    Raises:
        UserError: in a group, the group is not a branch; in private, the user has no branch
            (or, for ``secretary``, none they are a secretary of).
    """
    place, services = here(context), context.services
    if not place.private:
        if place.branch is None or not place.branch.active:
            raise UserError("branch.not_registered")
        return place.branch
    user_id = update.effective_user.id
    chosen = place.branch if place.branch is not None and place.branch.active else None
    if chosen is not None and not await services.auth.belongs_to(chosen, user_id):
        chosen = None  # remembered, but the user has left that branch since
    if secretary:
        if chosen is not None and await services.auth.is_secretary_of(chosen, user_id):
            return chosen
        candidates = await services.auth.secretary_branches(user_id)
        if not candidates:
            raise UserError("access.secretary", command=spec.name)
    else:
        if chosen is not None:
            return chosen
        candidates = await services.branches.of_member(user_id)
        if not candidates:
            raise UserError("me.no_branch")
    if len(candidates) == 1:
        return candidates[0]
    await ask(update, context, spec, candidates)
    return None


def choice_data(branch_id: int, spec: CommandSpec, args: str) -> str:
    """A button's data: the branch and the command with its arguments, if they fit."""
    data = BranchChoice(branch_id, spec.name, args or None)
    if not data.fits():
        data = BranchChoice(branch_id)  # chooses only: the user sends the command again
    return data.pack()


async def ask(
    update: Update, context: BotContext, spec: CommandSpec, branches: list[Branch]
) -> None:
    """Ask which branch the command is for, one button per branch."""
    args = arguments(context)
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.title, callback_data=choice_data(b.id, spec, args))]
            for b in branches
        ]
    )
    await update.effective_message.reply_text(
        context.words("private.choose_branch", command=spec.name), reply_markup=markup
    )


async def _choose(update: Update, context: BotContext, branch: Branch) -> None:
    """Remember the pressed branch for the presser's private commands.

    The gate checked the presser may run the command for that branch (a secretary's command
    only for its secretaries) before anything is remembered. The query is not answered here:
    the command that runs next (or its refusal) gives the one answer Telegram takes.
    """
    await context.services.storage.users.set_private_branch(
        update.callback_query.from_user.id, branch.id
    )
    context.here = replace(here(context), branch=branch)


async def chosen_only(
    update: Update, context: BotContext, data: BranchChoice, branch: Branch
) -> None:
    """A branch button whose command did not fit in it: the branch is chosen, send it again."""
    await _choose(update, context, branch)
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(
        context.words("start.branch_chosen", branch=branch.title)
        + "\n"
        + context.words("private.send_again")
    )


def choice_handler(spec: CommandSpec, callback: Callback) -> CallbackQueryHandler:
    """The handler of the branch buttons of ``spec``: choose, then run the command.

    The gate checked who may run the command for that branch, so the command runs without
    the command gate (whose private check knows only the branches the user was seen in).
    """

    async def chosen(
        update: Update, context: BotContext, data: BranchChoice, branch: Branch
    ) -> None:
        await _choose(update, context, branch)
        query = update.callback_query
        await query.edit_message_text(context.words("start.branch_chosen", branch=branch.title))
        context.args = (data.args or "").split()
        await callback(update, context)  # a refusal answers the query with its reason
        await query.answer()

    chosen.__name__ = f"chosen_{spec.name}"
    return button(BranchChoice, chosen, pattern=BranchChoice.pattern_for(spec.name))


def handlers() -> list[CallbackQueryHandler]:
    """The choose-only buttons (each command registers its own with ``choice_handler``)."""
    return [button(BranchChoice, chosen_only, pattern=BranchChoice.pattern_for(None))]
