"""Inline keyboards: buttons from catalog labels, and long lists paged with ◀ ▶.

Telegram takes at most 100 buttons: a keyboard of many shows ``PAGE_SIZE`` of them with
◀ ▶ buttons that turn the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator

PAGE_SIZE = 10
PREVIOUS, NEXT = "◀", "▶"


def keyboard(
    translate: Translator, language: str, buttons: Sequence[tuple[str, str]]
) -> InlineKeyboardMarkup | None:
    """One button per row: (catalog key of the label, callback data)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(translate(language, label), callback_data=data)]
            for label, data in buttons
        ]
    )


def page_count(count: int) -> int:
    """How many pages ``count`` buttons fill (at least one)."""
    return max(1, -(-count // PAGE_SIZE))


def paged_keyboard(
    buttons: list[InlineKeyboardButton], page: int, page_data: str
) -> InlineKeyboardMarkup | None:
    """One button per row, ``PAGE_SIZE`` of them, and ◀ ▶ to the neighbouring pages.

    Args:
        buttons: every button, in order.
        page: the page to show (0-based; clamped to the pages there are).
        page_data: callback data of a page button, with ``{page}`` for its number (keep it
            short: it must fit 64 bytes with the number).
    """
    if not buttons:
        return None
    pages = page_count(len(buttons))
    page = min(max(page, 0), pages - 1)
    rows = [[button] for button in buttons[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]]
    turn = []
    if page > 0:
        turn.append(InlineKeyboardButton(PREVIOUS, callback_data=page_data.format(page=page - 1)))
    if page < pages - 1:
        turn.append(InlineKeyboardButton(NEXT, callback_data=page_data.format(page=page + 1)))
    if turn:
        rows.append(turn)
    return InlineKeyboardMarkup(rows)
