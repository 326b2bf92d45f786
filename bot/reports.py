"""Reports and exports over a period a secretary chooses.

``/report`` is the branch's participation, as the weekly summary computes it, over this week,
this month or a range of local dates, with who missed what; ``/export`` writes the raw rows as
CSV with a byte-order mark, so spreadsheet programs open the Chinese correctly.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.keywords import Keywords
from bot.meetings import MAX_YEAR, MIN_YEAR, MeetingService
from bot.participation import Participation, participation
from bot.periods import Period, local_days, week_start
from storage import Storage
from storage.branches import BranchActivity
from storage.models import Branch, Organisation, from_epoch

MAX_DAYS = 366
EXPORT_DAYS = 90
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# ``/report week`` and ``/report month``: this week or this month so far.
PERIOD_WORDS = Keywords({"week": ("本周",), "month": ("本月",)})


def _dates(words: list[str], usage: str) -> tuple[date, date]:
    if len(words) != 2 or not all(_DATE.match(w) for w in words):
        raise UserError(usage)
    try:
        first, last = (date.fromisoformat(w) for w in words)
    except ValueError:
        raise UserError(usage) from None
    if not all(MIN_YEAR <= day.year <= MAX_YEAR for day in (first, last)):
        # Year 9999 would overflow the day after the range; no report reaches that far.
        raise UserError("report.bad_year", usage=usage, first=MIN_YEAR, last=MAX_YEAR)
    if last < first or (last - first).days >= MAX_DAYS:
        raise UserError("report.bad_range", usage=usage, days=MAX_DAYS)
    return first, last


def report_period(branch: Branch, text: str, now: datetime) -> Period:
    """``week`` (the default: this week so far), ``month`` (so far) or ``<from> <to>``.

    ``week`` and ``month`` may be typed as 本周 and 本月 (``PERIOD_WORDS``).

    Raises:
        UserError: anything else, or a range backwards or longer than a year.
    """
    words = text.split()
    named = PERIOD_WORDS.code(words[0]) if len(words) == 1 else None
    local = now.astimezone(ZoneInfo(branch.timezone))
    if not words or named == "week":
        start = week_start(branch, now)
        return Period(start, now, start.astimezone(local.tzinfo).date(), local.date())
    if named == "month":
        period = local_days(branch, local.date().replace(day=1), local.date())
        return Period(period.start, now, period.first, period.last)
    return local_days(branch, *_dates(words, "report.usage"))


def export_period(branch: Branch, text: str, now: datetime) -> Period:
    """``<from> <to>``, or by default the last 90 days (today included)."""
    if not text.split():
        today = now.astimezone(ZoneInfo(branch.timezone)).date()
        return local_days(branch, today - timedelta(days=EXPORT_DAYS - 1), today)
    return local_days(branch, *_dates(text.split(), "export.usage"))


EXPORT_FILES = ("members.csv", "checkins.csv", "attendance.csv", "quiz_results.csv")
_HEADERS = {
    "members.csv": ("user_id", "name", "username", "role", "on_roster", "last_seen"),
    "checkins.csv": ("date", "user_id", "name", "checked_at"),
    "attendance.csv": (
        "occurrence_id",
        "starts_at",
        "type",
        "title",
        "user_id",
        "name",
        "status",
        "leave_reason",
    ),
    "quiz_results.csv": (
        "module_id",
        "module",
        "user_id",
        "name",
        "score",
        "total",
        "finished_at",
    ),
}


# A cell starting with one of these is read as a formula by spreadsheet programs (OWASP, "CSV
# Injection"): names, titles and reasons are user text and must stay text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'``.

    Only text is touched: numbers (a negative one included) are the bot's own figures, never a
    formula, and must stay numbers.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv(header: Sequence[str], rows: list[tuple[Any, ...]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(tuple(spreadsheet_safe(cell) for cell in row) for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


class ReportService:
    """Reports and CSV exports of a branch."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def report(self, branch: Branch, period: Period) -> Participation:
        """The branch's participation over a period, with who missed what."""
        return await participation(self._storage, branch, period)

    async def export(self, branch: Branch, period: Period) -> dict[str, bytes]:
        """The four CSV files, by name; instants in the branch's local time."""
        reports, zone = self._storage.reports, ZoneInfo(branch.timezone)

        def local(epoch: int | None) -> str:
            instant = from_epoch(epoch)
            return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M") if instant else ""

        start, end = period.start, period.end
        members = [(*r[:4], int(r[4]), local(r[5])) for r in await reports.members_rows(branch.id)]
        checkins = [
            (*r[:3], local(r[3])) for r in await reports.checkin_rows(branch.id, start, end)
        ]
        attendance = [
            (r[0], local(r[1]), *r[2:])
            for r in await reports.attendance_rows(branch.id, start, end)
        ]
        quizzes = [(*r[:6], local(r[6])) for r in await reports.quiz_rows(branch.id, start, end)]
        rows = dict(zip(EXPORT_FILES, (members, checkins, attendance, quizzes), strict=True))
        return {name: _csv(_HEADERS[name], rows[name]) for name in EXPORT_FILES}


ORG_DAYS = 30
# A branch with no activity for this long is marked silent in the organisation report.
SILENT_AFTER = timedelta(days=14)


@dataclass(frozen=True)
class BranchStanding:
    """One branch's line in the organisation report."""

    activity: BranchActivity
    checkin_rate: float | None
    attendance: float | None
    overdue: list[str]  # meeting types overdue
    silent: bool


class OrganisationReports:
    """The roll-up an organisation's admin (or an operator) sees."""

    def __init__(
        self, storage: Storage, meetings: MeetingService, cadence: Mapping[str, str]
    ) -> None:
        self._storage = storage
        self._meetings = meetings
        self._cadence = cadence

    async def visible_to(self, user_id: int, *, operator: bool) -> list[Organisation]:
        """Every organisation for an operator, else those the user administers."""
        organisations = self._storage.organisations
        return await (organisations.all() if operator else organisations.administered_by(user_id))

    async def standings(self, organisation: Organisation, now: datetime) -> list[BranchStanding]:
        """Each branch of the organisation over the last 30 days (a few queries per branch)."""
        reports, start = self._storage.reports, now - timedelta(days=ORG_DAYS)
        result = []
        for overview in await self._storage.branches.overview([organisation.id]):
            branch = await self._storage.branches.get(overview.id)
            if branch is None:
                continue
            activity = await reports.activity(branch.id, start, now)
            occurrences = await reports.occurrences(branch.id, start, now)
            expected = sum(o.expected for o in occurrences)
            attended = sum(o.present + o.late for o in occurrences)
            states = await self._meetings.compliance(branch, self._cadence, now)
            result.append(
                BranchStanding(
                    activity=overview,
                    checkin_rate=activity.checkin_rate(ORG_DAYS),
                    attendance=attended / expected if expected else None,
                    overdue=[s.type for s in states if s.state == "overdue"],
                    silent=now - overview.last_activity > SILENT_AFTER,
                )
            )
        return result
