"""Typed, frozen configuration loaded from one TOML file plus ``BRANCHBOT_*`` overrides.

``load_config`` is pure: it takes the file's path and an environment mapping and returns a
``Config`` or raises ``ConfigError`` with a one-line message naming the file and the key.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.durations import parse_duration
from bot.keywords import Keywords

logger = logging.getLogger(__name__)

# The catalogs' languages, and the words ``/settings language=…`` takes for each.
LANGUAGE_WORDS = Keywords({"zh": ("中文",), "en": ("英文", "English")})
LANGUAGES = LANGUAGE_WORDS.codes
# The order is the guided flow's button order (its callback data holds indexes).
MEETING_TYPE_WORDS = Keywords(
    {
        "general": ("党员大会", "支部党员大会"),
        "committee": ("支委会", "支部委员会"),
        "group": ("党小组会", "小组会"),
        "lecture": ("党课",),
        "theme_day": ("主题党日",),
        "org_life": ("组织生活会",),
        "appraisal": ("民主评议", "民主评议党员"),
        "other": ("其他", "其他会议"),
    }
)
MEETING_TYPES = MEETING_TYPE_WORDS.codes
CADENCES = ("monthly", "quarterly", "yearly", "none")
DEFAULT_CADENCE = {
    "general": "quarterly",
    "committee": "monthly",
    "group": "monthly",
    "lecture": "quarterly",
    "theme_day": "monthly",
    "org_life": "yearly",
    "appraisal": "yearly",
    "other": "none",
}
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(Exception):
    """A configuration problem, worded for the person who edits the file."""


@dataclass(frozen=True)
class WebhookConfig:
    """Webhook mode: the secret Telegram sends with each update, and who registers the webhook.

    Several instances behind one URL must not each call ``setWebhook``: ``set_webhook`` is
    true on one of them (or none, when a deploy step registers it).
    """

    secret_token: str = field(repr=False)
    set_webhook: bool = True


@dataclass(frozen=True)
class WebConfig:
    """The bot's own HTTP server: where it listens, and the public HTTPS URL in front of it."""

    public_url: str
    listen: str = "127.0.0.1"
    port: int = 8080


@dataclass(frozen=True)
class TelegramConfig:
    """How the bot reaches the Bot API."""

    token: str = field(repr=False)
    api_base_url: str = DEFAULT_API_BASE_URL
    api_base_file_url: str = ""
    mode: str = "polling"
    webhook: WebhookConfig | None = None


@dataclass(frozen=True)
class StorageConfig:
    """Where the database and its backups live.

    ``url`` (``postgresql://…``) chooses PostgreSQL; without it, SQLite at ``path``. The URL
    may hold a password: it is never shown in a repr.
    """

    path: Path = Path("data/branchbot.sqlite3")
    backup_dir: Path = Path("data/backups")
    url: str = field(default="", repr=False)

    @property
    def database(self) -> Path | str:
        """What the storage opens: the PostgreSQL URL if one is set, else the SQLite file."""
        return self.url or self.path


@dataclass(frozen=True)
class BotConfig:
    """Defaults for new branches and who runs the bot."""

    timezone: str = "Asia/Shanghai"
    language: str = "zh"
    operators: frozenset[int] = frozenset()
    open_registration: bool = False
    misfire_grace: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class SummaryConfig:
    """Weekly summary delivery."""

    catch_up: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class PointsConfig:
    """Points awarded per act, and the daily cap per member per branch."""

    checkin: int = 1
    meeting: int = 3
    meeting_late: int = 2
    correct_answer: int = 1
    daily_cap: int = 10


@dataclass(frozen=True)
class Config:
    """The whole configuration."""

    telegram: TelegramConfig
    storage: StorageConfig = StorageConfig()
    bot: BotConfig = BotConfig()
    summary: SummaryConfig = SummaryConfig()
    points: PointsConfig = PointsConfig()
    cadence: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_CADENCE))
    web: WebConfig | None = None


