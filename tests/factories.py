"""Update factories: Bot API update payloads as Telegram would send them."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any

ANONYMOUS_ADMIN_ID = 1087968824
CHANNEL_BOT_ID = 136817688

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)
_callback_ids = itertools.count(1)


@dataclass(frozen=True)
class Person:
    """A test user."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "zh"
    last_name: str | None = None

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("username", "language_code", "last_name"):
            if getattr(self, key):
                user[key] = getattr(self, key)
        return user


@dataclass(frozen=True)
class Group:
    """A test group chat."""

    id: int
    title: str = "测试支部"

    def as_chat(self) -> dict[str, Any]:
        kind = "supergroup" if str(self.id).startswith("-100") else "group"
        return {"id": self.id, "type": kind, "title": self.title}


def private_chat(person: Person) -> dict[str, Any]:
    return {"id": person.id, "type": "private", "first_name": person.first_name}


def _chat(chat: Group | Person) -> dict[str, Any]:
    return chat.as_chat() if isinstance(chat, Group) else private_chat(chat)


def message(
    text: str,
    *,
    chat: Group | Person,
    user: Person | None,
    reply_to: dict[str, Any] | None = None,
    sender_chat: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    message_id: int | None = None,
) -> dict[str, Any]:
    """A message update; a leading ``/word`` gets its bot_command entity."""
    msg: dict[str, Any] = {
        "message_id": message_id or next(_message_ids),
        "date": int(time.time()),
        "chat": _chat(chat),
        "text": text,
    }
    if user is not None:
        msg["from"] = user.as_user()
    if sender_chat is not None:
        msg["sender_chat"] = sender_chat
    found = list(entities or [])
    if text.startswith("/"):
        length = len(text.split()[0])
        found.insert(0, {"type": "bot_command", "offset": 0, "length": length})
    if found:
        msg["entities"] = found
    if reply_to is not None:
        msg["reply_to_message"] = reply_to
    return {"update_id": next(_update_ids), "message": msg}


def command(
    text: str, *, chat: Group | Person, user: Person | None, **kwargs: Any
) -> dict[str, Any]:
    """A command message (``text`` starts with ``/``)."""
    assert text.startswith("/")
    return message(text, chat=chat, user=user, **kwargs)


def document(
    *,
    chat: Group | Person,
    user: Person,
    file_id: str,
    file_name: str,
    size: int,
    caption: str | None = None,
) -> dict[str, Any]:
    """A message carrying a file, optionally with a caption."""
    update = message("", chat=chat, user=user)
    msg = update["message"]
    del msg["text"]
    msg["document"] = {
        "file_id": file_id,
        "file_unique_id": f"u{file_id}",
        "file_name": file_name,
        "mime_type": "text/plain",
        "file_size": size,
    }
    if caption is not None:
        msg["caption"] = caption
    return update


def anonymous_admin_command(text: str, *, chat: Group) -> dict[str, Any]:
    """A command sent by an anonymous admin: posted as the group itself."""
    sender = Person(ANONYMOUS_ADMIN_ID, "Group", username="GroupAnonymousBot", language_code=None)
    return message(text, chat=chat, user=sender, sender_chat=chat.as_chat())


def channel_command(text: str, *, chat: Group, channel_id: int = -1009999) -> dict[str, Any]:
    """A command posted on behalf of a channel (anyone who owns one can)."""
    sender = Person(CHANNEL_BOT_ID, "Channel", username="Channel_Bot", language_code=None)
    channel = {"id": channel_id, "type": "channel", "title": "某频道"}
    return message(text, chat=chat, user=sender, sender_chat=channel)


def callback(
    data: str, *, chat: Group | Person, user: Person, message_id: int = 1
) -> dict[str, Any]:
    """A button press on a bot message."""
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_callback_ids)),
            "from": user.as_user(),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": _chat(chat),
                "from": {
                    "id": 5000000001,
                    "is_bot": True,
                    "first_name": "Branch Bot",
                    "username": "branch_test_bot",
                },
                "text": "…",
            },
        },
    }


def poll_answer(poll_id: str, options: list[int], *, user: Person) -> dict[str, Any]:
    """A member's answer to a non-anonymous poll (it names no chat)."""
    return {
        "update_id": next(_update_ids),
        "poll_answer": {
            "poll_id": poll_id,
            "user": user.as_user(),
            "option_ids": options,
            "option_persistent_ids": [str(i) for i in options],
        },
    }


def anonymous_poll_answer(poll_id: str, options: list[int], *, chat: Group) -> dict[str, Any]:
    """An answer given on behalf of a chat (an anonymous admin): there is no user."""
    return {
        "update_id": next(_update_ids),
        "poll_answer": {
            "poll_id": poll_id,
            "voter_chat": chat.as_chat(),
            "option_ids": options,
            "option_persistent_ids": [str(i) for i in options],
        },
    }


def member_object(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A ChatMember object: the user and their status, with an admin's rights if one."""
    member: dict[str, Any] = {"user": user, "status": status}
    if status == "administrator":
        member.update(
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=True,
            can_restrict_members=True,
            can_promote_members=False,
            can_change_info=True,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
        )
    if status == "kicked":
        member["until_date"] = 0
    return member


def chat_member(
    *, chat: Group, user: Person, old: str, new: str, by: Person | None = None
) -> dict[str, Any]:
    """Someone's membership of the group changed."""
    return {
        "update_id": next(_update_ids),
        "chat_member": {
            "chat": chat.as_chat(),
            "from": (by or user).as_user(),
            "date": int(time.time()),
            "old_chat_member": member_object(user.as_user(), old),
            "new_chat_member": member_object(user.as_user(), new),
        },
    }


def bot_member(*, chat: Group, old: str, new: str, by: Person) -> dict[str, Any]:
    """The bot's own membership of the group changed."""
    bot = {
        "id": 5000000001,
        "is_bot": True,
        "first_name": "Branch Bot",
        "username": "branch_test_bot",
    }
    return {
        "update_id": next(_update_ids),
        "my_chat_member": {
            "chat": chat.as_chat(),
            "from": by.as_user(),
            "date": int(time.time()),
            "old_chat_member": member_object(bot, old),
            "new_chat_member": member_object(bot, new),
        },
    }


def migrate_to(old: Group, new_id: int) -> dict[str, Any]:
    """The service message in the old group: it became a supergroup."""
    return {
        "update_id": next(_update_ids),
        "message": {
            "message_id": next(_message_ids),
            "date": int(time.time()),
            "chat": old.as_chat(),
            "migrate_to_chat_id": new_id,
        },
    }


def migrate_from(new: Group, old_id: int) -> dict[str, Any]:
    """The service message in the new supergroup."""
    return {
        "update_id": next(_update_ids),
        "message": {
            "message_id": next(_message_ids),
            "date": int(time.time()),
            "chat": new.as_chat(),
            "migrate_from_chat_id": old_id,
        },
    }
