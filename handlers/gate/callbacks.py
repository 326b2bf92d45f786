"""Callback data: one small typed class per button kind, packed and read only here.

A button's data is its kind's prefix and then its fields, joined by ``:`` (``rsvp:12:y``).
Telegram hands back whatever a client sends, up to 64 bytes, so every field is read strictly:
ASCII digits only, ids of 1 to 18 digits, choices from their table, and anything else reads
as None. Each kind also declares what a press needs (``NEEDS``): the button gate checks it
before the feature sees the typed data.

The classes hold data only (no Telegram, no services), so keyboards import them to build
their buttons.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, time
from typing import Any, ClassVar, Protocol, Self

from bot.commands import COMMANDS, Access, Named, Needs, Where
from bot.config import MEETING_TYPES
from bot.meeting_flow import REMINDERS, REPEATS, STEPS
from bot.meetings import MAX_YEAR, MIN_YEAR
from bot.module_formats.model import QUESTION_OPTIONS_MAX

MAX_BYTES = 64  # of callback data, as Telegram takes it
SEPARATOR = ":"
_UNREAD = object()  # a field's text that does not read


class Field(Protocol):
    """How one field reads from its text and shows as text."""

    def read(self, text: str) -> Any:
        """The value, or ``_UNREAD``."""

    def show(self, value: Any) -> str:
        """The text (``ValueError`` or ``TypeError`` for a value it cannot show)."""


@dataclass(frozen=True)
class Digits:
    """A number of at most ``most`` ASCII digits.

    Attributes:
        most: how many digits at most.
        below: values must be less (an index into a table, a bit mask).
        natural: a row id: no leading zero, so at least 1.
    """

    most: int
    below: int | None = None
    natural: bool = False

    def read(self, text: str) -> Any:
        """The number, or ``_UNREAD``."""
        if not (text.isascii() and text.isdigit() and len(text) <= self.most):
            return _UNREAD
        if self.natural and text.startswith("0"):
            return _UNREAD
        value = int(text)
        return _UNREAD if self.below is not None and value >= self.below else value

    def show(self, value: Any) -> str:
        """The number in ASCII digits."""
        if not isinstance(value, int):
            raise TypeError(f"not a number: {value!r}")
        return str(value)


@dataclass(frozen=True)
class Choice:
    """One of a table of words, each standing for a value."""

    words: dict[str, Any]

    def read(self, text: str) -> Any:
        """The word's value, or ``_UNREAD``."""
        return self.words.get(text, _UNREAD)

    def show(self, value: Any) -> str:
        """The word for the value."""
        for word, meant in self.words.items():
            if meant == value and type(meant) is type(value):
                return word
        raise ValueError(f"no word for {value!r}")


@dataclass(frozen=True)
class Text:
    """Free text to the end of the data (a command's arguments); empty only if ``empty``."""

    empty: bool = False

    def read(self, text: str) -> Any:
        """The text itself, or ``_UNREAD`` if empty and that is not allowed."""
        return text if text or self.empty else _UNREAD

    def show(self, value: Any) -> str:
        """The text itself."""
        if not isinstance(value, str):
            raise TypeError(f"not a text: {value!r}")
        return value


class Day:
    """A date as ``YYYYMMDD``, in the years a meeting may take."""

    def read(self, text: str) -> Any:
        """The date, or ``_UNREAD``."""
        if not (len(text) == 8 and text.isascii() and text.isdigit()):
            return _UNREAD
        try:
            day = date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return _UNREAD
        return day if MIN_YEAR <= day.year <= MAX_YEAR else _UNREAD

    def show(self, value: Any) -> str:
        """``YYYYMMDD``."""
        if not isinstance(value, date):
            raise TypeError(f"not a date: {value!r}")
        return f"{value.year:04d}{value.month:02d}{value.day:02d}"


class Clock:
    """A time of day as ``HHMM``."""

    def read(self, text: str) -> Any:
        """The time, or ``_UNREAD``."""
        if not (len(text) == 4 and text.isascii() and text.isdigit()):
            return _UNREAD
        try:
            return time(int(text[:2]), int(text[2:]))
        except ValueError:
            return _UNREAD

    def show(self, value: Any) -> str:
        """``HHMM``."""
        if not isinstance(value, time):
            raise TypeError(f"not a time: {value!r}")
        return f"{value.hour:02d}{value.minute:02d}"


