"""The command table: where each command works and who may use it.

It drives the gate in front of every command, ``/help`` and the command menus, so the three
can never disagree. Buttons and start links declare what they need in the same words
(``Needs``), and the same gate checks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum


class Access(IntEnum):
    """What a user may do in a chat; each level includes the ones below it."""

    MEMBER = 1
    SECRETARY = 2
    OPERATOR = 3


class Where(Enum):
    """The chats a command works in."""

    PRIVATE = "private"
    GROUP = "group"
    BOTH = "both"

    def allows(self, private: bool) -> bool:
        """Whether the command works in a private chat (``private``) or a group."""
        return self is Where.BOTH or (self is Where.PRIVATE) == private


class Named(Enum):
    """A record a button or link names, by the field holding its id."""

    BRANCH = "branch_id"
    OCCURRENCE = "occurrence_id"
    LEAVE = "leave_id"
    ATTEMPT = "attempt_id"
    DRAFT = "draft_id"


@dataclass(frozen=True)
class Needs:
    """What a button press or a start link needs before its feature runs.

    Attributes:
        where: the chats it works in.
        branch: the record whose branch it acts for; None: the group it is pressed in (in
            private, no branch). Pressed in a group, it acts for that group's branch only.
        access: MEMBER (of that branch, or its secretary) or SECRETARY.
        made_for: the record whose user alone may use it (a quiz attempt, a held file).
        command: the command it belongs to, named when the access is refused.
        refusal: the catalog key said then, if not ``access.<level>``.
        not_yours: the catalog key said to another user pressing a button ``made_for``
            someone, if not ``button.stale``.
    """

    where: Where
    branch: Named | None = None
    access: Access = Access.MEMBER
    made_for: Named | None = None
    command: str = ""
    refusal: str = ""
    not_yours: str = ""

    def __post_init__(self) -> None:
        """Operators act by command only: no button or link asks for them."""
        if self.access is Access.OPERATOR:
            raise ValueError("a button or link needs MEMBER or SECRETARY access")


@dataclass(frozen=True)
class CommandSpec:
    """One command: its name, where it works, who may use it, and whether it needs a branch.

    ``needs_branch`` is about groups: there the group must be a registered branch. In private
    a command finds its branch itself (the chosen one, or buttons). ``before_branch``: only
    for a group that is not a branch yet (``/setup``), so a branch's menu leaves it out.
    """

    name: str
    where: Where
    access: Access
    needs_branch: bool = False
    before_branch: bool = False

    @property
    def summary_key(self) -> str:
        """Catalog key of the one-line description shown in /help and the menus."""
        return f"cmd.{self.name}"


START = CommandSpec("start", Where.BOTH, Access.MEMBER)
HELP = CommandSpec("help", Where.BOTH, Access.MEMBER)
SETUP = CommandSpec("setup", Where.GROUP, Access.SECRETARY, before_branch=True)
SETTINGS = CommandSpec("settings", Where.GROUP, Access.SECRETARY, needs_branch=True)
ROLE = CommandSpec("role", Where.GROUP, Access.SECRETARY, needs_branch=True)
ROSTER = CommandSpec("roster", Where.GROUP, Access.SECRETARY, needs_branch=True)
ORG_ADD = CommandSpec("org_add", Where.PRIVATE, Access.OPERATOR)
IMPORT = CommandSpec("import", Where.BOTH, Access.SECRETARY, needs_branch=True)
PUBLISH = CommandSpec("publish", Where.GROUP, Access.SECRETARY, needs_branch=True)
GROUP_QUIZ = CommandSpec("quiz", Where.GROUP, Access.SECRETARY, needs_branch=True)
REPORT = CommandSpec("report", Where.BOTH, Access.SECRETARY, needs_branch=True)
EXPORT = CommandSpec("export", Where.BOTH, Access.SECRETARY, needs_branch=True)
BACKUP = CommandSpec("backup", Where.PRIVATE, Access.OPERATOR)
BRANCHES = CommandSpec("branches", Where.PRIVATE, Access.OPERATOR)
FORGET = CommandSpec("forget", Where.PRIVATE, Access.MEMBER)
TOP = CommandSpec("top", Where.GROUP, Access.MEMBER, needs_branch=True)
CHECKIN = CommandSpec("checkin", Where.GROUP, Access.MEMBER, needs_branch=True)
ME = CommandSpec("me", Where.BOTH, Access.MEMBER)
POINTS = CommandSpec("points", Where.BOTH, Access.MEMBER)
MEETINGS = CommandSpec("meetings", Where.BOTH, Access.MEMBER)
LEAVE = CommandSpec("leave", Where.BOTH, Access.MEMBER)
STUDY = CommandSpec("study", Where.BOTH, Access.MEMBER)
MEETING_ADD = CommandSpec("meeting_add", Where.GROUP, Access.SECRETARY, needs_branch=True)
MEETING_CANCEL = CommandSpec("meeting_cancel", Where.GROUP, Access.SECRETARY, needs_branch=True)
MEETING_NOTES = CommandSpec("meeting_notes", Where.GROUP, Access.SECRETARY, needs_branch=True)
ATTENDANCE = CommandSpec("attendance", Where.GROUP, Access.SECRETARY, needs_branch=True)
CHECKIN_OPEN = CommandSpec("checkin_open", Where.GROUP, Access.SECRETARY, needs_branch=True)

COMMANDS: tuple[CommandSpec, ...] = (
    START,
    HELP,
    CHECKIN,
    ME,
    POINTS,
    MEETINGS,
    LEAVE,
    STUDY,
    TOP,
    FORGET,
    SETUP,
    SETTINGS,
    ROLE,
    ROSTER,
    MEETING_ADD,
    MEETING_CANCEL,
    MEETING_NOTES,
    ATTENDANCE,
    CHECKIN_OPEN,
    IMPORT,
    PUBLISH,
    GROUP_QUIZ,
    REPORT,
    EXPORT,
    ORG_ADD,
    BRANCHES,
    BACKUP,
)


# Commands about the sender as a person: an anonymous admin or a channel has no such record.
PERSON_ONLY = frozenset({CHECKIN.name, ME.name, POINTS.name, LEAVE.name})


def available(
    access: Access, *, private: bool, registered: bool, person: bool = True
) -> list[CommandSpec]:
    """Return the commands a user with ``access`` may use in this kind of chat.

    Args:
        access: the user's access in the chat.
        private: whether the chat is the user's private chat with the bot.
        registered: whether a branch is in scope (commands that need one are hidden before).
        person: whether the sender is a person (not an anonymous admin or a channel).
    """
    return [
        spec
        for spec in COMMANDS
        if spec.where.allows(private)
        and spec.access <= access
        and (registered or private or not spec.needs_branch)
        and not (registered and spec.before_branch)
        and (person or spec.name not in PERSON_ONLY)
    ]
