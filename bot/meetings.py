"""Meetings: scheduling them, their occurrences, check-in at an occurrence, and its close."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from bot.auth import Authorizer
from bot.checkin import CheckinService
from bot.compliance import TypeCompliance, compliance
from bot.config import MEETING_TYPE_WORDS
from bot.errors import UserError
from bot.keywords import Keywords
from bot.points import PointsLedger
from bot.recurrence import (
    HORIZON,
    RepeatError,
    occurrences,
    parse_minutes,
    parse_offsets,
    repeat_rule,
    to_utc,
)
from bot.settings import as_written, normalize, parse_time, visible
from bot.text import TITLE_MAX
from storage import Storage
from storage.models import Branch, Meeting, OccurrenceView, RollEntry, ScheduledSend

logger = logging.getLogger(__name__)

DEFAULT_REMIND = (1440, 60)
DEFAULT_DURATION = 90
CHECKIN_OPENS = timedelta(minutes=15)  # before start
LATE_AFTER = timedelta(minutes=10)  # after start
QUORUM_TYPES = ("general", "committee")
FOREVER = datetime(9999, 1, 1, tzinfo=UTC)  # materialised for good
ATTENDANCE_WORDS = Keywords(
    {
        "present": ("出席", "到会"),
        "late": ("迟到",),
        "excused": ("请假",),
        "absent": ("缺席",),
    }
)
ATTENDANCE_STATUSES = ATTENDANCE_WORDS.codes
# ``/attendance 12 全体 出席``: everyone on the roll but those on leave (a meeting recorded
# afterwards starts with everyone absent; most came).
EVERYONE_WORDS = Keywords({"all": ("全体",)})
# ``/meeting_add``'s options (``重复=每月``) and its flag for a meeting held already.
OPTION_WORDS = Keywords({"repeat": ("重复",), "remind": ("提醒",), "duration": ("时长",)})
HELD_WORDS = Keywords({"held": ("补录", "已召开")})
# ``place=`` (地点=) takes the rest of the line, spaces and all: ``地点=腾讯会议 123 456 789``.
PLACE_WORDS = Keywords({"place": ("地点",)})
PLACE_MAX = 200
# ``/meeting_cancel <id> series``: the occurrence and the rest of its series.
SERIES_WORDS = Keywords({"series": ("系列",)})
# Series materialised in one transaction by ``extend``.
EXTEND_BATCH = 200
# Growing spans searched for a series' next occurrence beyond the horizon (a daily or weekly
# rule is settled by the first, a yearly one by the third).
_LOOKAHEAD = (timedelta(days=8), timedelta(days=100), timedelta(days=1500))
# Dates a meeting may have (a wider range would overflow time arithmetic near year 9999), and
# how far ahead one may be scheduled.
MIN_YEAR, MAX_YEAR = 1970, 2999
MAX_AHEAD = timedelta(days=3653)
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", re.ASCII)


@dataclass(frozen=True)
class MeetingRequest:
    """A parsed ``/meeting_add`` line."""

    type: str
    first_local: datetime  # naive: wall time in the branch's zone
    title: str
    repeat: str | None
    remind: tuple[int, ...]
    duration: int
    held: bool
    place: str = ""


USAGE = "meeting_add.usage"


def parse_meeting_add(text: str) -> MeetingRequest:
    """Parse ``<type> <YYYY-MM-DD> <HH:MM> [title…] [options…] [held] [place=…]``.

    The options are ``repeat=``, ``remind=`` and ``duration=``; ``place=`` comes last and
    takes the rest of the line.
    ``text`` is the arguments as typed. Each word is NFKC-normalized for parsing (full-width
    digits and colons), word by word so that it stays aligned with its written form; the title
    and the place are free text, kept as written (“（第三季度）” keeps its 全角 punctuation).
    Types, option names, repeat keywords and ``held`` may be typed in Chinese too (支委会,
    重复=每月, 补录, 地点=): ``MEETING_TYPE_WORDS``, ``OPTION_WORDS``, ``REPEAT_WORDS``,
    ``HELD_WORDS``, ``PLACE_WORDS``.

    Every refusal carries the usage line and its example: the specific problem first.

    Raises:
        UserError: ``meeting_add.usage`` for a malformed line, ``meeting_add.bad_type`` for an
            unknown type, ``meeting_add.bad_date`` for a date or time that does not exist,
            ``meeting_add.bad_option`` for a bad ``remind``/``duration``/``repeat`` word,
            ``meeting_add.title_too_long`` for a title over ``TITLE_MAX`` characters, and
            ``parse_place``'s refusals.
    """
    written, words, place = _split_place(text)
    if len(words) < 3:
        raise UserError(USAGE)
    kind = MEETING_TYPE_WORDS.code(words[0])
    if kind is None:
        # Each catalog names the types in its own words (the usage line after it, both).
        raise UserError("meeting_add.bad_type", usage=USAGE, type=words[0])
    if not _DATE.match(words[1]):
        raise UserError("meeting_add.bad_date", usage=USAGE, date=words[1])
    try:
        first = datetime.combine(
            date.fromisoformat(words[1]), time.fromisoformat(parse_time(words[2]))
        )
    except ValueError:
        first = None
    if first is None or not MIN_YEAR <= first.year <= MAX_YEAR:
        raise UserError("meeting_add.bad_date", usage=USAGE, date=f"{words[1]} {words[2]}")
    options: dict[str, str] = {}
    typed: dict[str, str] = {}  # each option as it was typed, to name it back
    title: list[str] = []
    held = False
    for as_typed, word in zip(written[3:], words[3:], strict=True):
        key, sep, value = word.partition("=")
        option = OPTION_WORDS.code(key) if sep else None
        if option is not None:
            if option in options:
                raise UserError("meeting_add.option_twice", usage=USAGE, option=key.lower())
            if not value and option == "repeat":
                raise UserError("meeting_add.repeat_syntax", usage=USAGE, repeat="")
            if not value:
                raise UserError("meeting_add.bad_option", usage=USAGE, option=word)
            options[option], typed[option] = value, word
        elif sep and key.isalpha():  # a mistyped option (remnd=1h, 提示=1h), not a title
            raise UserError("meeting_add.unknown_option", usage=USAGE, option=word)
        elif HELD_WORDS.code(word):
            held = True
        else:
            title.append(as_typed)
    try:
        remind = parse_offsets(options["remind"]) if "remind" in options else DEFAULT_REMIND
    except ValueError:
        raise UserError("meeting_add.bad_option", usage=USAGE, option=typed["remind"]) from None
    try:
        duration = (
            parse_minutes(options["duration"]) if "duration" in options else DEFAULT_DURATION
        )
    except ValueError:
        raise UserError("meeting_add.bad_option", usage=USAGE, option=typed["duration"]) from None
    title_text = as_written(" ".join(title))
    if len(title_text) > TITLE_MAX:
        raise UserError(
            "meeting_add.title_too_long", usage=USAGE, length=len(title_text), limit=TITLE_MAX
        )
    return MeetingRequest(
        kind,
        first,
        title_text,
        options.get("repeat"),
        remind,
        duration,
        held,
        "" if place is None else parse_place(place),
    )


def _split_place(text: str) -> tuple[list[str], list[str], str | None]:
    """The words before ``place=``, as written and normalized, and the place (None: not given).

    The place is taken from the written words. A word that normalizes to nothing (a lone
    zero-width space) is no word.
    """
    pairs = [(word, normalize(word)) for word in text.split()]
    pairs = [(word, normal) for word, normal in pairs if normal]
    for index, (word, normal) in enumerate(pairs):
        key, sep, _ = normal.partition("=")
        if sep and PLACE_WORDS.code(key):
            rest = [_after_equals(word), *(written for written, _ in pairs[index + 1 :])]
            before = pairs[:index]
            return [w for w, _ in before], [n for _, n in before], " ".join(rest)
    return [w for w, _ in pairs], [n for _, n in pairs], None


def _after_equals(word: str) -> str:
    """What follows a written word's first ``=`` (or a form NFKC makes one of, as ＝)."""
    for index, char in enumerate(word):
        if "=" in unicodedata.normalize("NFKC", char):
            return word[index + 1 :]
    return ""


