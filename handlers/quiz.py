"""The private quiz: start or resume, answer, feedback, and the score at the end."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import BotContext
from bot.errors import UserError
from bot.quiz import Answered, Asked
from handlers.gate.place import here
from handlers.views.quiz import (
    ANSWER_PREFIX,
    START_PREFIX,
    SUBMIT,
    TOGGLE_PREFIX,
    feedback_text,
    question_markup,
    question_text,
)

_START = re.compile(r"^qs:([1-9]\d{0,17}):([1-9]\d{0,17})$", re.ASCII)
# A question has at most QUESTION_OPTIONS_MAX (12) options: an option index has 2 digits, a
# selection mask (one bit an option, at most 4095) 4.
_ANSWER = re.compile(r"^qa:([1-9]\d{0,17}):(\d{1,4}):(\d{1,2})$", re.ASCII)
_TOGGLE = re.compile(r"^qm:([1-9]\d{0,17}):(\d{1,4}):(\d{1,4}):(\d{1,2}|s)$", re.ASCII)


async def send_question(context: BotContext, chat_id: int, asked: Asked) -> None:
    """Ask the attempt's current question."""
    text = question_text(context.services.translate, here(context).language, asked)
    await context.bot.send_message(chat_id, text, reply_markup=question_markup(asked))


async def _presser_in_private(update: Update, context: BotContext) -> int:
    """The presser's id; quiz buttons only work in the private chat they were sent to."""
    place = here(context)
    if not place.private:
        raise UserError("button.stale")
    return update.callback_query.from_user.id


async def _check_member_of_attempt(context: BotContext, attempt_id: int, user_id: int) -> None:
    """An answer counts only from a member of the branch the attempt is for."""
    services = context.services
    attempt = await services.storage.quiz.get(attempt_id)
    branch = await services.branches.get(attempt.branch_id) if attempt else None
    if branch is None:
        raise UserError("button.stale")
    if not await services.auth.belongs_to(branch, user_id):
        raise UserError("button.not_member")


async def start_quiz(update: Update, context: BotContext) -> None:
    """Starts the module's quiz, or resumes an unfinished attempt where it stopped."""
    query, services = update.callback_query, context.services
    user_id = await _presser_in_private(update, context)
    match = _START.match(query.data)
    branch = await services.branches.get(int(match.group(2))) if match else None
    if match is None or branch is None or not branch.active:
        raise UserError("button.stale")
    if not await services.auth.belongs_to(branch, user_id):
        raise UserError("button.not_member")
    asked = await services.quiz.begin(branch, int(match.group(1)), user_id, context.clock())
    await query.answer()
    await send_question(context, query.message.chat_id, asked)


async def _finish_answer(update: Update, context: BotContext, answered: Answered | None) -> None:
    query = update.callback_query
    if answered is None:
        await query.answer(context.text("quiz.already"))
        return
    await query.answer()
    await query.edit_message_text(
        feedback_text(context.services.translate, here(context).language, answered)
    )
    attempt = answered.attempt
    if attempt.finished:
        await context.bot.send_message(
            query.message.chat_id,
            context.text(
                "quiz.done", score=attempt.score, total=attempt.total, best=answered.best
            ),
        )
    else:
        asked = await context.services.quiz.next_question(attempt)
        await send_question(context, query.message.chat_id, asked)


async def answer(update: Update, context: BotContext) -> None:
    """An answer button of a single-answer question."""
    query = update.callback_query
    user_id = await _presser_in_private(update, context)
    match = _ANSWER.match(query.data)
    if match is None:
        raise UserError("button.stale")
    attempt_id, position, option = (int(g) for g in match.groups())
    await _check_member_of_attempt(context, attempt_id, user_id)
    answered = await context.services.quiz.answer(
        attempt_id, user_id, position, [option], context.clock()
    )
    await _finish_answer(update, context, answered)


async def toggle(update: Update, context: BotContext) -> None:
    """A toggle (or the submit) of a question with several right answers."""
    query, services = update.callback_query, context.services
    user_id = await _presser_in_private(update, context)
    match = _TOGGLE.match(query.data)
    if match is None:
        raise UserError("button.stale")
    attempt_id, position, mask = (int(g) for g in match.groups()[:3])
    await _check_member_of_attempt(context, attempt_id, user_id)
    if match.group(4) == SUBMIT:
        chosen = [i for i in range(mask.bit_length()) if mask >> i & 1]
        if not chosen:
            await query.answer(context.text("quiz.choose_first"))
            return
        answered = await services.quiz.answer(
            attempt_id, user_id, position, chosen, context.clock()
        )
        await _finish_answer(update, context, answered)
        return
    attempt = await services.storage.quiz.get(attempt_id)
    if attempt is None or attempt.user_id != user_id or attempt.finished:
        raise UserError("button.stale")
    if attempt.position != position:
        await query.answer(context.text("quiz.already"))
        return
    asked = await services.quiz.next_question(attempt)
    option = int(match.group(4))
    if option >= len(asked.question.options):
        raise UserError("button.stale")
    await query.answer()
    await query.edit_message_reply_markup(question_markup(asked, mask ^ (1 << option)))


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [
        CallbackQueryHandler(start_quiz, pattern=f"^{START_PREFIX}"),
        CallbackQueryHandler(answer, pattern=f"^{ANSWER_PREFIX}"),
        CallbackQueryHandler(toggle, pattern=f"^{TOGGLE_PREFIX}"),
    ]
