"""A fake Telegram Bot API server on 127.0.0.1 for the real Application to talk to.

It answers ``/bot<token>/<method>`` with Bot API response shapes, checks every request
against the official method table (unknown, missing and mistyped parameters are recorded as
problems, which fail the test), records every call, and plays queued failures.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.factories import member_object

# Method → parameter → {types, required}, extracted from the official Bot API 10.0 table.
API_METHODS = Path(__file__).with_name("botapi_methods.json")
BOT_ID = 5000000001
BOT_USERNAME = "branch_test_bot"

# Telegram's limits on what a message carries (Bot API 10.0): a breach is answered with 400,
# as Telegram does, and recorded as a problem, which fails the test.
TEXT_MAX = 4096  # UTF-16 code units, like Telegram counts
CAPTION_MAX = 1024
CALLBACK_ANSWER_MAX = 200
KEYBOARD_BUTTONS_MAX = 100
ROW_BUTTONS_MAX = 8
CALLBACK_DATA_MAX = 64  # bytes of UTF-8
TEXT_METHODS = frozenset({"sendMessage", "editMessageText"})
CAPTION_METHODS = frozenset({"sendPhoto", "sendDocument", "editMessageCaption"})


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def limit_breach(method: str, params: dict[str, Any]) -> str | None:
    """What Telegram would refuse in this call's text, caption or keyboard, if anything."""
    if method in TEXT_METHODS:
        text = str(params.get("text", ""))
        if "text" in params and not text.strip():
            return "message text is empty"
        if _utf16(text) > TEXT_MAX:
            return f"message is too long ({_utf16(text)} > {TEXT_MAX})"
    if method in CAPTION_METHODS and _utf16(str(params.get("caption", ""))) > CAPTION_MAX:
        return "message caption is too long"
    if method == "answerCallbackQuery" and len(str(params.get("text", ""))) > CALLBACK_ANSWER_MAX:
        return "callback answer text is too long"
    markup = params.get("reply_markup")
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if rows is not None:
        if sum(len(row) for row in rows) > KEYBOARD_BUTTONS_MAX:
            return f"reply markup is too long ({sum(len(row) for row in rows)} buttons)"
        for row in rows:
            if len(row) > ROW_BUTTONS_MAX:
                return f"too many buttons in a row ({len(row)})"
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_MAX:
                    return f"BUTTON_DATA_INVALID ({data!r})"
    return None


# Calls a user would see; each must be read by the test (see Harness.assert_all_read).
VISIBLE = frozenset(
    {
        "sendMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "answerCallbackQuery",
        "setMessageReaction",
        "sendDocument",
        "sendPhoto",
        "sendPoll",
        "deleteMessage",
    }
)


