"""How occurrences, rolls and the buttons under meeting posts read (in the branch's timezone)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from bot.compliance import TypeCompliance
from bot.context import BotContext
from bot.i18n import Translator
from bot.meetings import Roll
from handlers.private import renders
from storage.models import Branch, Meeting, OccurrenceView

CHECKIN_PREFIX = "mc:"
RSVP_PREFIX = "rsvp:"


def rsvp_buttons(occurrence_id: int) -> list[tuple[str, str]]:
    """A reminder's buttons: (label key, callback data)."""
    return [
        ("rsvp.going_button", f"{RSVP_PREFIX}{occurrence_id}:y"),
        ("rsvp.not_going_button", f"{RSVP_PREFIX}{occurrence_id}:n"),
    ]


def occurrence_line(translate: Translator, language: str, occurrence: OccurrenceView) -> str:
    """``#12 2026-03-05 19:30 支部委员会 · title`` in the branch's timezone."""
    local = occurrence.starts_at.astimezone(ZoneInfo(occurrence.branch_timezone))
    name = translate(language, f"type.{occurrence.type}")
    title = f" · {occurrence.title}" if occurrence.title else ""
    return f"#{occurrence.id} {local:%Y-%m-%d %H:%M} {name}{title}"


# Private messages about one occurrence: kept as its id (``occurrence``) and its line written
# when the message is sent, in its reader's language (a meeting type is named in it).
OCCURRENCE_MESSAGES = ("meeting.nudge", "leave.ask_reason", "leave.approved", "leave.declined")


async def _occurrence_message(
    context: BotContext, language: str, key: str, params: Mapping[str, Any]
) -> str | None:
    """The message with its occurrence's line in ``language``; None if the occurrence is gone.

    A message kept before it was kept as a reference holds its line as written then.
    """
    translate = context.services.translate
    if "occurrence" not in params:
        return translate(language, key, **params)
    occurrence = await context.services.storage.meetings.occurrence(int(params["occurrence"]))
    if occurrence is None:
        return None
    line = occurrence_line(translate, language, occurrence)
    return translate(language, key, meeting=line, id=occurrence.id)


def _register(key: str) -> None:
    @renders(key)
    async def render(
        context: BotContext, branch: Branch, language: str, params: Mapping[str, Any]
    ) -> str | None:
        return await _occurrence_message(context, language, key, params)


for _key in OCCURRENCE_MESSAGES:
    _register(_key)


async def scheduled_text(context: BotContext, meeting: Meeting) -> str:
    """What a secretary is told once a meeting is scheduled: its first time and how many."""
    services = context.services
    upcoming = await services.meetings.upcoming_of(meeting, context.clock())
    language = context.here.language if context.here else context.config.bot.language
    if upcoming:
        line = occurrence_line(services.translate, language, upcoming[0])
    else:  # beyond the 90-day horizon: its occurrences are created as it comes closer
        kind = services.translate(language, f"type.{meeting.type}")
        title = f" · {meeting.title}" if meeting.title else ""
        line = f"{meeting.first_local.replace('T', ' ')} {kind}{title}"
    return context.text("meeting_add.done", meeting=line, count=len(upcoming))


def roll_text(translate: Translator, language: str, roll: Roll) -> str:
    """The roll for secretaries: who was present, late and absent, and the quorum."""
    lines = [occurrence_line(translate, language, roll.occurrence)]
    groups = {status: roll.of(status) for status in ("present", "late", "excused", "absent")}
    groups["pending"] = [e for e in roll.entries if e.leave_status == "pending"]
    for status, entries in groups.items():
        # A member who used /forget still counts, unnamed (their stand-in has no name).
        names = ", ".join(
            f"{e.name} ({e.leave_reason})" if status in ("excused", "pending") else e.name
            for e in entries
            if e.name
        )
        lines.append(translate(language, f"roll.{status}", count=len(entries), names=names or "—"))
    quorum = roll.quorum
    if roll.occurrence.type in ("general", "committee"):
        state = "unknown" if quorum is None else ("met" if quorum else "not_met")
        lines.append(translate(language, f"roll.quorum_{state}"))
    return "\n".join(lines)


def compliance_lines(translate: Translator, language: str, states: list[TypeCompliance]) -> str:
    """Each meeting type held, due or overdue in its current period, under a header."""
    lines = [translate(language, "compliance.header")]
    for state in states:
        lines.append(
            translate(
                language,
                f"compliance.{state.state}",
                type=translate(language, f"type.{state.type}"),
                period=translate(language, f"period.{state.cadence}"),
                last=state.last_held.isoformat() if state.last_held else "—",
            )
        )
    return "\n".join(lines)
