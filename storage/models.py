"""The dataclasses repositories return: plain values, the same for every storage backend."""

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
