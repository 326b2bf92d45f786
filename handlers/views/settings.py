"""A branch's settings as ``/settings`` lists them: each value in the reader's words."""

from __future__ import annotations

from bot.i18n import Words
from storage.models import Branch


def settings_text(words: Words, branch: Branch, key: str) -> str:
    """The settings message ``key`` (shown or saved): 中文, 周日 20:00 and 关闭 in Chinese."""
    if branch.summary_weekday is None or branch.summary_time is None:
        summary = words("settings.off")
    else:
        summary = f"{words(f'weekday.{branch.summary_weekday}')} {branch.summary_time}"
    return words(
        key,
        timezone=branch.timezone,
        language=words(f"settings.language_{branch.language}"),
        summary=summary,
        checkin=branch.checkin_time or words("settings.off"),
    )
