"""Inline keyboards: buttons from catalog labels, and long lists paged with ◀ ▶.

Telegram takes at most 100 buttons: a keyboard of many shows ``PAGE_SIZE`` of them with
◀ ▶ buttons that turn the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Words
from handlers.gate.callbacks import CallbackData

PAGE_SIZE = 10
PREVIOUS, NEXT = "◀", "▶"


def keyboard(words: Words, buttons: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup | None:
    """One button per row: (catalog key of the label, callback data)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(words(label), callback_data=data)] for label, data in buttons]
    )


def page_count(count: int) -> int:
    """How many pages ``count`` buttons fill (at least one)."""
    return max(1, -(-count // PAGE_SIZE))


def paged_keyboard(
    buttons: list[InlineKeyboardButton], page: int, turn: CallbackData
) -> InlineKeyboardMarkup | None:
    """One button per row, ``PAGE_SIZE`` of them, and ◀ ▶ to the neighbouring pages.

    Args:
        buttons: every button, in order.
        page: the page to show (0-based; clamped to the pages there are).
        turn: the data of a page button (a kind with a ``page`` field), ◀ ▶ with their page.
    """
    if not buttons:
        return None
    pages = page_count(len(buttons))
    page = min(max(page, 0), pages - 1)
    rows = [[button] for button in buttons[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]]
    turns = []
    if page > 0:
        turns.append(InlineKeyboardButton(PREVIOUS, callback_data=_to(turn, page - 1)))
    if page < pages - 1:
        turns.append(InlineKeyboardButton(NEXT, callback_data=_to(turn, page + 1)))
    if turns:
        rows.append(turns)
    return InlineKeyboardMarkup(rows)


def _to(turn: CallbackData, page: int) -> str:
    """The data of the button that turns to ``page``."""
    return replace(turn, page=page).pack()
