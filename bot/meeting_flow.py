"""The guided ``/meeting_add``: type → date → time → repeat → reminders → confirm.

What each step offers and the meeting the choices describe. The choices made so far travel
in the buttons' callback data (``MeetingFlow`` in handlers/gate/callbacks.py), so the flow
needs no server-side state and survives a restart. The place, free text, is a reply to the
last step's message instead of a press: that reply confirms, with the place.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.config import MEETING_TYPES
from bot.meetings import DEFAULT_DURATION, MeetingRequest

DAYS_OFFERED = 14
TIMES = ("08:00", "09:00", "10:00", "14:00", "15:00", "16:00", "19:00", "19:30", "20:00")
REPEATS = ("once", "weekly", "monthly", "quarterly")
REMINDERS: tuple[tuple[int, ...], ...] = ((1440, 60), (1440,), (60,), ())
# The choices after the type, in the order they are offered.
STEPS = ("day", "at", "repeat", "remind")


def offered(step: str, now: datetime, day: date | None = None) -> list[object]:
    """The options of a step (none once every choice is made).

    Days from today, the times of ``day``, or indexes into REPEATS or REMINDERS. ``now`` is
    the branch's local time: a time already past is no choice, nor today once none is left.
    """
    if step == "day":
        first = now.date() if times_left(now.date(), now) else now.date() + timedelta(days=1)
        return [first + timedelta(days=n) for n in range(DAYS_OFFERED)]
    if step == "at" and day is not None:
        return list(times_left(day, now))
    if step == "repeat":
        return list(range(len(REPEATS)))
    if step == "remind":
        return list(range(len(REMINDERS)))
    return []


def times_left(day: date, now: datetime) -> list[time]:
    """The times offered on ``day`` still ahead of ``now`` (local)."""
    return [at for at in map(time.fromisoformat, TIMES) if datetime.combine(day, at) > now]


def passed(day: date | None, at: time | None, now: datetime) -> str | None:
    """The step to offer again when a choice made has passed while the user was in the flow.

    ``day`` when no time of the day chosen is left, ``at`` when the time chosen has passed;
    None while every choice still lies ahead of ``now`` (local).
    """
    if day is not None and not times_left(day, now):
        return "day"
    if day is not None and at is not None and datetime.combine(day, at) <= now:
        return "at"
    return None


def meeting_request(
    kind: int, day: date, at: time, repeat: int, remind: int, place: str = ""
) -> MeetingRequest:
    """The meeting the flow's choices describe (indexes into MEETING_TYPES, REPEATS, REMINDERS).

    The place, if any, came as a reply to the last step: free text no button can carry.
    """
    every = REPEATS[repeat]
    return MeetingRequest(
        type=MEETING_TYPES[kind],
        first_local=datetime.combine(day, at),
        title="",
        repeat=None if every == "once" else every,
        remind=REMINDERS[remind],
        duration=DEFAULT_DURATION,
        held=False,
        place=place,
    )
