"""How occurrences, rolls and the buttons under meeting posts read (in the branch's timezone)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.compliance import TypeCompliance
from bot.config import MEETING_TYPES
from bot.i18n import Translator
from bot.meeting_flow import REPEATS, offered
from bot.meetings import Roll
from handlers.gate.callbacks import MeetingCheckin, MeetingFlow, Rsvp
from storage.models import Meeting, OccurrenceView


def rsvp_buttons(occurrence_id: int) -> list[tuple[str, str]]:
    """A reminder's buttons: (label key, callback data)."""
    return [
        ("rsvp.going_button", Rsvp(occurrence_id, going=True).pack()),
        ("rsvp.not_going_button", Rsvp(occurrence_id, going=False).pack()),
    ]


def occurrence_line(translate: Translator, language: str, occurrence: OccurrenceView) -> str:
    """``#12 2026-03-05 19:30 支部委员会 · title`` in the branch's timezone."""
    local = occurrence.starts_at.astimezone(ZoneInfo(occurrence.branch_timezone))
    name = translate(language, f"type.{occurrence.type}")
    title = f" · {occurrence.title}" if occurrence.title else ""
    return f"#{occurrence.id} {local:%Y-%m-%d %H:%M} {name}{title}"


def scheduled_text(
    translate: Translator, language: str, meeting: Meeting, upcoming: list[OccurrenceView]
) -> str:
    """What a secretary is told once a meeting is scheduled: its first time and how many."""
    if upcoming:
        line = occurrence_line(translate, language, upcoming[0])
    else:  # beyond the 90-day horizon: its occurrences are created as it comes closer
        kind = translate(language, f"type.{meeting.type}")
        title = f" · {meeting.title}" if meeting.title else ""
        line = f"{meeting.first_local.replace('T', ' ')} {kind}{title}"
    return translate(language, "meeting_add.done", meeting=line, count=len(upcoming))


def checkin_markup(translate: Translator, occurrence: OccurrenceView) -> InlineKeyboardMarkup:
    """The check-in post's button."""
    button = InlineKeyboardButton(
        translate(occurrence.branch_language, "meeting.checkin_button"),
        callback_data=MeetingCheckin(occurrence.id).pack(),
    )
    return InlineKeyboardMarkup([[button]])


def checkin_post_text(translate: Translator, occurrence: OccurrenceView, count: int) -> str:
    """The check-in post, with the running count."""
    language = occurrence.branch_language
    line = occurrence_line(translate, language, occurrence)
    return translate(language, "meeting.checkin_post", meeting=line, count=count)


def reminder_text(translate: Translator, occurrence: OccurrenceView) -> str:
    """The reminder posted in the group."""
    language = occurrence.branch_language
    line = occurrence_line(translate, language, occurrence)
    return translate(language, "meeting.reminder", meeting=line)


def closed_counts_text(translate: Translator, roll: Roll) -> str:
    """The group's counts once attendance is frozen."""
    occurrence = roll.occurrence
    language = occurrence.branch_language
    return translate(
        language,
        "meeting.closed_counts",
        meeting=occurrence_line(translate, language, occurrence),
        present=len(roll.of("present")),
        late=len(roll.of("late")),
        absent=len(roll.of("absent")),
        expected=len(roll.entries),
    )


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


# The guided /meeting_add: buttons per row of a step's choices.
FLOW_ROW = 4


def flow_label(translate: Translator, language: str, step: str, value: object) -> str:
    """A choice's label: a day with its weekday, a time, a repeat or reminders."""
    if step == "day" and isinstance(value, date):
        return f"{value:%m-%d} {translate(language, f'weekday.{value.weekday()}')}"
    if step == "at" and isinstance(value, time):
        return f"{value:%H:%M}"
    if step == "repeat":
        return translate(language, f"repeat.{REPEATS[int(value)]}")  # type: ignore[call-overload]
    if step == "remind":
        return translate(language, f"remind.{value}")
    return str(value)


def flow_keyboard(
    translate: Translator, language: str, rows: list[list[tuple[str, str]]]
) -> InlineKeyboardMarkup:
    """The rows of (label, data) buttons and a cancel row under them."""
    cancel = [(translate(language, "flow.cancel"), MeetingFlow(None).pack())]
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(text, callback_data=data) for text, data in row]
            for row in [*rows, cancel]
        ]
    )


def flow_summary(translate: Translator, language: str, state: MeetingFlow) -> str:
    """The choices so far: ``支部委员会 · 2031-03-05 · 19:30 · …``."""
    parts = [translate(language, f"type.{MEETING_TYPES[state.type]}")]
    if state.day is not None:
        parts.append(f"{state.day:%Y-%m-%d}")
    if state.at is not None:
        parts.append(f"{state.at:%H:%M}")
    if state.repeat is not None:
        parts.append(flow_label(translate, language, "repeat", state.repeat))
    if state.remind is not None:
        reminders = flow_label(translate, language, "remind", state.remind)
        parts.append(translate(language, "flow.reminders", reminders=reminders))
    return " · ".join(parts)


def flow_first_step(translate: Translator, language: str) -> tuple[str, InlineKeyboardMarkup]:
    """The flow's opening message: choose the type."""
    buttons = [
        (translate(language, f"type.{kind}"), MeetingFlow(index).pack())
        for index, kind in enumerate(MEETING_TYPES)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return translate(language, "flow.type"), flow_keyboard(translate, language, rows)


def flow_step_view(
    translate: Translator, language: str, state: MeetingFlow, today: date
) -> tuple[str, InlineKeyboardMarkup]:
    """The message of the flow's next step: its choices, or the confirmation."""
    summary = flow_summary(translate, language, state)
    if state.step == "confirm":
        confirm = replace(state, confirmed=True).pack()
        rows = [[(translate(language, "flow.confirm"), confirm)]]
        return translate(language, "flow.check", summary=summary), flow_keyboard(
            translate, language, rows
        )
    options = [
        (
            flow_label(translate, language, state.step, value),
            replace(state, **{state.step: value}).pack(),
        )
        for value in offered(state.step, today)
    ]
    rows = [options[i : i + FLOW_ROW] for i in range(0, len(options), FLOW_ROW)]
    return translate(language, f"flow.{state.step}", summary=summary), flow_keyboard(
        translate, language, rows
    )
