"""How occurrences, rolls and the buttons under meeting posts read (in the branch's timezone)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.compliance import TypeCompliance
from bot.config import MEETING_TYPES
from bot.i18n import Words
from bot.meeting_flow import REPEATS, offered
from bot.meetings import Roll
from handlers.gate.callbacks import MeetingCancel, MeetingCheckin, MeetingFlow, Rsvp
from storage.models import Meeting, OccurrenceView


def rsvp_buttons(occurrence_id: int) -> list[tuple[str, str]]:
    """A reminder's buttons: (label key, callback data)."""
    return [
        ("rsvp.going_button", Rsvp(occurrence_id, going=True).pack()),
        ("rsvp.not_going_button", Rsvp(occurrence_id, going=False).pack()),
    ]


def occurrence_line(words: Words, occurrence: OccurrenceView) -> str:
    """``#12 2026-03-05 19:30 支部委员会 · title`` in the branch's timezone."""
    local = occurrence.starts_at.astimezone(ZoneInfo(occurrence.branch_timezone))
    name = titled(words, words(f"type.{occurrence.type}"), occurrence.title)
    return f"#{occurrence.id} {local:%Y-%m-%d %H:%M} {name}"


def placed(words: Words, text: str, place: str) -> str:
    """``text`` and, on a line of its own, where the meeting happens (if a place was given)."""
    return f"{text}\n{words('meeting.place', place=place)}" if place else text


def titled(words: Words, name: str, title: str | None) -> str:
    """A meeting's type name and its title if it has one: ``支部委员会 · title``."""
    return words.join([name, title] if title else [name], "list.parts")


def scheduled_text(
    words: Words, meeting: Meeting, upcoming: list[OccurrenceView], horizon: datetime
) -> str:
    """What a secretary is told once a meeting is scheduled: its first time and how many.

    ``horizon`` ends the span counted (90 days from now); a meeting first held after it is
    told so, with its date and id, rather than a count of none.
    """
    soon = [o for o in upcoming if o.starts_at < horizon]
    line = first_line(words, meeting, upcoming)
    if soon:
        text = words("meeting_add.done", meeting=line, count=len(soon))
    else:
        text = words("meeting_add.done_later", meeting=line)
    return placed(words, text, meeting.place)


def first_line(words: Words, meeting: Meeting, upcoming: list[OccurrenceView]) -> str:
    """The meeting named by its next occurrence (``upcoming``, in order of time)."""
    if upcoming:
        return occurrence_line(words, upcoming[0])
    # A rule with no date in the years searched ahead: its first date.
    name = titled(words, words(f"type.{meeting.type}"), meeting.title)
    return f"{meeting.first_local.replace('T', ' ')} {name}"


def flow_already(words: Words, meeting: Meeting, upcoming: list[OccurrenceView]) -> str:
    """A place replied after the flow's meeting was scheduled: it and its place stay."""
    text = words("flow.already", meeting=first_line(words, meeting, upcoming))
    return placed(words, text, meeting.place)


def cancel_buttons(occurrence_id: int) -> list[tuple[str, str]]:
    """The question about cancelling an occurrence of a series: (label key, callback data)."""
    return [
        (f"meeting_cancel.{choice}_button", MeetingCancel(occurrence_id, choice).pack())
        for choice in ("one", "series", "keep")
    ]


def cancelled_text(
    words: Words, occurrence: OccurrenceView, count: int, *, series: bool, ended: bool, told: int
) -> str:
    """The answer to a cancellation: the meeting and how many are told, or that it was already.

    ``occurrence`` is as it was before: one cancelled already whose series ends now is
    answered with the rest of the series, not with "nothing changed".
    """
    line = occurrence_line(words, occurrence)
    if series and occurrence.cancelled and (count or ended):
        text = words("meeting_cancel.rest_series", meeting=line)
    elif not count:
        return words("meeting_cancel.nothing", meeting=line)
    elif series:
        text = words("meeting_cancel.done_series", meeting=line, count=count)
    else:
        text = words("meeting_cancel.done", meeting=line)
    return f"{text}\n{words('meeting_cancel.told', count=told)}" if told else text


def checkin_markup(words: Words, occurrence: OccurrenceView) -> InlineKeyboardMarkup:
    """The check-in post's button."""
    button = InlineKeyboardButton(
        words("meeting.checkin_button"), callback_data=MeetingCheckin(occurrence.id).pack()
    )
    return InlineKeyboardMarkup([[button]])


def checkin_post_text(words: Words, occurrence: OccurrenceView, count: int) -> str:
    """The check-in post, with the running count."""
    line = placed(words, occurrence_line(words, occurrence), occurrence.place)
    return words("meeting.checkin_post", meeting=line, count=count)


def reminder_text(words: Words, occurrence: OccurrenceView) -> str:
    """The reminder posted in the group."""
    line = placed(words, occurrence_line(words, occurrence), occurrence.place)
    return words("meeting.reminder", meeting=line)


