"""The guided ``/meeting_add``: type → date → time → repeat → reminders → confirm.

The choices made so far travel in the buttons' callback data (``ma:<type>:<date>:<time>:
<repeat>:<remind>``), so the flow needs no server-side state and survives a restart. Every
payload is checked: anything malformed is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from bot.config import MEETING_TYPES
from bot.meetings import DEFAULT_DURATION, MAX_YEAR, MIN_YEAR, MeetingRequest

PREFIX = "ma:"
CANCEL = "ma:x"
CONFIRM = "ok"
DAYS_OFFERED = 14
TIMES = ("08:00", "09:00", "10:00", "14:00", "15:00", "16:00", "19:00", "19:30", "20:00")
REPEATS = ("once", "weekly", "monthly", "quarterly")
REMINDERS: tuple[tuple[int, ...], ...] = ((1440, 60), (1440,), (60,), ())
_DATA = re.compile(r"^ma:(\d)(?::(\d{8}))?(?::(\d{4}))?(?::(\d))?(?::(\d))?(:ok)?$", re.ASCII)


@dataclass(frozen=True)
class FlowState:
    """The choices made so far (None: not chosen yet)."""

    type: int
    day: date | None = None
    at: time | None = None
    repeat: int | None = None
    remind: int | None = None
    confirmed: bool = False

    def encode(self, *, confirm: bool = False) -> str:
        """The callback data for this state (at most 33 bytes)."""
        parts = [f"{PREFIX}{self.type}"]
        if self.day is not None:
            parts.append(self.day.strftime("%Y%m%d"))
        if self.at is not None:
            parts.append(self.at.strftime("%H%M"))
        if self.repeat is not None:
            parts.append(str(self.repeat))
        if self.remind is not None:
            parts.append(str(self.remind))
        return ":".join(parts) + (f":{CONFIRM}" if confirm else "")

    @property
    def step(self) -> str:
        """The next choice to offer."""
        for name in ("day", "at", "repeat", "remind"):
            if getattr(self, name) is None:
                return name
        return "confirm"

    def request(self) -> MeetingRequest:
        """The meeting this flow describes (all steps chosen)."""
        if self.day is None or self.at is None or self.repeat is None or self.remind is None:
            raise ValueError("flow not finished")
        repeat = REPEATS[self.repeat]
        return MeetingRequest(
            type=MEETING_TYPES[self.type],
            first_local=datetime.combine(self.day, self.at),
            title="",
            repeat=None if repeat == "once" else repeat,
            remind=REMINDERS[self.remind],
            duration=DEFAULT_DURATION,
            held=False,
        )


def parse_flow(data: str) -> FlowState | None:
    """Read a flow button's data; None for anything malformed or out of range."""
    match = _DATA.match(data)
    if not match:
        return None
    kind, day, at, repeat, remind, ok = match.groups()
    try:
        state = FlowState(
            type=int(kind),
            day=datetime.strptime(day, "%Y%m%d").date() if day else None,  # noqa: DTZ007
            at=time(int(at[:2]), int(at[2:])) if at else None,
            repeat=int(repeat) if repeat else None,
            remind=int(remind) if remind else None,
            confirmed=bool(ok),
        )
    except ValueError:
        return None
    in_range = (
        state.type < len(MEETING_TYPES)
        and (state.day is None or MIN_YEAR <= state.day.year <= MAX_YEAR)
        and (state.repeat is None or state.repeat < len(REPEATS))
        and (state.remind is None or state.remind < len(REMINDERS))
        and (not state.confirmed or state.step == "confirm")
    )
    return state if in_range else None


def choices(state: FlowState, today: date) -> list[tuple[object, str]]:
    """The next step's options: (the value to label, callback data).

    Values are a ``date``, an ``HH:MM`` string, or an index into REPEATS or REMINDERS.
    """
    if state.step == "day":
        days = [today + timedelta(days=n) for n in range(DAYS_OFFERED)]
        return [(d, replace(state, day=d).encode()) for d in days]
    if state.step == "at":
        return [(t, replace(state, at=time.fromisoformat(t)).encode()) for t in TIMES]
    if state.step == "repeat":
        return [(i, replace(state, repeat=i).encode()) for i in range(len(REPEATS))]
    if state.step == "remind":
        return [(i, replace(state, remind=i).encode()) for i in range(len(REMINDERS))]
    return []
