"""Telegram updates in, replies out: thin handlers over the services in ``bot/``."""

from __future__ import annotations

from telegram.ext import BaseHandler

from handlers import (
    branch_choice,
    branches,
    buttons,
    checkin,
    forget,
    group_quiz,
    imports,
    leave,
    meeting_flow,
    meetings,
    members,
    observe,
    operators,
    organisations,
    quiz,
    reports,
    standing,
    start,
    study,
)

OBSERVE_GROUP = -2
FEATURE_GROUP = 0


def handler_groups() -> dict[int, list[BaseHandler]]:
    """Every handler, by group.

    Order matters between groups only: group −2 sees every update first, records its sender
    and resolves the branch and language that the gate and all features read. Within group 0
    each update matches one handler (a command name, a callback prefix or a member change);
    the stale-button answer comes last because it matches any button press no one else took.
    """
    return {
        OBSERVE_GROUP: observe.handlers(),
        FEATURE_GROUP: [
            *start.handlers(),
            *branches.handlers(),
            *members.handlers(),
            *meetings.handlers(),
            *checkin.handlers(),
            *standing.handlers(),
            *forget.handlers(),
            *leave.handlers(),
            *meeting_flow.handlers(),
            *imports.handlers(),
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