ID = Digits(18, natural=True)  # SQLite's integers, as ids
PAGE = Digits(4)  # a page of a paged keyboard, as far as it goes
POSITION = Digits(4)  # a question's place in a quiz
OPTION = Digits(2, below=QUESTION_OPTIONS_MAX)
MASK = Digits(4, below=1 << QUESTION_OPTIONS_MAX)  # the options toggled on, one bit each
YES_NO = Choice({"y": True, "n": False})


def _index(count: int) -> dict[str, Any]:
    """Words ``0``, ``1``, … for the indexes of a table of ``count``."""
    return {str(i): i for i in range(count)}


class CallbackData:
    """A button kind: its prefix, its fields and what a press needs.

    A kind is a frozen dataclass with a ``prefix=`` class keyword, ``FIELDS`` (how each of its
    fields reads and shows, in order) and ``NEEDS``. Trailing fields left at their defaults
    are not written, and read back as the defaults.
    """

    prefix: ClassVar[str]
    FIELDS: ClassVar[tuple[Field, ...]] = ()
    NEEDS: ClassVar[Needs]
    _kinds: ClassVar[dict[str, type[CallbackData]]] = {}

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        """Register the kind under its prefix (one kind a prefix)."""
        super().__init_subclass__(**kwargs)
        if prefix in CallbackData._kinds or (cls.FIELDS and SEPARATOR in prefix):
            raise TypeError(f"prefix {prefix!r} taken, or a fielded prefix holding ':'")
        cls.prefix = prefix
        CallbackData._kinds[prefix] = cls

    def needs(self) -> Needs:
        """What a press of this button needs (the kind's, unless the data says more)."""
        return self.NEEDS

    def _data(self) -> str:
        specs = dataclasses.fields(self)  # type: ignore[arg-type]
        values = [getattr(self, spec.name) for spec in specs]
        written = len(values)
        while written and values[written - 1] == specs[written - 1].default:
            written -= 1
        shown = [field.show(v) for field, v in zip(self.FIELDS, values[:written], strict=False)]
        return SEPARATOR.join([self.prefix, *shown])

    def fits(self) -> bool:
        """Whether the data packs: within 64 bytes, and read back as it is."""
        try:
            return unpack(self._data()) == self
        except (ValueError, TypeError):
            return False

    def pack(self) -> str:
        """The button's callback data.

        Raises:
            ValueError: it does not fit in 64 bytes, or a field is out of its range.
        """
        if not self.fits():
            raise ValueError(f"{self!r} does not pack into {MAX_BYTES} bytes of callback data")
        return self._data()

    @classmethod
    def pattern(cls) -> str:
        """The anchored pattern of this kind's data, for its ``CallbackQueryHandler``."""
        return f"^{re.escape(cls.prefix)}" + (SEPARATOR if cls.FIELDS else "$")

    @classmethod
    def _read(cls, rest: str | None) -> Self | None:
        """The fields after the prefix (None: there was nothing after it)."""
        if rest is None:
            return None if cls.FIELDS else cls()
        if not cls.FIELDS:
            return None
        specs = dataclasses.fields(cls)  # type: ignore[arg-type]
        texts = rest.split(SEPARATOR, len(cls.FIELDS) - 1)
        values = {}
        for spec, field, text in zip(specs, cls.FIELDS, texts, strict=False):
            value = field.read(text)
            if value is _UNREAD:
                return None
            values[spec.name] = value
        if any(spec.default is dataclasses.MISSING for spec in specs[len(texts) :]):
            return None
        data = cls(**values)
        return data if data.valid() else None

    def valid(self) -> bool:
        """Whether the fields, each read well, make sense together."""
        return True


def unpack(data: str | None) -> CallbackData | None:
    """The typed data of a button; None for anything malformed, unknown or too long."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    kinds = CallbackData._kinds
    if data in kinds:
        return kinds[data]._read(None)
    prefix, _, rest = data.partition(SEPARATOR)
    kind = kinds.get(prefix)
    return kind._read(rest) if kind is not None else None


# -- check-in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DailyCheckin(CallbackData, prefix="ci"):
    """The daily check-in post's button."""

    NEEDS = Needs(Where.GROUP)