def _load_methods(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """Method name → parameter name → {types, required}."""
    return json.loads(path.read_text(encoding="utf-8"))["methods"]


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    at: float
    read: bool = False
    result: Any = None

    @property
    def chat_id(self) -> Any:
        """The chat the call addressed, if any."""
        return self.params.get("chat_id")

    @property
    def text(self) -> str:
        """The text (or callback answer text) of the call."""
        return str(self.params.get("text", ""))


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded (shown by size, not content)."""

    name: str
    content: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f"Upload({self.name!r}, {len(self.content)} bytes)"


@dataclass
class Hold:
    """Matching calls after the first ``after`` wait until ``release`` is set."""

    method: str
    after: int
    match: Callable[[dict[str, Any]], bool]
    release: asyncio.Event = field(default_factory=asyncio.Event)
    seen: int = 0
    waiting: int = 0


@dataclass
class Failure:
    """A queued error answer for a method."""

    method: str
    status: int
    body: dict[str, Any]
    match: Callable[[dict[str, Any]], bool] = field(default=lambda params: True)
    cut: bool = False  # no answer: the connection is cut once the request arrived


class FakeTelegram:
    """The fake server; use as an async context manager."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.methods = _load_methods(API_METHODS)
        self.calls: list[Call] = []
        self.counts: Counter[str] = Counter()  # calls per method, for waits over many calls
        self.problems: list[str] = []
        self.admins: dict[int, list[int]] = {}
        self.bot_status: dict[int, str] = {}
        self.files: dict[str, bytes] = {}  # file_id → content, served by getFile
        self.downloads: list[str] = []
        self._failures: deque[Failure] = deque()
        self._holds: list[Hold] = []
        # Telegram's send limits (30 a second overall, 20 a minute per group), answered with
        # 429 when exceeded; off unless a benchmark turns them on.
        # Random faults: (share of matching calls, rng, which calls); see ``inject_faults``.
        self._faults: tuple[float, random.Random, Callable[[str, dict[str, Any]], bool]] | None = (
            None
        )
        self.cut: list[Call] = []  # calls received whose connection was then cut
        self.enforce_rates = False
        self.rate_limited = 0
        self.keep_uploads = True
        self._sent_at: deque[float] = deque()
        self._group_sent_at: dict[int, deque[float]] = {}
        self._updates: list[dict[str, Any]] = []
        self._answered: set[str] = set()  # callback queries answered: Telegram takes one answer
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._poll_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.port = 0

    async def __aenter__(self) -> FakeTelegram:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/documents/{file_id}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # noqa: SLF001
        return self

    async def __aexit__(self, *exc: object) -> None:
        async with self._changed:
            self._closing = True  # ends any long poll still waiting
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        """The URL to give PTB as ``base_url``."""
        return f"http://127.0.0.1:{self.port}/bot"

    # -- scripting ---------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        match: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        """Answer the next matching call of ``method`` with a Bot API error."""
        parameters = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        body: dict[str, Any] = {"ok": False, "error_code": error_code, "description": description}
        if parameters:
            body["parameters"] = parameters
        self._failures.append(Failure(method, error_code, body, match or (lambda params: True)))

    def cut_next(
        self, method: str, *, match: Callable[[dict[str, Any]], bool] | None = None
    ) -> None:
        """Cut the connection of the next matching call once it arrived: it may have been
        delivered and the bot cannot know, as after a read timeout."""
        self._failures.append(Failure(method, 0, {}, match or (lambda params: True), cut=True))

    def inject_faults(
        self, share: float, *, seed: int, match: Callable[[str, dict[str, Any]], bool]
    ) -> None:
        """Fail a random ``share`` of matching calls: 429, 500, 502, or the connection cut after
        the request arrived (so it may have been delivered, and the bot cannot know)."""
        self._faults = (share, random.Random(seed), match)  # noqa: S311 - test faults

    def _fault(self, method: str, params: dict[str, Any]) -> str | None:
        if self._faults is None:
            return None
        share, rng, match = self._faults
        if not match(method, params) or rng.random() >= share:
            return None
        return rng.choice(["429", "500", "502", "cut"])

    def hold(self, method: str, *, after: int, match: Callable[[dict[str, Any]], bool]) -> Hold:
        """Keep matching calls beyond the first ``after`` waiting until the hold is released."""
        hold = Hold(method, after, match)
        self._holds.append(hold)
        return hold

    async def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for the bot's next getUpdates."""
        update = {**update, "update_id": next(self._update_ids)}
        async with self._changed:
            self._updates.append(update)
            self._changed.notify_all()

    async def wait_until(self, condition: Callable[[], bool], within: float = 20.0) -> None:
        """Wait (on an event, not a sleep) until a condition on the fake's state holds."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(condition)

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] = lambda call: True,
        within: float = 10.0,
    ) -> Call:
        """Wait (on an event, not a sleep) until the bot makes a matching call."""

        def found() -> Call | None:
            return next((c for c in self.calls if c.method == method and predicate(c)), None)

        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: found() is not None)
        call = found()
        assert call is not None
        return call

    def of(self, method: str) -> list[Call]:
        """Every call of a method."""
        return [call for call in self.calls if call.method == method]

    # -- serving -----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        raw = dict(await request.post()) if request.can_read_body else {}
        uploads = {k: v for k, v in raw.items() if isinstance(v, web.FileField)}
        params = self._check(method, {k: v for k, v in raw.items() if isinstance(v, str)}, uploads)
        call = Call(method, params, time.monotonic())
        for hold in self._holds:
            if hold.method == method and hold.match(params) and not hold.release.is_set():
                hold.seen += 1
                if hold.seen > hold.after:
                    hold.waiting += 1
                    async with self._changed:
                        self._changed.notify_all()
                    await hold.release.wait()
        async with self._changed:
            self.calls.append(call)
            self.counts[method] += 1
            self._changed.notify_all()
        fault = self._fault(method, params)
        if fault == "cut":
            return self._cut(request, call)
        if fault is not None:
            status = int(fault)
            body: dict[str, Any] = {
                "ok": False,
                "error_code": status,
                "description": f"fault {status}",
            }
            if status == 429:
                body["parameters"] = {"retry_after": 1}
            return web.json_response(body, status=status)
        limited = self._over_rate(method, params)
        if limited is not None:
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {limited}",
                    "parameters": {"retry_after": limited},
                },
                status=429,
            )
        breach = limit_breach(method, params)
        if method == "answerCallbackQuery":
            query_id = str(params.get("callback_query_id"))
            if query_id in self._answered:
                breach = "query is too old and response timeout expired or query ID is invalid"
            self._answered.add(query_id)
        if breach is not None:
            self.problems.append(f"{method}: {breach}")
            return web.json_response(
                {"ok": False, "error_code": 400, "description": f"Bad Request: {breach}"},
                status=400,
            )
        for failure in list(self._failures):
            if failure.method == method and failure.match(params):
                self._failures.remove(failure)
                if failure.cut:
                    return self._cut(request, call)
                return web.json_response(failure.body, status=failure.status)
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        result = self._result(method, params)
        call.result = result
        if result is None:
            self.problems.append(f"{method}: the fake does not implement it")
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.json_response({"ok": True, "result": result})

    def _cut(self, request: web.Request, call: Call) -> web.Response:
        self.cut.append(call)
        if request.transport is not None:
            request.transport.close()
        return web.Response()

    def _over_rate(self, method: str, params: dict[str, Any]) -> int | None:
        """Seconds to wait if this send breaks Telegram's rates (when they are enforced)."""
        if not self.enforce_rates or not method.startswith("send"):
            return None
        now = time.monotonic()
        while self._sent_at and now - self._sent_at[0] >= 1:
            self._sent_at.popleft()
        chat_id = int(params.get("chat_id", 0))
        group = self._group_sent_at.setdefault(chat_id, deque()) if chat_id < 0 else deque()
        while group and now - group[0] >= 60:
            group.popleft()
        if len(self._sent_at) >= 30 or len(group) >= 20:
            self.rate_limited += 1
            return 1 if len(group) < 20 else int(60 - (now - group[0])) + 1
        self._sent_at.append(now)
        if chat_id < 0:
            group.append(now)
        return None

    def _check(
        self, method: str, raw: dict[str, str], uploads: dict[str, web.FileField]
    ) -> dict[str, Any]:
        """Decode parameters by their declared types, recording anything the API would reject.

        An uploaded file is given as an ``Upload``, whether it came as the parameter's own
        multipart field or through ``attach://``.
        """
        spec = self.methods.get(method)
        if spec is None:
            self.problems.append(f"{method}: not a Bot API method")
            return dict(raw)
        decoded: dict[str, Any] = {}
        for name, upload in uploads.items():
            attached = next((k for k, v in raw.items() if v == f"attach://{name}"), name)
            raw.pop(attached, None)
            if attached not in spec:
                self.problems.append(f"{method}: unknown file parameter {attached}")
                continue
            content = upload.file.read()
            decoded[attached] = Upload(upload.filename, content if self.keep_uploads else b"")
        for name, value in raw.items():
            if name not in spec:
                self.problems.append(f"{method}: unknown parameter {name}")
                continue
            decoded[name] = self._decode(method, name, spec[name]["types"], value)
        for name, field_spec in spec.items():
            if field_spec.get("required") and name not in raw and name not in decoded:
                self.problems.append(f"{method}: missing required parameter {name}")
        return decoded

    def _decode(self, method: str, name: str, types: list[str], value: str) -> Any:
        if "Integer" in types:
            try:
                return int(value)
            except ValueError:
                if "String" in types:
                    return value
        elif "Boolean" in types:
            if value in ("true", "false"):
                return value == "true"
        elif "Float" in types:
            try:
                return float(value)
            except ValueError:
                pass
        elif types == ["String"]:
            return value
        else:
            try:
                return json.loads(value)
            except ValueError:
                if any(t.startswith("InputFile") or t == "String" for t in types):
                    return value
        self.problems.append(f"{method}: {name}={value!r} is not {' or '.join(types)}")
        return value

    async def _download(self, request: web.Request) -> web.Response:
        content = self.files.get(request.match_info["file_id"])
        self.downloads.append(request.match_info["file_id"])
        if request.match_info["token"] != self.token or content is None:
            return web.Response(status=404)
        return web.Response(body=content)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)

        def ready() -> list[dict[str, Any]]:
            return [u for u in self._updates if u["update_id"] >= offset]

        async with self._changed:
            try:
                async with asyncio.timeout(timeout):
                    await self._changed.wait_for(lambda: bool(ready()) or self._closing)
            except TimeoutError:
                pass
            return ready()

    # -- results -----------------------------------------------------------------------------

    def bot_user(self) -> dict[str, Any]:
        """The bot as getMe describes it."""
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Branch Bot",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    @staticmethod
    def chat(chat_id: int) -> dict[str, Any]:
        """A chat object for an id (negative: group, -100…: supergroup, positive: private)."""
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"user{chat_id}"}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": f"group {chat_id}"}

    def _message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(int(params["chat_id"])),
            "from": self.bot_user(),
            **content,
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup  # a message carries an inline keyboard only
        return message

    def _poll(self, params: dict[str, Any]) -> dict[str, Any]:
        """The sent poll, after checking Telegram's poll limits (a breach is a problem)."""
        options = [o["text"] if isinstance(o, dict) else o for o in params["options"]]
        explanation = params.get("explanation", "")
        correct = params.get("correct_option_ids", [])
        quiz = params.get("type") == "quiz"
        if not (
            1 <= len(params["question"]) <= 300
            and 2 <= len(options) <= 12
            and all(1 <= len(o) <= 100 for o in options)
            and len(explanation) <= 200
            and explanation.count("\n") <= 2
            and (not quiz or (correct and all(0 <= i < len(options) for i in correct)))
        ):
            self.problems.append(f"sendPoll: breaks a poll limit: {params}")
        return {
            "id": f"poll{next(self._poll_ids)}",
            "question": params["question"],
            "options": [
                {"persistent_id": str(i), "text": o, "voter_count": 0}
                for i, o in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": params.get("is_anonymous", True),
            "type": params.get("type", "regular"),
            "allows_multiple_answers": params.get("allows_multiple_answers", False),
            "allows_revoting": False,
            "members_only": False,
        }

    def _member(self, user_id: int, status: str) -> dict[str, Any]:
        user = (
            self.bot_user()
            if user_id == BOT_ID
            else {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}
        )
        return member_object(user, status)

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return self.bot_user()
        if method in ("sendMessage", "editMessageText"):
            return self._message(params, text=params.get("text", ""))
        if method == "getFile" and params.get("file_id") in self.files:
            file_id = params["file_id"]
            return {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_size": len(self.files[file_id]),
                "file_path": f"documents/{file_id}",
            }
        if method == "editMessageReplyMarkup":
            return self._message(params, text="…")
        if method == "sendPhoto":
            size = {"file_id": "ph1", "file_unique_id": "uph1", "width": 800, "height": 450}
            return self._message(params, photo=[size], caption=params.get("caption", ""))
        if method == "sendDocument":
            document = params.get("document")
            name = document.name if isinstance(document, Upload) else "file"
            return self._message(
                params, document={"file_id": "doc1", "file_unique_id": "udoc1", "file_name": name}
            )
        if method == "sendPoll":
            return self._message(params, poll=self._poll(params))
        if method == "getChatAdministrators":
            chat_id = int(params["chat_id"])
            return [self._member(uid, "administrator") for uid in self.admins.get(chat_id, [])]
        if method == "getChatMember":
            chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
            default = "administrator" if user_id in self.admins.get(chat_id, []) else "member"
            status = self.bot_status.get(chat_id, "member") if user_id == BOT_ID else default
            return self._member(user_id, status)
        if method in (
            "answerCallbackQuery",
            "setMyCommands",
            "deleteMyCommands",
            "setMessageReaction",
            "deleteWebhook",
            "setWebhook",
            "deleteMessage",
            "close",
            "logOut",
        ):
            return True
        return None
