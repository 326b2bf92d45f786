"""Typed callback data and the gate of buttons and start links.

Every button kind packs to the wire format the bot has always sent and reads back; anything
forged reads as None; and a press (or a link) from someone it is not for gets the gate's one
answer and changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, time

import pytest

from bot.i18n import language_of
from handlers.gate.callbacks import (
    BranchChoice,
    CallbackData,
    CheckinPage,
    DailyCheckin,
    Forget,
    ImportChoice,
    ImportPage,
    LeaveChoice,
    LeaveDecision,
    LeaveStart,
    LeaveWithdraw,
    MeetingCancel,
    MeetingCheckin,
    MeetingFlow,
    QuizAnswer,
    QuizStart,
    QuizToggle,
    RosterJoin,
    Rsvp,
    SendToMe,
    StudyPage,
    unpack,
)
from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OTHER
from tests.test_authorization import snapshot
from tests.test_meetings import add_meeting
from tests.test_private_import import choices, upload
from tests.test_study import gift_of, send_file

GROUP2 = factories.Group(-4002, "城西第二支部")
STRANGER = factories.Person(100777, "路人", username="passerby", language_code="en")

SAMPLES = [
    (DailyCheckin(), "ci"),
    (CheckinPage(3), "cip:3"),
    (MeetingCheckin(12), "mc:12"),
    (Rsvp(12, going=True), "rsvp:12:y"),
    (Rsvp(12, going=False), "rsvp:12:n"),
    (LeaveDecision(7, approve=True), "lv:7:a"),
    (LeaveDecision(7, approve=False), "lv:7:d"),
    (MeetingCancel(12, "one"), "mx:12:one"),
    (MeetingCancel(12, "series"), "mx:12:all"),
    (MeetingCancel(12, "keep"), "mx:12:keep"),
    (LeaveStart(), "lvs"),
    (LeaveChoice(12), "lvc:12"),
    (LeaveWithdraw(7), "lvw:7"),
    (MeetingFlow(None), "ma:x"),
    (MeetingFlow(1), "ma:1"),
    (MeetingFlow(1, date(2031, 3, 5), time(19, 30)), "ma:1:20310305:1930"),
    (
        MeetingFlow(1, date(2031, 3, 5), time(19, 30), 2, 0, confirmed=True),
        "ma:1:20310305:1930:2:0:ok",
    ),
    (RosterJoin(), "roster:join"),
    (Forget(confirmed=True), "forget:yes"),
    (Forget(confirmed=False), "forget:no"),
    (QuizStart(1, 2), "qs:1:2"),
    (QuizAnswer(5, 0, 3), "qa:5:0:3"),
    (QuizToggle(5, 1, 6, 2), "qm:5:1:6:2"),
    (QuizToggle(5, 1, 6, None), "qm:5:1:6:s"),
    (StudyPage(4, 1), "stp:4:1"),
    (ImportChoice(9, 4), "imp:9:4"),
    (ImportPage(9, 2), "impp:9:2"),
    (BranchChoice(5), "pb:5"),
    (BranchChoice(5, "me"), "pb:5:me"),
    (BranchChoice(5, "report", "2031-01-01 2031-01-31"), "pb:5:report:2031-01-01 2031-01-31"),
    (SendToMe("report", "month"), "stm:report:month"),
    (SendToMe("export", ""), "stm:export:"),
]

FORGED = {
    DailyCheckin: ["ci:", "ci:1", "CI"],
    CheckinPage: ["cip:", "cip:１", "cip:12345", "cip:1:2", "cip:-1"],
    MeetingCheckin: ["mc:", "mc:0", "mc:012", "mc:1234567890123456789", "mc:１２", "mc:1:2"],
    Rsvp: ["rsvp:12", "rsvp:12:Y", "rsvp:12:maybe", "rsvp:12:y:1", "rsvp:٣:y", "rsvp:0:y"],
    LeaveDecision: ["lv:7", "lv:7:y", "lv:7:a:1", "lv:0:a"],
    MeetingCancel: ["mx", "mx:", "mx:12", "mx:12:series", "mx:12:ALL", "mx:0:one", "mx:12:one:1"],
    LeaveStart: ["lvs:", "lvs:1", "LVS"],
    LeaveChoice: ["lvc", "lvc:", "lvc:0", "lvc:x", "lvc:12:1"],
    LeaveWithdraw: ["lvw", "lvw:", "lvw:0", "lvw:7:1"],
    MeetingFlow: [
        "ma:",
        "ma:9",
        "ma:x:1",
        "ma:1:20311345",
        "ma:1:20310305:2599",
        "ma:1:20310305:ok",
        "ma:1::1930",
        "ma:1:1930",
        "ma:1:00010101",
        "ma:1:20310305:1930:7",
        "ma:1:20310305:1930:2:0:ok:ok",
    ],
    RosterJoin: ["roster:join:99", "roster:", "roster"],
    Forget: ["forget", "forget:", "forget:maybe", "forget:yes:1"],
    QuizStart: ["qs:1", "qs:1:0", "qs:a:2", "qs:1:2:3"],
    QuizAnswer: ["qa:5:0", "qa:5:0:12", "qa:5:0:x", "qa:5:12345:1", "qa:5:0:1:2"],
    QuizToggle: ["qm:5:1:6", "qm:5:1:6:t", "qm:5:1:6:12", "qm:5:1:4096:s", "qm:5:1:6:s:1"],
    StudyPage: ["stp:4", "stp:0:1", "stp:4:10000", "stp:4:1:1"],
    ImportChoice: ["imp:9", "imp:9:x", "imp:9:4:1"],
    ImportPage: ["impp:9", "impp:9:-1", "impp:9:1:1"],
    BranchChoice: ["pb:", "pb:x", "pb:05", "pb:5:", "pb:5:nosuch", "pb:5:report:"],
    SendToMe: ["stm:", "stm:report", "stm:top:"],
}


def test_every_kind_has_a_sample_and_its_forgeries():
    kinds = set(CallbackData.__subclasses__())
    assert {type(data) for data, _ in SAMPLES} == kinds
    assert set(FORGED) == kinds
    for kind in kinds:
        assert len(kind.FIELDS) == len(fields(kind)), kind


@pytest.mark.parametrize(("data", "wire"), SAMPLES, ids=[wire for _, wire in SAMPLES])
def test_each_kind_packs_as_it_always_has_and_reads_back(data, wire):
    assert data.pack() == wire
    assert unpack(wire) == data
    matching = [kind for kind in CallbackData.__subclasses__() if re.match(kind.pattern(), wire)]
    assert matching == [type(data)]  # one handler takes it


@pytest.mark.parametrize(
    "forged", [wire for wires in FORGED.values() for wire in wires] + ["", "quiz:1:2", "x" * 64]
)
def test_forged_data_reads_as_nothing(forged):
    assert unpack(forged) is None
    assert unpack(None) is None


@pytest.mark.parametrize("wire", [wire for _, wire in SAMPLES], ids=[w for _, w in SAMPLES])
def test_more_than_64_bytes_reads_as_nothing(wire):
    padded = wire + ":" + "1" * (64 - len(wire))
    assert len(padded.encode()) == 65
    assert unpack(padded) is None


def test_data_that_would_not_read_back_does_not_pack():
    too_long = SendToMe("report", "报" * 18)  # 11 + 54 bytes
    assert not too_long.fits()
    with pytest.raises(ValueError, match="64 bytes"):
        too_long.pack()
    for unreadable in (
        MeetingCheckin(0),
        MeetingCheckin(10**18),
        CheckinPage(10_000),
        MeetingFlow(1, None, time(19, 30)),  # a time before any day
        MeetingFlow(1, confirmed=True),  # confirmed before the choices are made
        BranchChoice(5, None, "week"),  # arguments without their command
        Rsvp(12, going=None),
    ):
        assert not unreadable.fits(), unreadable
        with pytest.raises(ValueError, match="64 bytes"):
            unreadable.pack()
    assert MeetingCheckin(10**18 - 1).pack() == "mc:" + "9" * 18


@dataclass
class World:
    """A branch with a member, another branch, a published module, a meeting, a leave
    request, a quiz under way and a file held for import."""

    branch: int
    occurrence: int
    leave: int
    attempt: int
    draft: int


@pytest.fixture
async def world(harness):
    branch = await harness.setup_branch()
    await harness.setup_branch(GROUP2)
    await harness.press("roster:join", chat=GROUP, user=MEMBER)
    await harness.say("/help", chat=GROUP, user=OTHER)
    await send_file(harness, gift_of(3), "学习.gift")
    await harness.say("/publish 1", chat=GROUP, user=ADMIN)
    _, occurrence = await add_meeting(harness, "group 2031-03-05 19:30")
    await harness.say(f"/leave {occurrence} 出差", chat=GROUP, user=MEMBER)
    await harness.say(f"/start m1b{branch.id}", chat=MEMBER, user=MEMBER)
    await harness.press(f"qs:1:{branch.id}", chat=MEMBER, user=MEMBER)
    (asked,) = await upload(harness, gift_of(2))
    held = unpack(choices(asked)[0][1])
    db = harness.services.storage.db
    leave = (await db.fetch_one("SELECT id FROM leaves"))[0]
    attempt = (await db.fetch_one("SELECT id FROM quiz_attempts"))[0]
    return World(branch.id, occurrence, leave, attempt, held.draft_id)


# (data, chat, presser, refusal, its parameters): each pressed where, or by whom, it is not for.
REFUSED = [
    ("ci", MEMBER, MEMBER, "button.stale", {}),
    ("cip:0", MEMBER, MEMBER, "button.stale", {}),
    ("mc:{occurrence}", GROUP2, STRANGER, "button.stale", {}),
    ("rsvp:{occurrence}:y", STRANGER, STRANGER, "button.not_member", {}),
    ("rsvp:{occurrence}:n", GROUP2, OTHER, "button.stale", {}),
    ("lv:{leave}:a", MEMBER, MEMBER, "leave.decide_refused", {}),
    ("lv:{leave}:d", STRANGER, STRANGER, "button.not_member", {}),
    ("ma:1:20310305:1930:2:0:ok", GROUP, MEMBER, "access.secretary", {"command": "meeting_add"}),
    ("ma:x", MEMBER, MEMBER, "button.stale", {}),
    ("mx:{occurrence}:one", GROUP, MEMBER, "access.secretary", {"command": "meeting_cancel"}),
    ("mx:{occurrence}:all", GROUP2, ADMIN, "button.stale", {}),
    ("mx:{occurrence}:keep", ADMIN, ADMIN, "button.stale", {}),
    ("roster:join", MEMBER, MEMBER, "button.stale", {}),
    ("forget:yes", GROUP, MEMBER, "button.stale", {}),
    ("qs:1:{branch}", STRANGER, STRANGER, "button.not_member", {}),
    ("qs:1:{branch}", GROUP, MEMBER, "button.stale", {}),
    ("qa:{attempt}:0:0", OTHER, OTHER, "button.stale", {}),
    ("qm:{attempt}:0:1:s", OTHER, OTHER, "button.stale", {}),
    ("stp:{branch}:1", STRANGER, STRANGER, "button.not_member", {}),
    ("stp:{branch}:1", GROUP2, STRANGER, "button.stale", {}),
    ("imp:{draft}:{branch}", MEMBER, MEMBER, "button.stale", {}),
    ("impp:{draft}:0", MEMBER, MEMBER, "button.stale", {}),
    ("pb:{branch}:report", MEMBER, MEMBER, "access.secretary", {"command": "report"}),
    ("pb:{branch}:me", STRANGER, STRANGER, "button.not_member", {}),
    ("pb:{branch}", STRANGER, STRANGER, "button.not_member", {}),
    ("stm:report:", GROUP, MEMBER, "send_to_me.secretary_only", {}),
    ("stm:export:", MEMBER, MEMBER, "button.stale", {}),
]


@pytest.mark.parametrize(
    ("data", "chat", "presser", "key", "params"),
    REFUSED,
    ids=[f"{data}-{presser.first_name}-in-{chat.id}" for data, chat, presser, *_ in REFUSED],
)
async def test_a_press_it_is_not_for_gets_one_alert_and_changes_nothing(
    world, harness, data, chat, presser, key, params
):
    before = await snapshot(harness)
    chosen = await harness.services.storage.users.get(presser.id)
    calls = await harness.press(data.format(**vars(world)), chat=chat, user=presser)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert calls[0].params["show_alert"] is True
    # An alert is seen by the presser alone: in their language, else the chat's (zh).
    language = language_of(presser.language_code) or "zh"
    assert calls[0].text == harness.services.catalogs.words(language)(key, **params)
    assert await snapshot(harness) == before
    after = await harness.services.storage.users.get(presser.id)
    assert (after.private_branch_id if after else None) == (
        chosen.private_branch_id if chosen else None
    )


@pytest.mark.parametrize(
    ("payload", "key"),
    [
        ("b{branch}", "start.not_member"),
        ("m1b{branch}", "start.not_member"),
        ("b999", "start.unknown_branch"),
        ("b０", "start.bad_link"),
        ("m1b{branch}x", "start.bad_link"),
    ],
)
async def test_a_start_link_passes_the_same_gate(world, harness, payload, key):
    before = await snapshot(harness)
    link = payload.format(**vars(world))
    (answer,) = await harness.say(f"/start {link}", chat=STRANGER, user=STRANGER)
    assert answer.text == harness.services.catalogs.words("en")(key)
    assert await snapshot(harness) == before
    assert (await harness.services.storage.users.get(STRANGER.id)).private_branch_id is None


async def test_buttons_of_a_retired_branch_are_stale(world, harness):
    await harness.services.branches.deactivate_chat(GROUP.id, "test")
    before = await snapshot(harness)
    for data, chat in (("ci", GROUP), (f"stp:{world.branch}:1", MEMBER)):
        (alert,) = await harness.press(data, chat=chat, user=MEMBER)
        assert alert.text == harness.services.catalogs.words("zh")("button.stale")
    assert await snapshot(harness) == before