@dataclass(frozen=True)
class CheckinPage(CallbackData, prefix="cip"):
    """◀ ▶ under the choice of meetings to check in to."""

    page: int
    FIELDS = (PAGE,)
    NEEDS = Needs(Where.GROUP)


@dataclass(frozen=True)
class MeetingCheckin(CallbackData, prefix="mc"):
    """A meeting's check-in post's button."""

    occurrence_id: int
    FIELDS = (ID,)
    NEEDS = Needs(Where.GROUP, branch=Named.OCCURRENCE)


# -- meetings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rsvp(CallbackData, prefix="rsvp"):
    """A reminder's going / cannot come (in the group, or in a private nudge)."""

    occurrence_id: int
    going: bool
    FIELDS = (ID, YES_NO)
    NEEDS = Needs(Where.BOTH, branch=Named.OCCURRENCE)


@dataclass(frozen=True)
class LeaveDecision(CallbackData, prefix="lv"):
    """A secretary's approve / decline of a leave request (sent privately)."""

    leave_id: int
    approve: bool
    FIELDS = (ID, Choice({"a": True, "d": False}))
    NEEDS = Needs(
        Where.PRIVATE, branch=Named.LEAVE, access=Access.SECRETARY, refusal="leave.decide_refused"
    )


@dataclass(frozen=True)
class MeetingCancel(CallbackData, prefix="mx"):
    """``/meeting_cancel``'s question about an occurrence of a series.

    Cancel this one (``one``), it and the rest of the series (``series``), or keep it.
    """

    occurrence_id: int
    choice: str
    FIELDS = (ID, Choice({"one": "one", "all": "series", "keep": "keep"}))
    NEEDS = Needs(
        Where.GROUP, branch=Named.OCCURRENCE, access=Access.SECRETARY, command="meeting_cancel"
    )


@dataclass(frozen=True)
class LeaveStart(CallbackData, prefix="lvs"):
    """Ask for leave in private: the meetings to choose from are listed there."""

    NEEDS = Needs(Where.PRIVATE)


@dataclass(frozen=True)
class LeaveChoice(CallbackData, prefix="lvc"):
    """The meeting chosen to ask leave for: its reason is asked next, with a reply prompt."""

    occurrence_id: int
    FIELDS = (ID,)
    NEEDS = Needs(Where.PRIVATE, branch=Named.OCCURRENCE)


@dataclass(frozen=True)
class LeaveWithdraw(CallbackData, prefix="lvw"):
    """The member's withdrawal of their pending leave request (under its confirmation)."""

    leave_id: int
    FIELDS = (ID,)
    NEEDS = Needs(
        Where.BOTH, branch=Named.LEAVE, made_for=Named.LEAVE, not_yours="leave.not_yours"
    )


@dataclass(frozen=True)
class MeetingFlow(CallbackData, prefix="ma"):
    """A step of the guided ``/meeting_add``: the choices so far, which the buttons carry.

    ``type`` None is the cancel button (``ma:x``). Carrying the choices needs no state on the
    server, so the flow survives a restart.
    """

    type: int | None
    day: date | None = None
    at: time | None = None
    repeat: int | None = None
    remind: int | None = None
    confirmed: bool = False
    FIELDS = (
        Choice({"x": None} | _index(len(MEETING_TYPES))),
        Day(),
        Clock(),
        Choice(_index(len(REPEATS))),
        Choice(_index(len(REMINDERS))),
        Choice({"ok": True}),
    )
    NEEDS = Needs(Where.GROUP, access=Access.SECRETARY, command="meeting_add")

    @property
    def step(self) -> str:
        """The next choice to offer (``confirm`` once all are made)."""
        for name in STEPS:
            if getattr(self, name) is None:
                return name
        return "confirm"

    def back_to(self, step: str) -> MeetingFlow:
        """The flow with the choice of ``step`` and every later one undone."""
        undone = dict.fromkeys(STEPS[STEPS.index(step) :])
        return dataclasses.replace(self, confirmed=False, **undone)

    def valid(self) -> bool:
        """Cancel carries nothing; only a finished flow is confirmed."""
        if self.type is None:
            return self == MeetingFlow(None)
        return not self.confirmed or self.step == "confirm"


# -- members ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterJoin(CallbackData, prefix="roster:join"):
    """The roll-call button: the presser joins the roster."""

    NEEDS = Needs(Where.GROUP)


