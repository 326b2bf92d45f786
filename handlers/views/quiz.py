"""How the private quiz reads: the start button, a question and its buttons, the feedback.

Questions with several right answers use toggles and a submit; the selection travels in the
callback data, so toggling needs no state on the server.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Words
from bot.quiz import Answered, Asked
from handlers.gate.callbacks import QuizAnswer, QuizStart, QuizToggle


def start_button(words: Words, module_id: int, branch_id: int) -> InlineKeyboardMarkup:
    """The module view's button that starts (or resumes) its quiz."""
    data = QuizStart(module_id, branch_id).pack()
    label = words("quiz.start_button")
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])


def question_markup(asked: Asked, mask: int = 0) -> InlineKeyboardMarkup:
    """Option buttons in the attempt's shuffled order; toggles and a submit if several."""
    attempt, options = asked.attempt, asked.question.options
    rows = []
    for index in asked.order:
        if asked.multiple:
            mark = "☑ " if mask >> index & 1 else "☐ "
            data = QuizToggle(attempt.id, attempt.position, mask, index).pack()
            rows.append([InlineKeyboardButton(mark + options[index], callback_data=data)])
        else:
            data = QuizAnswer(attempt.id, attempt.position, index).pack()
            rows.append([InlineKeyboardButton(options[index], callback_data=data)])
    if asked.multiple:
        submit = QuizToggle(attempt.id, attempt.position, mask, None).pack()
        rows.append([InlineKeyboardButton("✔", callback_data=submit)])
    return InlineKeyboardMarkup(rows)


def question_text(words: Words, asked: Asked) -> str:
    """``Question n/N: …`` (with a hint when several answers are right)."""
    key = "quiz.question_multiple" if asked.multiple else "quiz.question"
    return words(
        key,
        number=asked.attempt.position + 1,
        total=asked.attempt.total,
        text=asked.question.text,
    )


def feedback_text(words: Words, answered: Answered) -> str:
    """The question with the verdict, the right answer, feedback and the explanation."""
    question = answered.question
    right = words.join(question.options[i] for i in question.correct)
    lines = [
        question.text,
        words("quiz.right" if answered.correct else "quiz.wrong", answer=right),
    ]
    lines += [question.feedback[i] for i in answered.chosen if question.feedback[i]]
    if question.explanation:
        lines.append(question.explanation)
    return "\n".join(lines)