_SCHEMA: dict[str, set[str]] = {
    "telegram": {
        "token",
        "api_base_url",
        "api_base_file_url",
        "mode",
        "secret_token",
        "set_webhook",
    },
    "storage": {"path", "backup_dir", "url"},
    "bot": {"timezone", "language", "operators", "open_registration", "misfire_grace"},
    "summary": {"catch_up"},
    "points": {"checkin", "meeting", "meeting_late", "correct_answer", "daily_cap"},
    "cadence": set(MEETING_TYPES),
    "web": {"listen", "port", "public_url"},
}
# Keys of earlier versions, and where their setting lives now.
_MOVED = {
    ("telegram", "webhook_url"): ("web", "public_url"),
    ("telegram", "listen"): ("web", "listen"),
    ("telegram", "port"): ("web", "port"),
}
_ENV = {
    "BRANCHBOT_TOKEN": ("telegram", "token"),
    "BRANCHBOT_API_BASE_URL": ("telegram", "api_base_url"),
    "BRANCHBOT_API_BASE_FILE_URL": ("telegram", "api_base_file_url"),
    "BRANCHBOT_DB": ("storage", "path"),
    "BRANCHBOT_DATABASE_URL": ("storage", "url"),
}


class _Reader:
    """Reads typed values out of one TOML table, naming ``file: key`` in every error."""

    def __init__(self, source: str, section: str, table: Mapping[str, Any]) -> None:
        self._source = source
        self._section = section
        self._table = table

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self._source}: {self._section}.{key}: {problem}")

    def get(self, key: str, kind: type, default: Any) -> Any:
        if key not in self._table:
            return default
        value = self._table[key]
        # bool is an int in Python; a flag written as 1 or a count written as true is a typo.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(key, f"expected {kind.__name__}, got {value!r}")
        return value

    def duration(self, key: str, default: timedelta) -> timedelta:
        if key not in self._table:
            return default
        try:
            return parse_duration(str(self._table[key]))
        except ValueError as exc:
            raise self.fail(key, str(exc)) from None

    def count(self, key: str, default: int) -> int:
        value = self.get(key, int, default)
        if value < 0:
            raise self.fail(key, "must not be negative")
        return value