@dataclass(frozen=True)
class Forget(CallbackData, prefix="forget"):
    """``/forget``'s confirmation: delete, or keep everything."""

    confirmed: bool
    FIELDS = (Choice({"yes": True, "no": False}),)
    NEEDS = Needs(Where.PRIVATE)


# -- study and the private quiz ---------------------------------------------------------------


@dataclass(frozen=True)
class QuizStart(CallbackData, prefix="qs"):
    """A module's button that starts (or resumes) its quiz, for the branch the link named."""

    module_id: int
    branch_id: int
    FIELDS = (ID, ID)
    NEEDS = Needs(Where.PRIVATE, branch=Named.BRANCH)


@dataclass(frozen=True)
class QuizAnswer(CallbackData, prefix="qa"):
    """An answer button of a single-answer question."""

    attempt_id: int
    position: int
    option: int
    FIELDS = (ID, POSITION, OPTION)
    NEEDS = Needs(Where.PRIVATE, branch=Named.ATTEMPT, made_for=Named.ATTEMPT)


@dataclass(frozen=True)
class QuizToggle(CallbackData, prefix="qm"):
    """A toggle of a several-answer question (``option`` None: the submit), with the selection."""

    attempt_id: int
    position: int
    mask: int
    option: int | None
    FIELDS = (ID, POSITION, MASK, Choice({"s": None} | _index(QUESTION_OPTIONS_MAX)))
    NEEDS = Needs(Where.PRIVATE, branch=Named.ATTEMPT, made_for=Named.ATTEMPT)


@dataclass(frozen=True)
class StudyPage(CallbackData, prefix="stp"):
    """◀ ▶ under a branch's module list (in its group, or in private)."""

    branch_id: int
    page: int
    FIELDS = (ID, PAGE)
    NEEDS = Needs(Where.BOTH, branch=Named.BRANCH)


@dataclass(frozen=True)
class ImportChoice(CallbackData, prefix="imp"):
    """A branch button under a privately sent file: import it there."""

    draft_id: int
    branch_id: int
    FIELDS = (ID, ID)
    NEEDS = Needs(
        Where.PRIVATE,
        branch=Named.BRANCH,
        access=Access.SECRETARY,
        made_for=Named.DRAFT,
        command="import",
    )


@dataclass(frozen=True)
class ImportPage(CallbackData, prefix="impp"):
    """◀ ▶ under the branch buttons of a privately sent file."""

    draft_id: int
    page: int
    FIELDS = (ID, PAGE)
    NEEDS = Needs(Where.PRIVATE, made_for=Named.DRAFT)


# -- the branch a private command is for, and reports -----------------------------------------


_COMMANDS = {spec.name: spec for spec in COMMANDS}


@dataclass(frozen=True)
class BranchChoice(CallbackData, prefix="pb"):
    """A branch button of a private command: choose the branch, then run the command.

    Without a command (its arguments did not fit) it only chooses.
    """

    branch_id: int
    command: str | None = None
    args: str | None = None
    FIELDS = (ID, Choice({name: name for name in _COMMANDS}), Text())
    NEEDS = Needs(Where.PRIVATE, branch=Named.BRANCH)

    def needs(self) -> Needs:
        """A secretary's command needs a secretary of the branch."""
        spec = _COMMANDS.get(self.command or "")
        if spec is None or spec.access is Access.MEMBER:
            return self.NEEDS
        return dataclasses.replace(self.NEEDS, access=spec.access, command=spec.name)

    def valid(self) -> bool:
        """Arguments come with a command."""
        return self.command is not None or self.args is None

    @classmethod
    def pattern_for(cls, command: str | None) -> str:
        """The pattern of the buttons that run ``command`` (None: those that only choose)."""
        branch = f"^{cls.prefix}{SEPARATOR}[^{SEPARATOR}]*"
        return f"{branch}$" if command is None else f"{branch}{SEPARATOR}{command}(:|$)"


@dataclass(frozen=True)
class SendToMe(CallbackData, prefix="stm"):
    """An anonymous admin's ``/report`` or ``/export``: whoever presses it gets it, if allowed."""

    command: str
    args: str
    FIELDS = (Choice({"report": "report", "export": "export"}), Text(empty=True))
    NEEDS = Needs(Where.GROUP, access=Access.SECRETARY, refusal="send_to_me.secretary_only")
