"""The routing table: every router's handlers, by group (the routers live beside it)."""

from __future__ import annotations

from telegram.ext import BaseHandler

from handlers import (
    branches,
    checkin,
    forget,
    group_quiz,
    leave,
    meetings,
    members,
    observe,
    operators,
    organisations,
    points,
    quiz,
    reports,
    start,
    study,
)
from handlers.gate import branch_choice, buttons

OBSERVE_GROUP = -2
FEATURE_GROUP = 0


def handler_groups() -> dict[int, list[BaseHandler]]:
    """Every handler, by group.

    Order matters between groups only: group −2 sees every update first, records its sender
    and resolves the branch and language that the gate and all features read. Within group 0
    each update matches one handler (a command name, a button kind's prefix or a member
    change); the gate's stale-button answer comes last because it matches any press no one
    else took.
    """
    return {
        OBSERVE_GROUP: observe.handlers(),
        FEATURE_GROUP: [
            *start.handlers(),
            *branches.handlers(),
            *members.handlers(),
            *meetings.handlers(),
            *checkin.handlers(),
            *points.handlers(),
            *forget.handlers(),
            *leave.handlers(),
            *study.handlers(),
            *quiz.handlers(),
            *group_quiz.handlers(),
            *reports.handlers(),
            *organisations.handlers(),
            *operators.handlers(),
            *branch_choice.handlers(),
            *buttons.handlers(),
        ],
    }
