"""How participation reads: the weekly summary, its detail and chart, and ``/report``.

The line functions take ``t(key, **params)``, the translate function bound to the reader's
language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from bot.chart import participation_chart
from bot.i18n import Translator
from bot.participation import Participation
from bot.summary import WeekSummary
from bot.text import grouped_names
from handlers.views.meetings import compliance_lines
from storage.models import Branch, OccurrenceAttendance, QuizActivity

Text = Callable[..., str]


def percent(value: float | None) -> str:
    """``64%``, or ``—`` when there is nothing to divide by."""
    return "—" if value is None else f"{value:.0%}"


def meeting_lines(
    t: Text, timezone: str, occurrences: list[OccurrenceAttendance], when: str
) -> list[str]:
    """One line per occurrence: its attendance counts and rate (``when`` formats its start)."""
    zone, lines = ZoneInfo(timezone), []
    for o in occurrences:
        name = t(f"type.{o.type}") + (f" · {o.title}" if o.title else "")
        lines.append(
            t(
                "summary.meeting",
                meeting=f"#{o.id} {o.starts_at.astimezone(zone):{when}} {name}",
                present=o.present,
                late=o.late,
                excused=o.excused,
                absent=o.absent,
                rate=percent(o.rate),
            )
        )
    return lines


def quizzes_line(t: Text, q: QuizActivity) -> str:
    """Private quizzes finished and group quiz answers."""
    return t(
        "summary.quizzes",
        finished=q.finished,
        takers=q.takers,
        average=percent(q.average),
        answers=q.poll_answers,
        correct=q.poll_correct,
    )


def top_lines(t: Text, top: list[tuple[str, int]]) -> list[str]:
    """``1. name — points`` lines, or the line that says nobody has points."""
    return [
        t("top.line", rank=rank, name=name, points=points)
        for rank, (name, points) in enumerate(top, start=1)
    ] or [t("top.empty")]


def missed_lines(t: Text, p: Participation, absent_none: str) -> list[str]:
    """Who was absent from which meeting, who has not taken which published module."""
    return [
        t("summary.absent"),
        *(grouped_names([(f"#{o}", name) for o, name in p.absentees]) or [t(absent_none)]),
        t("summary.not_taken"),
        *(
            grouped_names([(f"#{m} {title}", name) for m, title, name in p.not_taken])
            or [t("summary.not_taken_none")]
        ),
    ]


def summary_text(translate: Translator, language: str, branch: Branch, s: WeekSummary) -> str:
    """The group's summary of the week."""

    def t(key: str, **params: Any) -> str:
        return translate(language, key, **params)

    p, previous = s.participation, s.previous
    activity = p.activity
    lines = [
        t("summary.title", branch=branch.title, start=p.period.first, end=p.period.last),
        t(
            "summary.checkins",
            checkins=activity.checkins,
            rate=percent(p.checkin_rate),
            change=f"{activity.checkins - previous.checkins:+d}",
        ),
        t(
            "summary.participants",
            participants=activity.participants,
            roster=activity.roster,
            silent=activity.silent,
            change=f"{activity.participants - previous.participants:+d}",
        ),
    ]
    lines.append(t("summary.meetings") if p.occurrences else t("summary.no_meetings"))
    lines += meeting_lines(t, branch.timezone, p.occurrences, "%m-%d %H:%M")
    lines.append(quizzes_line(t, p.quizzes))
    lines.append(t("summary.top"))
    lines += top_lines(t, p.top)
    lines.append(compliance_lines(translate, language, s.compliance))
    return "\n".join(lines)


def detail_text(translate: Translator, language: str, branch: Branch, p: Participation) -> str:
    """The secretaries' version: who was absent from what, who has not taken which module."""

    def t(key: str, **params: Any) -> str:
        return translate(language, key, **params)

    title = t("summary.detail_title", branch=branch.title, end=p.period.last)
    return "\n".join([title, *missed_lines(t, p, "summary.absent_none")])


def chart_of(translate: Translator, language: str, branch: Branch, s: WeekSummary) -> bytes:
    """The participation-by-day chart."""
    labels = [
        translate(language, f"weekday.{day.weekday()}") for day in s.participation.period.dates
    ]
    title = translate(language, "summary.chart_title", branch=branch.title)
    return participation_chart(title, labels, s.by_day)


def report_text(t: Callable[..., str], branch: Branch, r: Participation) -> str:
    """The report, line by line, in the reader's language (``t`` translates into it)."""
    a = r.activity
    lines = [
        t("report.title", branch=branch.title, first=r.period.first, last=r.period.last),
        t("report.checkins", checkins=a.checkins, rate=percent(r.checkin_rate)),
        t("report.participants", participants=a.participants, roster=a.roster, silent=a.silent),
        t("summary.meetings") if r.occurrences else t("report.no_meetings"),
        *meeting_lines(t, branch.timezone, r.occurrences, "%Y-%m-%d %H:%M"),
        quizzes_line(t, r.quizzes),
        t("report.top"),
        *top_lines(t, r.top),
        *missed_lines(t, r, "report.absent_none"),
    ]
    return "\n".join(lines)