def _read_file(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        # The decoder's message already ends with "(at line N, column M)".
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None


def _merge_env(data: dict[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    merged = {section: dict(values) for section, values in data.items()}
    for name, (section, key) in _ENV.items():
        if environ.get(name):
            merged.setdefault(section, {})[key] = environ[name]
    return merged


def _carry_moved(source: str, data: dict[str, Any]) -> None:
    """Read a key of an earlier version where its setting lives now; both at once is an error.

    The first configuration format named the webhook's address and port under ``[telegram]``.
    """
    for (section, key), (new_section, new_key) in _MOVED.items():
        if key not in data.get(section, {}):
            continue
        target = data.setdefault(new_section, {})
        if not isinstance(target, dict):
            continue  # reported by _check_keys
        if new_key in target:
            raise ConfigError(
                f"{source}: {section}.{key} and {new_section}.{new_key} both set: keep"
                f" {new_section}.{new_key}"
            )
        target[new_key] = data[section].pop(key)
        logger.warning("%s: %s.%s is read as %s.%s", source, section, key, new_section, new_key)


def _check_keys(source: str, data: Mapping[str, Any]) -> None:
    for section, values in data.items():
        if section not in _SCHEMA:
            raise ConfigError(f"{source}: unknown section [{section}]")
        if not isinstance(values, dict):
            raise ConfigError(f"{source}: {section} must be a table")
        for key in values:
            if key not in _SCHEMA[section]:
                raise ConfigError(f"{source}: unknown key {section}.{key}")


def _telegram(source: str, table: Mapping[str, Any]) -> TelegramConfig:
    read = _Reader(source, "telegram", table)
    token = read.get("token", str, "").strip()
    if not token:
        raise read.fail("token", "missing: set it in the file or in BRANCHBOT_TOKEN")
    base_url = read.get("api_base_url", str, DEFAULT_API_BASE_URL).rstrip("/")
    file_url = read.get("api_base_file_url", str, "").rstrip("/")
    if not file_url:
        file_url = re.sub(r"/bot$", "/file/bot", base_url)
        if file_url == base_url:
            raise read.fail("api_base_file_url", "required when api_base_url does not end in /bot")
    mode = read.get("mode", str, "polling")
    if mode not in ("polling", "webhook"):
        raise read.fail("mode", f"must be polling or webhook, got {mode!r}")
    webhook = None
    if mode == "webhook":
        secret = read.get("secret_token", str, "")
        if not _SECRET_TOKEN.match(secret):
            raise read.fail(
                "secret_token", "webhook mode needs 1-256 characters of A-Z a-z 0-9 _ -"
            )
        webhook = WebhookConfig(secret, read.get("set_webhook", bool, True))
    return TelegramConfig(token, base_url, file_url, mode, webhook)


def _web(source: str, data: Mapping[str, Any], webhook: bool) -> WebConfig | None:
    """The ``[web]`` server: off without a public URL, which webhook mode needs."""
    read = _Reader(source, "web", data.get("web", {}))
    public_url = read.get("public_url", str, "").rstrip("/")
    if not public_url and not webhook:
        return None
    parts = urlsplit(public_url)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise read.fail(
            "public_url",
            "needs the public https:// URL of the bot's server (Telegram calls its /telegram"
            f" path in webhook mode), got {public_url!r}",
        )
    port = read.get("port", int, WebConfig.port)
    if not 0 < port < 65536:
        raise read.fail("port", f"{port} is not a TCP port")
    return WebConfig(public_url, read.get("listen", str, WebConfig.listen), port)


def _bot(source: str, table: Mapping[str, Any]) -> BotConfig:
    read = _Reader(source, "bot", table)
    timezone = read.get("timezone", str, BotConfig.timezone)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise read.fail(
            "timezone", f"unknown timezone {timezone!r} (an IANA name such as Asia/Shanghai)"
        ) from None
    language = read.get("language", str, BotConfig.language)
    if language not in LANGUAGES:
        raise read.fail("language", f"must be one of {', '.join(LANGUAGES)}, got {language!r}")
    operators = read.get("operators", list, [])
    if not all(isinstance(op, int) and not isinstance(op, bool) for op in operators):
        raise read.fail("operators", "must be a list of numeric Telegram user ids")
    return BotConfig(
        timezone=timezone,
        language=language,
        operators=frozenset(operators),
        open_registration=read.get("open_registration", bool, False),
        misfire_grace=read.duration("misfire_grace", BotConfig.misfire_grace),
    )


def _cadence(source: str, table: Mapping[str, Any]) -> dict[str, str]:
    read = _Reader(source, "cadence", table)
    cadence = dict(DEFAULT_CADENCE)
    for kind in MEETING_TYPES:
        value = read.get(kind, str, cadence[kind])
        if value not in CADENCES:
            raise read.fail(kind, f"must be one of {', '.join(CADENCES)}, got {value!r}")
        cadence[kind] = value
    return cadence


def _database_url(storage: _Reader) -> str:
    url = storage.get("url", str, "")
    if url and urlsplit(url).scheme not in ("postgresql", "postgres"):
        # Not echoed: a mistyped URL may still carry a password.
        raise storage.fail("url", "expected a postgresql:// URL")
    return url


def load_config(path: Path | None, environ: Mapping[str, str]) -> Config:
    """Load and validate the configuration.

    Args:
        path: the TOML file, or ``None`` to use defaults and the environment alone.
        environ: the process environment (``BRANCHBOT_*`` variables override the file).

    Raises:
        ConfigError: with a one-line message naming the file and the offending key.
    """
    source = str(path) if path else "environment"
    data = _merge_env(_read_file(path) if path else {}, environ)
    _carry_moved(source, data)
    _check_keys(source, data)
    storage = _Reader(source, "storage", data.get("storage", {}))
    summary = _Reader(source, "summary", data.get("summary", {}))
    points = _Reader(source, "points", data.get("points", {}))
    telegram = _telegram(source, data.get("telegram", {}))
    return Config(
        telegram=telegram,
        storage=StorageConfig(
            path=Path(storage.get("path", str, str(StorageConfig.path))),
            backup_dir=Path(storage.get("backup_dir", str, str(StorageConfig.backup_dir))),
            url=_database_url(storage),
        ),
        bot=_bot(source, data.get("bot", {})),
        summary=SummaryConfig(catch_up=summary.duration("catch_up", SummaryConfig.catch_up)),
        points=PointsConfig(
            **{key: points.count(key, getattr(PointsConfig, key)) for key in _SCHEMA["points"]}
        ),
        cadence=_cadence(source, data.get("cadence", {})),
        web=_web(source, data, telegram.webhook is not None),
    )
