"""Fuzz: every command's argument parser, given random text, answers with its usage (or its
own error) and never raises anything else; random commands through the real bot change nothing
when refused."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.deeplinks import unpack_link
from bot.errors import UserError
from bot.meetings import parse_meeting_add
from bot.recurrence import RepeatError, parse_minutes, parse_offsets, repeat_rule
from bot.reports import export_period, report_period
from bot.settings import normalize, parse_settings
from handlers.gate.place import parse_id
from handlers.group_quiz import _parse as parse_quiz
from storage.models import Branch
from tests import factories
from tests.conftest import GROUP, MEMBER
from tests.test_authorization import snapshot

BRANCH = Branch(
    1,
    -4001,
    "支部",
    None,
    "Asia/Shanghai",
    "zh",
    6,
    "20:00",
    "08:00",
    True,
    datetime(2031, 1, 1, tzinfo=UTC),
)
NOW = datetime(2031, 3, 2, 1, 0, tzinfo=UTC)
# Text a user could type: words of the commands' own vocabulary mixed with anything at all.
WORDS = st.sampled_from(
    [
        "group",
        "committee",
        "2031-03-05",
        "19:30",
        "repeat=weekly",
        "remind=1d,1h",
        "duration=90m",
        "held",
        "FREQ=MONTHLY;BYDAY=1FR",
        "week",
        "month",
        "series",
        "timezone=UTC",
        "language=en",
        "summary=sun@20:00",
        "checkin=off",
        "#12",
        "0",
        "-1",
        "９",
        "１９：３０",
    ]
)
TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=8).map(" ".join),
)


def refuses_cleanly(parse, text, errors=(UserError,)):
    """The parser returns, or raises only its own documented error."""
    with contextlib.suppress(*errors):
        parse(normalize(text))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_argument_parsers_answer_usage_or_parse(text):
    refuses_cleanly(parse_meeting_add, text)
    refuses_cleanly(parse_settings, text)
    refuses_cleanly(lambda t: report_period(BRANCH, t, NOW), text)
    refuses_cleanly(lambda t: export_period(BRANCH, t, NOW), text)
    refuses_cleanly(parse_quiz, text)
    refuses_cleanly(lambda t: parse_id(t, "usage"), text)
    refuses_cleanly(parse_minutes, text, (ValueError,))
    refuses_cleanly(parse_offsets, text, (ValueError,))
    unpack_link(text)
    first = datetime(2031, 3, 5, 19, 30)  # noqa: DTZ001 - a local wall time, as the parser takes
    refuses_cleanly(lambda t: repeat_rule(t, first), text, (RepeatError,))


@pytest.mark.parametrize(
    "command",
    [
        "/meeting_add",
        "/settings",
        "/quiz",
        "/report",
        "/export",
        "/attendance",
        "/meeting_cancel",
        "/meeting_notes",
        "/publish",
        "/role",
        "/leave",
    ],
)
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(arguments=TEXT)
async def test_random_arguments_from_a_member_change_nothing(harness, command, arguments):
    if await harness.services.branches.for_chat(GROUP.id) is None:
        await harness.setup_branch()
    before = await snapshot(harness)
    update = factories.command(f"{command} {arguments}", chat=GROUP, user=MEMBER)
    harness.read(await harness.feed(update))
    assert await snapshot(harness) == before
