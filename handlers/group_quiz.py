"""``/quiz``: a module's questions as native quiz polls in the group, and their answers."""

from __future__ import annotations

import re

from telegram import Poll, Update
from telegram.ext import BaseHandler, PollAnswerHandler

from bot import commands
from bot.context import BotContext
from bot.errors import UserError
from bot.group_quiz import DEFAULT_COUNT, MAX_COUNT
from handlers.gate.access import command
from handlers.gate.place import arguments, here, person_of
from handlers.outbound.replies import reply

_ARGUMENTS = re.compile(r"^#?([1-9]\d{0,17})(?:\s+(\d{1,3}))?$", re.ASCII)


def _parse(text: str) -> tuple[int, int]:
    """``<module id> [n]``; anything else is answered with the usage."""
    match = _ARGUMENTS.match(text)
    if match is None:
        raise UserError("group_quiz.usage", max=MAX_COUNT)
    return int(match.group(1)), int(match.group(2) or DEFAULT_COUNT)


async def group_quiz(update: Update, context: BotContext) -> None:
    """Posts the quiz polls one after another.

    The rate limiter holds each send to the group's 20 messages a minute, so a long quiz is
    paced by it; other groups' updates are handled meanwhile (updates run concurrently).
    """
    module_id, count = _parse(arguments(context))
    branch, services, message = here(context).branch, context.services, update.effective_message
    quiz = await services.group_quiz.plan(branch, module_id, count)

    def post_key(number: int) -> str:
        return f"{message.chat_id}:{message.message_id}:{number}"

    # The same /quiz delivered again (around a restart) posts only what did not go out.
    if not await services.group_quiz.is_posted(post_key(0)):
        await reply(
            update,
            context,
            "group_quiz.intro_skipped" if quiz.not_ready else "group_quiz.intro",
            id=quiz.module_id,
            title=quiz.title,
            count=len(quiz.questions),
            skipped=quiz.not_ready,
        )
    for number, question in enumerate(quiz.questions):
        if await services.group_quiz.is_posted(post_key(number)):
            continue
        sent = await context.bot.send_poll(
            message.chat_id,
            question.text,
            question.options,
            is_anonymous=False,  # polls are anonymous by default, and then send no answers
            type=Poll.QUIZ,
            correct_option_ids=question.correct,
            allows_multiple_answers=len(question.correct) > 1,
            explanation=question.explanation,
        )
        await services.group_quiz.posted(
            branch,
            question,
            poll_id=sent.poll.id,
            post_key=post_key(number),
            message_id=sent.message_id,
            now=context.clock(),
        )


async def poll_answer(update: Update, context: BotContext) -> None:
    """Credits an answer to one of the bot's quiz polls; anything else is ignored."""
    answer, services, now = update.poll_answer, context.services, context.clock()
    person = person_of(answer.user) if answer.user is not None else None
    if person is None:
        return  # an anonymous voter (voter_chat) or a bot: no member to credit
    found = await services.group_quiz.find(answer.poll_id)
    if found is None:
        return
    branch, poll = found
    await services.members.seen(person, branch, now)
    await services.group_quiz.answer(branch, poll, person.id, list(answer.option_ids), now)


def handlers() -> list[BaseHandler]:
    """Handlers of this module."""
    return [command(commands.GROUP_QUIZ, group_quiz), PollAnswerHandler(poll_answer)]
