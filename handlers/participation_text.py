"""Lines the weekly summary and ``/report`` share: meetings, quizzes, leaders, percentages.

Each function takes ``t(key, **params)``, the translate function bound to the reader's
language.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from storage.reports import OccurrenceAttendance, QuizActivity

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
