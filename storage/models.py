"""The dataclasses repositories return: plain values, the same for every storage backend.

Renderers read these types and import nothing else from storage. ``DISPLAY_NAME`` stands
beside ``User`` so a person's name reads the same from Python and from SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


def to_epoch(instant: datetime) -> int:
    """Store an aware instant as whole UTC seconds."""
    return int(instant.timestamp())


def to_epoch_end(instant: datetime) -> int:
    """The exclusive end, in stored whole seconds, of a range that ends at ``instant``.

    An act at ``t < instant`` is stored as ``floor(t)``; when ``instant`` falls inside a second
    that second's acts are before it, so the bound rounds up. A range that ends "now" then
    holds everything already confirmed, even in the current second.
    """
    seconds = int(instant.timestamp())
    return seconds + 1 if instant.microsecond else seconds


def from_epoch(seconds: int | None) -> datetime | None:
    """Read whole UTC seconds back as an aware instant."""
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


@dataclass(frozen=True)
class Organisation:
    """A parent of several branches; its admin sees their roll-up."""

    id: int
    name: str
    code: str
    admin_user_id: int


@dataclass(frozen=True)
class Branch:
    """A registered group and its settings (times are local to ``timezone``)."""

    id: int
    chat_id: int
    title: str
    organisation_id: int | None
    timezone: str
    language: str
    summary_weekday: int | None  # Monday = 0
    summary_time: str | None
    checkin_time: str | None
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class User:
    """A Telegram user the bot has seen."""

    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None
    started: bool
    private_branch_id: int | None
    forgotten: bool = False  # the nameless stand-in of someone who used /forget

    @property
    def display_name(self) -> str:
        """First and last name as Telegram shows them."""
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


# ``User.display_name`` in SQL, over the ``users`` table joined as ``u``.
DISPLAY_NAME = "u.first_name || coalesce(' ' || u.last_name, '')"


@dataclass(frozen=True)
class Member:
    """A user as a member of one branch."""

    user: User
    branch_id: int
    role: str
    on_roster: bool


@dataclass(frozen=True)
class PendingMessage:
    """A private message waiting until its user starts the bot."""

    id: int
    user_id: int
    branch_id: int
    message_key: str
    params: dict[str, object]
    buttons: list[tuple[str, str]]  # (catalog key of the label, callback data)


@dataclass(frozen=True)
class Meeting:
    """A one-off meeting or a series, in the local time of its zone."""

    id: int
    branch_id: int
    type: str
    title: str
    first_local: str
    timezone: str
    rule: str | None
    duration_min: int
    remind_min: tuple[int, ...]
    materialised_until: datetime
    place: str  # an address, a 腾讯会议 number or a link; empty: none given
    ended: bool = False  # a series cancelled from some occurrence on: no more are created


@dataclass(frozen=True)
class OccurrenceView:
    """An occurrence with what is needed to show it and to post about it."""

    id: int
    meeting_id: int
    branch_id: int
    chat_id: int
    branch_language: str
    branch_timezone: str
    type: str
    title: str
    place: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    cancelled: bool
    held_offline: bool
    notes: str | None
    closed: bool


@dataclass(frozen=True)
class ScheduledSend:
    """A post the schedule owes: a reminder, a check-in post or a close."""

    key: str
    kind: str
    occurrence_id: int
    due_at: datetime
    attempts: int = 0  # tries so far (a claim is a try)


@dataclass(frozen=True)
class RollEntry:
    """One expected member's frozen attendance."""

    user_id: int
    name: str
    status: str
    leave_reason: str | None = None
    leave_status: str | None = None


@dataclass(frozen=True)
class Activity:
    """Participation counts of a branch over a range."""

    roster: int
    checkins: int
    participants: int  # distinct people with any act
    silent: int  # roster members with no act

    def checkin_rate(self, days: int) -> float | None:
        """Check-ins per roster member and day over ``days``; None with an empty roster."""
        return self.checkins / (self.roster * days) if self.roster else None


@dataclass(frozen=True)
class OccurrenceAttendance:
    """One occurrence and its frozen attendance counts (all zero until it closes)."""

    id: int
    type: str
    title: str
    starts_at: datetime
    present: int
    late: int
    excused: int
    absent: int

    @property
    def expected(self) -> int:
        """Everyone on the frozen expected list."""
        return self.present + self.late + self.excused + self.absent

    @property
    def rate(self) -> float | None:
        """Attendance (late counts as present) over the expected; None before the close."""
        return (self.present + self.late) / self.expected if self.expected else None


@dataclass(frozen=True)
class QuizActivity:
    """Private quizzes finished and group quiz answers in a range."""

    finished: int
    takers: int
    average: float | None  # mean score share of the finished attempts
    poll_answers: int
    poll_correct: int


@dataclass(frozen=True)
class ModuleSummary:
    """A stored module: its id, owner and size."""

    id: int
    branch_id: int
    title: str
    questions: int
    poll_ready: int


@dataclass(frozen=True)
class ModuleContent:
    """What a member reads before the quiz."""

    id: int
    title: str
    summary: str
    material: str
    links: list[tuple[str, str]]
    questions: int
