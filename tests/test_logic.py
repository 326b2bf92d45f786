"""Pure rules: settings parsing, deep links, message splitting, the command table, limits."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import COMMANDS, Access, available
from bot.deeplinks import branch_payload, unpack_link
from bot.errors import UserError
from bot.settings import parse_settings
from bot.text import split_message
from handlers.gate.callbacks import RosterJoin


def test_settings_parse_every_key():
    assert parse_settings("timezone=Asia/Tokyo language=EN summary=sat 9:00 checkin=off") == {
        "timezone": "Asia/Tokyo",
        "language": "en",
        "summary_weekday": 5,
        "summary_time": "09:00",
        "checkin_time": None,
    }


def test_settings_full_width_input():
    assert parse_settings("checkin＝０８：３０") == {"checkin_time": "08:30"}


@given(st.text(max_size=80))
def test_settings_parser_raises_only_its_own_error(text):
    try:
        parse_settings(text)
    except UserError as error:
        key = error.key
    else:
        key = None
    assert key in (None, "settings.usage", "settings.bad_value")


@pytest.mark.parametrize(
    ("payload", "branch", "module"),
    [
        ("b12", 12, None),
        ("m7b3", 3, 7),
        ("b0", None, None),
        ("x", None, None),
        ("b12x", None, None),
        ("m7", None, None),
    ],
)
def test_start_payloads(payload, branch, module):
    parsed = unpack_link(payload)
    assert (parsed.branch_id if parsed else None, parsed.module_id if parsed else None) == (
        branch,
        module,
    )


def test_deep_links_and_callback_data_fit_telegram_limits():
    biggest = 2**63 - 1
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", branch_payload(biggest))
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", f"m{biggest}b{biggest}")
    assert len(RosterJoin().pack().encode()) <= 64
    assert RosterJoin().pack().isascii()


@given(st.text(alphabet=st.sampled_from("ab李\n"), max_size=3000), st.integers(5, 50))
def test_split_message_keeps_everything_within_the_limit(text, limit):
    chunks = split_message(text, limit)
    assert all(len(chunk) <= limit for chunk in chunks)
    assert "".join(chunks).replace("\n", "") == text.replace("\n", "")


def test_split_message_breaks_at_lines():
    assert split_message("aaa\nbbb\nccc", 7) == ["aaa\nbbb", "ccc"]


def test_available_commands_follow_access_and_chat():
    names = lambda specs: {s.name for s in specs}  # noqa: E731
    assert names(available(Access.MEMBER, private=False, registered=True)) == {
        "start",
        "help",
        "checkin",
        "me",
        "points",
        "meetings",
        "leave",
        "study",
        "top",
    }
    assert "setup" in names(available(Access.SECRETARY, private=False, registered=False))
    assert "settings" not in names(available(Access.SECRETARY, private=False, registered=False))
    assert "org_add" in names(available(Access.OPERATOR, private=True, registered=False))
    assert all(re.fullmatch(r"[a-z_]{1,32}", spec.name) for spec in COMMANDS)
