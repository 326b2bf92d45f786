"""The private quiz: start or resume, answer, feedback, and the score at the end."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import BotContext
from bot.errors import UserError
from bot.quiz import Answered, Asked
from handlers.gate.buttons import button
from handlers.gate.callbacks import QuizAnswer, QuizStart, QuizToggle
from handlers.views.quiz import feedback_text, question_markup, question_text
from storage.models import Branch


async def send_question(context: BotContext, chat_id: int, asked: Asked) -> None:
    """Ask the attempt's current question."""
    text = question_text(context.words, asked)
    await context.bot.send_message(chat_id, text, reply_markup=question_markup(asked))


async def start_quiz(update: Update, context: BotContext, data: QuizStart, branch: Branch) -> None:
    """Starts the module's quiz, or resumes an unfinished attempt where it stopped."""
    query = update.callback_query
    asked = await context.services.quiz.begin(
        branch, data.module_id, query.from_user.id, context.clock()
    )
    await query.answer()
    await send_question(context, query.message.chat_id, asked)


async def _finish_answer(update: Update, context: BotContext, answered: Answered | None) -> None:
    query = update.callback_query
    if answered is None:
        await query.answer(context.toast_words("quiz.already"))
        return
    await query.answer()
    await query.edit_message_text(feedback_text(context.words, answered))
    attempt = answered.attempt
    if attempt.finished:
        await context.bot.send_message(
            query.message.chat_id,
            context.words(
                "quiz.done", score=attempt.score, total=attempt.total, best=answered.best
            ),
        )
    else:
        asked = await context.services.quiz.next_question(attempt)
        await send_question(context, query.message.chat_id, asked)


async def answer(update: Update, context: BotContext, data: QuizAnswer, branch: Branch) -> None:
    """An answer button of a single-answer question."""
    user_id = update.callback_query.from_user.id
    answered = await context.services.quiz.answer(
        data.attempt_id, user_id, data.position, [data.option], context.clock()
    )
    await _finish_answer(update, context, answered)


async def toggle(update: Update, context: BotContext, data: QuizToggle, branch: Branch) -> None:
    """A toggle (or the submit) of a question with several right answers."""
    query, services = update.callback_query, context.services
    user_id, mask = query.from_user.id, data.mask
    if data.option is None:
        chosen = [i for i in range(mask.bit_length()) if mask >> i & 1]
        if not chosen:
            await query.answer(context.toast_words("quiz.choose_first"))
            return
        answered = await services.quiz.answer(
            data.attempt_id, user_id, data.position, chosen, context.clock()
        )
        await _finish_answer(update, context, answered)
        return
    attempt = await services.storage.quiz.get(data.attempt_id)
    if attempt is None or attempt.finished:
        raise UserError("button.stale")
    if attempt.position != data.position:
        await query.answer(context.toast_words("quiz.already"))
        return
    asked = await services.quiz.next_question(attempt)
    if data.option >= len(asked.question.options):
        raise UserError("button.stale")
    await query.answer()
    await query.edit_message_reply_markup(question_markup(asked, mask ^ (1 << data.option)))


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [
        button(QuizStart, start_quiz),
        button(QuizAnswer, answer),
        button(QuizToggle, toggle),
    ]