def parse_place(text: str) -> str:
    """A meeting's place as written (line breaks came as spaces).

    No NFKC: “会议室，三楼” keeps its 全角 comma. A link stays as typed: texts go out without
    a parse mode, and Telegram makes it clickable.

    Raises:
        UserError: ``meeting_add.place_empty``, ``meeting_add.place_control`` (an escape, a
            bell or another control character inside it) or ``meeting_add.place_too_long``.
    """
    place = as_written(text)
    if not place:
        raise UserError("meeting_add.place_empty", usage=USAGE)
    # as_written would drop a control character silently: one inside the place is refused.
    if any(unicodedata.category(char) == "Cc" for char in visible(text)):
        raise UserError("meeting_add.place_control", usage=USAGE)
    if len(place) > PLACE_MAX:
        raise UserError(
            "meeting_add.place_too_long", usage=USAGE, length=len(place), limit=PLACE_MAX
        )
    return place


def next_start(meeting: Meeting, since: datetime) -> datetime | None:
    """The start of the meeting's first occurrence at or after ``since``.

    None for a one-off already begun, and for a series with no occurrence within
    ``_LOOKAHEAD`` of ``since`` or of its first date, whichever is later (ended, or rarer).
    """
    first = datetime.fromisoformat(meeting.first_local)
    starts_at = to_utc(first, meeting.timezone)
    if meeting.rule is None:
        return starts_at if starts_at >= since else None
    # A series scheduled years ahead is searched from its first date, not from ``since``.
    low = base = max(since, starts_at)
    for span in _LOOKAHEAD:
        high = base + span
        found = occurrences(first, meeting.timezone, meeting.rule, after=low, until=high)
        if found:
            return found[0].starts_at
        low = high
    return None


