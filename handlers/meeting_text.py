"""How occurrences and rolls read in messages, in the branch's timezone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.meetings import Roll
from storage.models import OccurrenceView

CHECKIN_PREFIX = "mc:"


def occurrence_line(translate: Translator, language: str, occurrence: OccurrenceView) -> str:
    """``#12 2026-03-05 19:30 支部委员会 · title`` in the branch's timezone."""
    local = occurrence.starts_at.astimezone(ZoneInfo(occurrence.branch_timezone))
    name = translate(language, f"type.{occurrence.type}")
    title = f" · {occurrence.title}" if occurrence.title else ""
    return f"#{occurrence.id} {local:%Y-%m-%d %H:%M} {name}{title}"


def roll_text(translate: Translator, language: str, roll: Roll) -> str:
    """The roll for secretaries: who was present, late and absent, and the quorum."""
    lines = [occurrence_line(translate, language, roll.occurrence)]
    for status in ("present", "late", "excused", "absent"):
        entries = roll.of(status)
        names = ", ".join(entry.name for entry in entries) or "—"
        lines.append(translate(language, f"roll.{status}", count=len(entries), names=names))
    quorum = roll.quorum
    if roll.occurrence.type in ("general", "committee"):
        state = "unknown" if quorum is None else ("met" if quorum else "not_met")
        lines.append(translate(language, f"roll.quorum_{state}"))
    return "\n".join(lines)
