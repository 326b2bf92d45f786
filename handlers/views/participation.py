"""How participation reads: the weekly summary, its detail and chart, and ``/report``."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.chart import participation_chart
from bot.i18n import Words
from bot.participation import Participation
from bot.points import Today
from bot.reports import ORG_DAYS, BranchStanding
from bot.summary import WeekSummary
from handlers.views.meetings import compliance_lines, titled
from storage.models import Branch, OccurrenceAttendance, Organisation, QuizActivity

NAMES_PER_LINE = 20


def percent(words: Words, value: float | None) -> str:
    """``64%``, or ``—`` when there is nothing to divide by."""
    return words.none if value is None else f"{value:.0%}"


def grouped_names(words: Words, pairs: list[tuple[str, str]]) -> list[str]:
    """A line per head with its names listed after it, names kept in order under their head.

    A long list continues on further lines (at most ``NAMES_PER_LINE`` names each), so a
    report splits between lines, never inside a name.
    """
    names: dict[str, list[str]] = {}
    for head, name in pairs:
        names.setdefault(head, []).append(name)
    lines = []
    for head, people in names.items():
        for start in range(0, len(people), NAMES_PER_LINE):
            listed = words.join(people[start : start + NAMES_PER_LINE])
            lines.append(
                words("list.labelled", head=head, items=listed) if start == 0 else f"  {listed}"
            )
    return lines


def meeting_lines(
    words: Words, timezone: str, occurrences: list[OccurrenceAttendance], when: str
) -> list[str]:
    """One line per occurrence: its attendance counts and rate (``when`` formats its start)."""
    zone, lines = ZoneInfo(timezone), []
    for o in occurrences:
        name = titled(words, words(f"type.{o.type}"), o.title)
        lines.append(
            words(
                "summary.meeting",
                meeting=f"#{o.id} {o.starts_at.astimezone(zone):{when}} {name}",
                present=o.present,
                late=o.late,
                excused=o.excused,
                absent=o.absent,
                rate=percent(words, o.rate),
            )
        )
    return lines


def quizzes_line(words: Words, q: QuizActivity) -> str:
    """Private quizzes finished and group quiz answers."""
    return words(
        "summary.quizzes",
        finished=q.finished,
        takers=q.takers,
        average=percent(words, q.average),
        answers=q.poll_answers,
        correct=q.poll_correct,
    )


def top_lines(words: Words, top: list[tuple[str, int]]) -> list[str]:
    """``1. name — points`` lines, or the line that says nobody has points."""
    return [
        words("top.line", rank=rank, name=name, points=points)
        for rank, (name, points) in enumerate(top, start=1)
    ] or [words("top.empty")]


def points_text(words: Words, branch: str, rules: dict[str, int], today: Today) -> str:
    """What earns how many points, the daily cap, and a member's points of today by reason."""
    rule_lines = "\n".join(
        words("points.rule", reason=words(f"points.reason.{reason}"), points=value)
        for reason, value in rules.items()
    )
    earned = "".join(
        "\n"
        + words(
            "points.earned",
            reason=words(f"points.reason.{reason}"),
            points=today.by_reason[reason],
        )
        for reason in rules
        if today.by_reason.get(reason)
    )
    return words(
        "points.explained",
        branch=branch,
        rules=rule_lines,
        cap=today.cap,
        today=today.total,
        earned=earned,
        left=today.left,
    )


def missed_lines(words: Words, p: Participation, absent_none: str) -> list[str]:
    """Who was absent from which meeting, who has not taken which published module."""
    return [
        words("summary.absent"),
        *(
            grouped_names(words, [(f"#{o}", name) for o, name in p.absentees])
            or [words(absent_none)]
        ),
        words("summary.not_taken"),
        *(
            grouped_names(words, [(f"#{m} {title}", name) for m, title, name in p.not_taken])
            or [words("summary.not_taken_none")]
        ),
    ]


def summary_text(words: Words, branch: Branch, s: WeekSummary) -> str:
    """The group's summary of the week."""
    p, previous = s.participation, s.previous
    activity = p.activity
    lines = [
        words("summary.title", branch=branch.title, start=p.period.first, end=p.period.last),
        words(
            "summary.checkins",
            checkins=activity.checkins,
            rate=percent(words, p.checkin_rate),
            change=f"{activity.checkins - previous.checkins:+d}",
        ),
        words(
            "summary.participants",
            participants=activity.participants,
            roster=activity.roster,
            silent=activity.silent,
            change=f"{activity.participants - previous.participants:+d}",
        ),
    ]
    lines.append(words("summary.meetings") if p.occurrences else words("summary.no_meetings"))
    lines += meeting_lines(words, branch.timezone, p.occurrences, "%m-%d %H:%M")
    lines.append(quizzes_line(words, p.quizzes))
    lines.append(words("summary.top"))
    lines += top_lines(words, p.top)
    lines.append(compliance_lines(words, s.compliance))
    return "\n".join(lines)


def detail_text(words: Words, branch: Branch, p: Participation) -> str:
    """The secretaries' version: who was absent from what, who has not taken which module."""
    title = words("summary.detail_title", branch=branch.title, end=p.period.last)
    return "\n".join([title, *missed_lines(words, p, "summary.absent_none")])


def chart_of(words: Words, branch: Branch, s: WeekSummary) -> bytes:
    """The participation-by-day chart."""
    labels = [words(f"weekday.{day.weekday()}") for day in s.participation.period.dates]
    title = words("summary.chart_title", branch=branch.title)
    return participation_chart(title, labels, s.by_day)


def report_text(words: Words, branch: Branch, r: Participation) -> str:
    """The report, line by line."""
    a = r.activity
    lines = [
        words("report.title", branch=branch.title, first=r.period.first, last=r.period.last),
        words("report.checkins", checkins=a.checkins, rate=percent(words, r.checkin_rate)),
        words(
            "report.participants", participants=a.participants, roster=a.roster, silent=a.silent
        ),
        words("summary.meetings") if r.occurrences else words("report.no_meetings"),
        *meeting_lines(words, branch.timezone, r.occurrences, "%Y-%m-%d %H:%M"),
        quizzes_line(words, r.quizzes),
        words("report.top"),
        *top_lines(words, r.top),
        *missed_lines(words, r, "report.absent_none"),
    ]
    return "\n".join(lines)


def organisation_report_text(
    words: Words, standings: list[tuple[Organisation, list[BranchStanding]]]
) -> str:
    """Each organisation's branches over the last days: check-ins, attendance, overdue types."""
    lines = []
    for organisation, branches in standings:
        lines.append(words("org_report.title", name=organisation.name, days=ORG_DAYS))
        for s in branches:
            overdue = words.join(words(f"type.{kind}") for kind in s.overdue)
            lines.append(
                words(
                    "org_report.line",
                    id=s.activity.id,
                    title=s.activity.title,
                    checkins=percent(words, s.checkin_rate),
                    attendance=percent(words, s.attendance),
                    overdue=overdue or words("org_report.none_overdue"),
                    last=f"{s.activity.last_activity:%Y-%m-%d}",
                )
                + (words("org_report.silent") if s.silent else "")
            )
    return "\n".join(lines)