def resume_at(meeting: Meeting, until: datetime) -> datetime:
    """How far a meeting is materialised once its occurrences before ``until`` exist.

    That is the start of its first occurrence at or after ``until``: no occurrence lies in
    between, so the series needs no look until that start comes within the horizon. A one-off
    whose start is behind ``until`` is done for good; a series with no occurrence within
    ``_LOOKAHEAD`` (ended, or rarer than that) is looked at again when that span runs out.
    """
    found = next_start(meeting, until)
    if found is not None:
        return found
    return FOREVER if meeting.rule is None else until + _LOOKAHEAD[-1]


def send_key(kind: str, occurrence_id: int, offset: int | None = None) -> str:
    """The id of a scheduled send, also used as its job's id."""
    return f"{kind}:{occurrence_id}" if offset is None else f"{kind}:{occurrence_id}:{offset}"


def owed_sends(
    occurrence_id: int,
    starts_at: datetime,
    ends_at: datetime,
    remind: tuple[int, ...],
    now: datetime,
) -> list[ScheduledSend]:
    """What the schedule owes an occurrence created at ``now``.

    Reminders already in the past when the occurrence is created are not owed (they never
    were); the check-in post goes out at once if the window is already open.
    """
    sends = [
        ScheduledSend(
            send_key("remind", occurrence_id, offset),
            "remind",
            occurrence_id,
            starts_at - timedelta(minutes=offset),
        )
        for offset in remind
        if starts_at - timedelta(minutes=offset) > now
    ]
    if ends_at > now:
        opens = max(starts_at - CHECKIN_OPENS, now)
        sends.append(ScheduledSend(send_key("open", occurrence_id), "open", occurrence_id, opens))
        sends.append(
            ScheduledSend(send_key("close", occurrence_id), "close", occurrence_id, ends_at)
        )
    return sends


@dataclass(frozen=True)
class Cancelled:
    """What a cancellation did: the occurrences, the sends no longer owed, whom to tell.

    ``ended``: a series stopped now; ``sends``: what its next occurrence owes, created when
    the one cancelled was the only one materialised (a series beyond the horizon).
    """

    occurrences: list[int]
    keys: list[str]
    going: list[tuple[int, int]]  # (occurrence, user) of those who had answered "going"
    ended: bool = False
    sends: list[ScheduledSend] = field(default_factory=list)


class CheckinResult(Enum):
    """What a press of a meeting's check-in button did."""

    PRESENT = "present"
    LATE = "late"
    ALREADY = "already"
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    NOT_EXPECTED = "not_expected"  # a committee meeting, pressed by one it does not expect