def nudge_text(words: Words, occurrence: OccurrenceView) -> str:
    """A private nudge to answer: the meeting and, as the group's reminder shows it, its place."""
    return placed(
        words, words("meeting.nudge", meeting=occurrence_line(words, occurrence)), occurrence.place
    )


def closed_counts_text(words: Words, roll: Roll) -> str:
    """The group's counts once attendance is frozen, as minutes give them (请假 among them)."""
    return words(
        "meeting.closed_counts",
        meeting=occurrence_line(words, roll.occurrence),
        expected=len(roll.entries),
        attended=len(roll.of("present")) + len(roll.of("late")),
        late=len(roll.of("late")),
        excused=len(roll.of("excused")),
        absent=len(roll.of("absent")),
    )


def roll_text(words: Words, roll: Roll) -> str:
    """The roll for secretaries: who was present, late and absent, and the quorum."""
    lines = [occurrence_line(words, roll.occurrence)]
    groups = {status: roll.of(status) for status in ("present", "late", "excused", "absent")}
    groups["pending"] = [e for e in roll.entries if e.leave_status == "pending"]
    for status, entries in groups.items():
        # A member who used /forget still counts, unnamed (their stand-in has no name).
        names = words.join(
            [
                words("roll.with_reason", name=e.name, reason=e.leave_reason)
                if status in ("excused", "pending")
                else e.name
                for e in entries
                if e.name
            ],
            "roll.separator",
        )
        lines.append(words(f"roll.{status}", count=len(entries), names=names or words.none))
    quorum = roll.quorum
    if roll.occurrence.type in ("general", "committee"):
        state = "unknown" if quorum is None else ("met" if quorum else "not_met")
        lines.append(words(f"roll.quorum_{state}"))
    return "\n".join(lines)


def compliance_lines(words: Words, states: list[TypeCompliance]) -> str:
    """Each meeting type held, due or overdue in its current period, under a header."""
    lines = [words("compliance.header")]
    for state in states:
        lines.append(
            words(
                f"compliance.{state.state}",
                type=words(f"type.{state.type}"),
                period=words(f"period.{state.cadence}"),
                last=state.last_held.isoformat() if state.last_held else words.none,
            )
        )
    return "\n".join(lines)


# The guided /meeting_add: buttons per row of a step's choices.
FLOW_ROW = 4


def flow_label(words: Words, step: str, value: object) -> str:
    """A choice's label: a day with its weekday, a time, a repeat or reminders."""
    if step == "day" and isinstance(value, date):
        return f"{value:%m-%d} {words(f'weekday.{value.weekday()}')}"
    if step == "at" and isinstance(value, time):
        return f"{value:%H:%M}"
    if step == "repeat":
        return words(f"repeat.{REPEATS[int(value)]}")  # type: ignore[call-overload]
    if step == "remind":
        return words(f"remind.{value}")
    return str(value)


def flow_keyboard(words: Words, rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """The rows of (label, data) buttons and a cancel row under them."""
    cancel = [(words("flow.cancel"), MeetingFlow(None).pack())]
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(text, callback_data=data) for text, data in row]
            for row in [*rows, cancel]
        ]
    )


def flow_summary(words: Words, state: MeetingFlow) -> str:
    """The choices so far: ``支部委员会 · 2031-03-05 · 19:30 · …``."""
    parts = [words(f"type.{MEETING_TYPES[state.type]}")]
    if state.day is not None:
        parts.append(f"{state.day:%Y-%m-%d}")
    if state.at is not None:
        parts.append(f"{state.at:%H:%M}")
    if state.repeat is not None:
        parts.append(flow_label(words, "repeat", state.repeat))
    if state.remind is not None:
        reminders = flow_label(words, "remind", state.remind)
        parts.append(words("flow.reminders", reminders=reminders))
    return words.join(parts, "list.parts")


def flow_first_step(words: Words) -> tuple[str, InlineKeyboardMarkup]:
    """The flow's opening message: choose the type."""
    buttons = [
        (words(f"type.{kind}"), MeetingFlow(index).pack())
        for index, kind in enumerate(MEETING_TYPES)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return words("flow.type"), flow_keyboard(words, rows)


def flow_step_view(
    words: Words, state: MeetingFlow, now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    """The message of the flow's next step: its choices, or the confirmation.

    ``now`` is the branch's local time: no day or time already past is offered.
    """
    summary = flow_summary(words, state)
    if state.step == "confirm":
        confirm = replace(state, confirmed=True).pack()
        rows = [[(words("flow.confirm"), confirm)]]
        return words("flow.check", summary=summary), flow_keyboard(words, rows)
    options = [
        (flow_label(words, state.step, value), replace(state, **{state.step: value}).pack())
        for value in offered(state.step, now, state.day)
    ]
    rows = [options[i : i + FLOW_ROW] for i in range(0, len(options), FLOW_ROW)]
    return words(f"flow.{state.step}", summary=summary), flow_keyboard(words, rows)