def minutes_late(occurrence: OccurrenceView, now: datetime) -> int:
    """Whole minutes since the occurrence started (what a late check-in is told), at least 1."""
    return max(1, int((now - occurrence.starts_at).total_seconds() // 60))


@dataclass(frozen=True)
class Roll:
    """An occurrence's frozen attendance and, for general and committee meetings, quorum."""

    occurrence: OccurrenceView
    entries: list[RollEntry]

    def of(self, status: str) -> list[RollEntry]:
        """The entries with one status."""
        return [entry for entry in self.entries if entry.status == status]

    @property
    def quorum(self) -> bool | None:
        """More than half the expected list present; None if not applicable or nobody expected."""
        if self.occurrence.type not in QUORUM_TYPES or not self.entries:
            return None
        present = len(self.of("present")) + len(self.of("late"))
        return present * 2 > len(self.entries)


class MeetingService:
    """Scheduling meetings and running their occurrences."""

    def __init__(
        self, storage: Storage, checkins: CheckinService, points: PointsLedger, auth: Authorizer
    ) -> None:
        self._storage = storage
        self._checkins = checkins
        self._points = points
        self._auth = auth

    async def add(
        self,
        branch: Branch,
        request: MeetingRequest,
        *,
        key: str,
        by: int,
        now: datetime,
        secretaries: Collection[int] = (),
    ) -> tuple[Meeting, list[ScheduledSend]]:
        """Schedule a meeting; a replay of the same request schedules nothing new.

        A meeting recorded as ``held`` is closed at once: its roll expects the roster as it is
        now (``secretaries``: the branch's secretaries, for a committee meeting), everyone
        absent, so ``/attendance`` records who came.

        Returns:
            The meeting and the sends it newly owes (for the caller to put on the job queue).

        Raises:
            UserError: a bad repeat rule, a time in the past without ``held``, or ``held``
                for a future or repeating meeting.
        """
        try:
            rule = repeat_rule(request.repeat, request.first_local, branch.timezone)
        except RepeatError as exc:
            raise UserError(
                f"meeting_add.repeat_{exc.reason}",
                usage=USAGE,
                repeat=request.repeat,
                **exc.params,
            ) from None
        starts_at = to_utc(request.first_local, branch.timezone)
        if request.held and (rule is not None or starts_at > now):
            raise UserError("meeting_add.held_future", usage=USAGE)
        if not request.held and starts_at <= now:
            raise UserError("meeting_add.past", usage=USAGE)
        if starts_at > now + MAX_AHEAD:
            raise UserError("meeting_add.too_far", usage=USAGE, years=MAX_AHEAD.days // 365)
        async with self._storage.transaction():
            meeting, created = await self._storage.meetings.create(
                branch_id=branch.id,
                type=request.type,
                title=request.title,
                place=request.place,
                first_local=request.first_local.isoformat(timespec="minutes"),
                timezone=branch.timezone,
                rule=rule,
                duration_min=request.duration,
                remind_min=request.remind,
                created_key=key,
                created_by=by,
                now=now,
            )
            if not created:
                return meeting, []
            if request.held:
                ends_at = starts_at + timedelta(minutes=request.duration)
                (held_id,) = await self._storage.meetings.add_occurrences(
                    meeting.id, [(starts_at, ends_at)], held=True
                )
                await self._storage.meetings.close(
                    held_id,
                    now,
                    committee_only=request.type == "committee",
                    secretaries=secretaries,
                )
                return meeting, []
            sends = await self._materialise(meeting, now)
        logger.info("branch %s: meeting %s scheduled (%s)", branch.id, meeting.id, rule or "once")
        return meeting, sends

    async def _materialise(self, meeting: Meeting, now: datetime) -> list[ScheduledSend]:
        """Create the meeting's occurrences up to the horizon, with the sends each owes.

        A meeting with none within the horizon gets its next occurrence beyond it.
        """
        until = now + HORIZON
        after = max(meeting.materialised_until, now)
        starts = [
            o.starts_at
            for o in occurrences(
                datetime.fromisoformat(meeting.first_local),
                meeting.timezone,
                meeting.rule,
                after=after,
                until=until,
            )
        ]
        beyond = max(until, meeting.materialised_until)
        if not starts and (ahead := next_start(meeting, beyond)) is not None:
            # None within the horizon (a yearly 组织生活会 months ahead): its next one is created
            # now, so it is listed with an id, can be cancelled, and is reminded of in time.
            starts, until = [ahead], ahead + timedelta(seconds=1)
        duration = timedelta(minutes=meeting.duration_min)
        spans = [(start, start + duration) for start in starts]
        ids = await self._storage.meetings.add_occurrences(meeting.id, spans)
        sends = []
        for occurrence_id, (starts_at, ends_at) in zip(ids, spans, strict=True):
            for send in owed_sends(occurrence_id, starts_at, ends_at, meeting.remind_min, now):
                await self._storage.sends.add(send.key, send.kind, occurrence_id, send.due_at)
                sends.append(send)
        await self._storage.meetings.set_materialised(meeting.id, resume_at(meeting, until))
        return sends

    async def for_checkin_now(
        self, branch: Branch, occurrence_id: int | None, *, key: str, by: int, now: datetime
    ) -> tuple[OccurrenceView, list[ScheduledSend], bool]:
        """The occurrence ``/checkin_open`` posts for.

        The one named, else today's nearest, else a new ad-hoc ``other`` meeting from now.
        ``key`` identifies the command's message: a redelivered update finds its act done.

        Returns:
            The occurrence, the sends a new ad-hoc meeting owes (its close), and False if the
            same message asked before (nothing is to be posted again).

        Raises:
            UserError: the named occurrence is unknown, cancelled or already closed.
        """
        if occurrence_id is not None:
            occurrence = await self.occurrence_of(branch, occurrence_id)
            if occurrence.cancelled or occurrence.closed or now >= occurrence.ends_at:
                raise UserError("checkin.closed")
            return occurrence, [], await self._claim_open(key, now)
        zone = ZoneInfo(branch.timezone)
        midnight = datetime.combine(now.astimezone(zone).date(), time(), zone)
        nearest = await self._storage.meetings.nearest_today(
            branch.id, midnight, midnight + timedelta(days=1), now
        )
        if nearest is not None:
            return nearest, [], await self._claim_open(key, now)
        start = now.astimezone(zone).replace(second=0, microsecond=0, tzinfo=None)
        async with self._storage.transaction():
            meeting, created = await self._storage.meetings.create(
                branch_id=branch.id,
                type="other",
                title="",
                place="",
                first_local=start.isoformat(timespec="minutes"),
                timezone=branch.timezone,
                rule=None,
                duration_min=DEFAULT_DURATION,
                remind_min=(),
                created_key=key,
                created_by=by,
                now=now,
            )
            fresh = await self._claim_open(key, now)
            if not created:
                # A replay of the message that created it: the same occurrence, nothing new.
                found = await self._storage.meetings.upcoming_of_meeting(meeting.id, now)
                if not found:
                    raise UserError("checkin.closed")
                return found[0], [], fresh
            starts_at = to_utc(start, branch.timezone)
            ends_at = starts_at + timedelta(minutes=DEFAULT_DURATION)
            (new_id,) = await self._storage.meetings.add_occurrences(
                meeting.id, [(starts_at, ends_at)]
            )
            close = ScheduledSend(send_key("close", new_id), "close", new_id, ends_at)
            await self._storage.sends.add(close.key, close.kind, new_id, close.due_at)
            await self._storage.meetings.set_materialised(meeting.id, ends_at)
        occurrence = await self._storage.meetings.occurrence(new_id)
        if occurrence is None:
            raise LookupError(f"occurrence {new_id} vanished")
        return occurrence, [close], fresh

    async def _claim_open(self, key: str, now: datetime) -> bool:
        return await self._storage.acts.claim(f"checkin_open:{key}", now)

    async def extend(self, now: datetime) -> None:
        """Materialise every meeting up to the horizon, or to its next occurrence beyond it.

        Only series with an occurrence newly within the horizon are read (each records the
        start of its next occurrence not yet created), and they are written a batch at a time:
        a restart redoes nothing, and a run costs a few commits, not one per series.
        """
        due = await self._storage.meetings.series_to_extend(now + HORIZON)
        for first in range(0, len(due), EXTEND_BATCH):
            async with self._storage.transaction():
                for meeting in due[first : first + EXTEND_BATCH]:
                    await self._materialise(meeting, now)

    async def occurrence_of(self, branch: Branch, occurrence_id: int) -> OccurrenceView:
        """An occurrence of this branch.

        Raises:
            UserError: no such occurrence in this branch.
        """
        found = await self._storage.meetings.occurrence(occurrence_id)
        if found is None or found.branch_id != branch.id:
            raise UserError("meeting.unknown", id=occurrence_id)
        return found

    async def upcoming(
        self, branch_ids: list[int], now: datetime, limit: int = 10
    ) -> list[OccurrenceView]:
        """The next occurrences of these branches."""
        if not branch_ids:
            return []
        return await self._storage.meetings.upcoming(branch_ids, now, limit)

    async def upcoming_of(self, meeting: Meeting, now: datetime) -> list[OccurrenceView]:
        """A meeting's occurrences still to come (or under way)."""
        return await self._storage.meetings.upcoming_of_meeting(meeting.id, now)

    async def cancel(
        self,
        branch: Branch,
        occurrence_id: int,
        *,
        series: bool,
        now: datetime,
        prompt: str | None = None,
    ) -> Cancelled:
        """Cancel an occurrence, or the rest of its series.

        ``prompt`` names the question a button answered (``chat:message``): only its first
        answer acts, so a second press, or one after "keep", cancels nothing. Cancelling the
        one materialised occurrence of a series creates its next one, so the rest of the
        series stays listed and can be cancelled.
        """
        await self.occurrence_of(branch, occurrence_id)
        async with self._storage.transaction():
            if prompt is not None and not await self.settle(prompt, now):
                return Cancelled([], [], [])
            cancelled, ended = await self._storage.meetings.cancel(occurrence_id, series=series)
            meeting = await self._storage.meetings.meeting_of(occurrence_id)
            ended = ended and meeting is not None and meeting.rule is not None
            if not cancelled:
                return Cancelled([], [], [], ended=ended)
            keys = [send.key for send in await self._storage.sends.pending_of(cancelled)]
            for key in keys:
                await self._storage.sends.move(
                    key, from_state="pending", to_state="cancelled", now=now
                )
            going = await self._storage.leaves.going(cancelled)
            sends = []
            if (
                meeting is not None
                and meeting.rule is not None
                and not meeting.ended
                and not await self._storage.meetings.upcoming_of_meeting(meeting.id, now)
            ):
                sends = await self._materialise(meeting, now)
        logger.info("branch %s: occurrences %s cancelled", branch.id, cancelled)
        return Cancelled(cancelled, keys, going, ended=ended, sends=sends)

    async def settle(self, prompt: str, now: datetime) -> bool:
        """Record the answer to a cancel question; False if it had one already."""
        return await self._storage.acts.claim(f"meeting_cancel:{prompt}", now)

    async def compliance(
        self, branch: Branch, cadence: Mapping[str, str], now: datetime
    ) -> list[TypeCompliance]:
        """The branch's compliance per meeting type (one aggregate query)."""
        last_held = await self._storage.meetings.last_held(branch.id, now)
        return compliance(
            cadence, last_held, now=now, timezone=branch.timezone, since=branch.created_at
        )

    async def _correctable(
        self, branch: Branch, occurrence_id: int, status: str
    ) -> OccurrenceView:
        """The occurrence whose roll may take ``status``: closed, or recorded as held.

        A meeting recorded afterwards has no check-in to wait for.
        """
        if status not in ATTENDANCE_STATUSES:
            raise UserError("attendance.usage")
        occurrence = await self.occurrence_of(branch, occurrence_id)
        if not (occurrence.closed or occurrence.held_offline):
            raise UserError("attendance.not_closed")
        return occurrence

    async def correct_attendance(
        self, branch: Branch, occurrence_id: int, user_id: int, status: str
    ) -> OccurrenceView:
        """Correct one member's row of a closed occurrence.

        Raises:
            UserError: unknown status, unknown occurrence, or check-in not closed yet.
        """
        occurrence = await self._correctable(branch, occurrence_id, status)
        await self._storage.meetings.set_attendance(occurrence_id, user_id, status)
        logger.info("occurrence %s: attendance of %s set to %s", occurrence_id, user_id, status)
        return occurrence

    async def correct_everyone(
        self, branch: Branch, occurrence_id: int, status: str
    ) -> tuple[OccurrenceView, int]:
        """Set every row of a closed occurrence's roll but the excused ones to ``status``.

        Returns:
            The occurrence and how many rows it set.

        Raises:
            UserError: as ``correct_attendance``.
        """
        occurrence = await self._correctable(branch, occurrence_id, status)
        count = await self._storage.meetings.set_attendance_of_all(occurrence_id, status)
        logger.info("occurrence %s: attendance of %s set to %s", occurrence_id, count, status)
        return occurrence, count

    async def set_notes(self, branch: Branch, occurrence_id: int, notes: str) -> OccurrenceView:
        """Record minutes for an occurrence of this branch, as written (全角 punctuation kept).

        Raises:
            UserError: no visible text (minutes make a meeting count as held), or an unknown
                occurrence.
        """
        notes = as_written(notes)
        if not notes:
            raise UserError("meeting_notes.usage")
        occurrence = await self.occurrence_of(branch, occurrence_id)
        await self._storage.meetings.set_notes(occurrence_id, notes)
        return occurrence

    async def check_in(
        self, branch: Branch, occurrence_id: int, user_id: int, now: datetime
    ) -> tuple[CheckinResult, OccurrenceView]:
        """Record the presser at an occurrence, if its check-in window is open.

        Raises:
            UserError: the occurrence is not this branch's.
        """
        occurrence = await self.occurrence_of(branch, occurrence_id)
        if occurrence.cancelled or occurrence.closed or now >= occurrence.ends_at:
            return CheckinResult.CLOSED, occurrence
        if not await self._checks_in(occurrence, user_id):
            return CheckinResult.NOT_EXPECTED, occurrence
        if now < occurrence.starts_at - CHECKIN_OPENS and not await self._opened_early(occurrence):
            return CheckinResult.NOT_OPEN, occurrence
        late = now > occurrence.starts_at + LATE_AFTER
        # The occurrence is the branch's (``occurrence_of``): its rows are all the branch's.
        async with self._storage.transaction(scope=branch.id):
            recorded = await self._storage.meetings.record_checkin(
                occurrence_id, user_id, now, late=late
            )
            if recorded:
                # A meeting check-in is also the day's check-in.
                await self._checkins.record_day(branch, user_id, now)
                await self._points.credit(
                    branch,
                    user_id,
                    reason="meeting_late" if late else "meeting",
                    source_key=f"meeting:{occurrence_id}:{user_id}",
                    now=now,
                )
        if not recorded:
            return CheckinResult.ALREADY, occurrence
        return (CheckinResult.LATE if late else CheckinResult.PRESENT), occurrence

    async def _opened_early(self, occurrence: OccurrenceView) -> bool:
        """Whether a secretary posted the check-in before the window's usual opening."""
        found = await self._storage.sends.get(send_key("open", occurrence.id))
        return found is not None and found[1] == "sent"

    async def open_for_checkin(
        self, branch: Branch, user_id: int, now: datetime
    ) -> list[OccurrenceView]:
        """The branch's occurrences whose check-in window is open now, to the user's."""
        opened = await self._storage.meetings.open_for_checkin(
            branch.id, now, int(CHECKIN_OPENS.total_seconds())
        )
        return [o for o in opened if await self._checks_in(o, user_id)]

    async def _checks_in(self, occurrence: OccurrenceView, user_id: int) -> bool:
        """A committee meeting's roll counts those it expects only: only they check in."""
        return occurrence.type != "committee" or await self.expected(occurrence, user_id)

    async def expected(self, occurrence: OccurrenceView, user_id: int) -> bool:
        """Whether a member of the branch is expected at the occurrence, as its roll counts.

        The roster is; at a committee meeting, its committee members and secretaries on the
        roster only. One who never joined the roster has nothing to answer or ask leave for.
        """
        member = await self._storage.memberships.get(occurrence.branch_id, user_id)
        if member is None or not member.on_roster:
            return False
        if occurrence.type != "committee" or member.role in ("committee", "secretary"):
            return True
        branch = await self._storage.branches.get(occurrence.branch_id)
        return branch is not None and user_id in await self._auth.secretaries(branch)

    async def checkin_count(self, occurrence_id: int) -> int:
        """How many have checked in to an occurrence so far."""
        return await self._storage.meetings.checkin_count(occurrence_id)

    async def roll(self, occurrence: OccurrenceView) -> Roll:
        """The occurrence's attendance as frozen (and corrected since)."""
        return Roll(occurrence, await self._storage.meetings.roll(occurrence.id))

    async def close(
        self, occurrence: OccurrenceView, now: datetime, secretaries: Collection[int]
    ) -> Roll | None:
        """Freeze the occurrence's attendance; None if it was closed already.

        Args:
            occurrence: the occurrence to close.
            now: the closing instant.
            secretaries: the branch's secretaries now (its group administrators included).
        """
        async with self._storage.transaction():
            closed = await self._storage.meetings.close(
                occurrence.id,
                now,
                committee_only=occurrence.type == "committee",
                secretaries=secretaries,
            )
        if not closed:
            return None
        return Roll(occurrence, await self._storage.meetings.roll(occurrence.id))
