"""Configuration loading: the example file, environment overrides and one-line errors."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import DEFAULT_CADENCE, ConfigError, WebConfig, WebhookConfig, load_config
from bot.durations import parse_duration

EXAMPLE = Path(__file__).resolve().parents[1] / "config.example.toml"
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


def write(tmp_path, text):
    path = tmp_path / "branchbot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_file_loads_with_its_documented_defaults():
    config = load_config(EXAMPLE, {})
    assert config.telegram.mode == "polling"
    assert config.telegram.api_base_file_url == "https://api.telegram.org/file/bot"
    assert str(config.storage.path) == "data/branchbot.sqlite3"
    assert config.bot.timezone == "Asia/Shanghai"
    assert config.bot.language == "zh"
    assert config.bot.misfire_grace == timedelta(hours=1)
    assert config.summary.catch_up == timedelta(hours=24)
    assert config.points.daily_cap == 10
    assert config.points.meeting_late == 2
    assert dict(config.cadence) == DEFAULT_CADENCE


def test_the_example_documents_every_key():
    text = EXAMPLE.read_text(encoding="utf-8")
    from bot.config import _SCHEMA

    for section, keys in _SCHEMA.items():
        assert f"[{section}]" in text
        for key in keys:
            assert f"{key} =" in text, f"{section}.{key} is not documented"


def test_environment_alone_is_enough_and_overrides_the_file(tmp_path):
    config = load_config(None, {"BRANCHBOT_TOKEN": TOKEN})
    assert config.telegram.token == TOKEN
    path = write(tmp_path, '[telegram]\ntoken = "1:file"\n[storage]\npath = "a.db"\n')
    env = {
        "BRANCHBOT_TOKEN": TOKEN,
        "BRANCHBOT_DB": "/var/lib/branchbot/db.sqlite3",
        "BRANCHBOT_API_BASE_URL": "http://127.0.0.1:8081/bot",
    }
    config = load_config(path, env)
    assert config.telegram.token == TOKEN
    assert str(config.storage.path) == "/var/lib/branchbot/db.sqlite3"
    assert config.telegram.api_base_file_url == "http://127.0.0.1:8081/file/bot"


def test_a_postgresql_url_chooses_postgresql_and_its_password_stays_out_of_the_repr():
    url = "postgresql://bot:s3cret@db.internal:5432/branchbot"
    config = load_config(None, {"BRANCHBOT_TOKEN": TOKEN, "BRANCHBOT_DATABASE_URL": url})
    assert config.storage.database == url
    assert "s3cret" not in repr(config)
    assert load_config(None, {"BRANCHBOT_TOKEN": TOKEN}).storage.database == Path(
        "data/branchbot.sqlite3"
    )


def test_a_database_url_of_another_engine_is_refused_without_echoing_it(tmp_path):
    path = write(tmp_path, '[telegram]\ntoken = "1:x"\n[storage]\nurl = "mysql://u:pw@h/db"\n')
    with pytest.raises(ConfigError, match="storage.url: expected a postgresql:// URL") as caught:
        load_config(path, {})
    assert "pw" not in str(caught.value)


def test_the_token_is_not_in_the_repr():
    config = load_config(None, {"BRANCHBOT_TOKEN": TOKEN})
    assert TOKEN not in repr(config)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "telegram.token: missing"),
        ('[telegram]\ntoken = "x"\ncolour = 1\n', "unknown key telegram.colour"),
        ('[telegram]\ntoken = "x"\n[extra]\n', "unknown section [extra]"),
        (
            '[telegram]\ntoken = "x"\n[bot]\ntimezone = "Mars/Base"\n',
            "bot.timezone: unknown timezone",
        ),
        ('[telegram]\ntoken = "x"\n[bot]\nlanguage = "fr"\n', "bot.language"),
        ('[telegram]\ntoken = "x"\n[bot]\nmisfire_grace = "soon"\n', "bot.misfire_grace"),
        ('[telegram]\ntoken = "x"\n[bot]\noperators = ["a"]\n', "bot.operators"),
        ('[telegram]\ntoken = "x"\n[bot]\nopen_registration = 1\n', "expected bool"),
        ('[telegram]\ntoken = "x"\n[points]\ncheckin = -1\n', "points.checkin"),
        ('[telegram]\ntoken = "x"\n[cadence]\ngeneral = "weekly"\n', "cadence.general"),
        ('[telegram]\ntoken = "x"\nmode = "webhook"\n', "telegram.secret_token"),
        (
            '[telegram]\ntoken = "x"\nmode = "webhook"\nsecret_token = "s"\n',
            "web.public_url: needs the public https:// URL",
        ),
        (
            '[telegram]\ntoken = "x"\nmode = "webhook"\nsecret_token = "s"\n'
            '[web]\npublic_url = "http://a.b/t"\n',
            "web.public_url",
        ),
        ('[telegram]\ntoken = "x"\n[web]\npublic_url = "https://a.b/?q=1"\n', "web.public_url"),
        ('[telegram]\ntoken = "x"\n[web]\npublic_url = "https://a.b"\nport = 0\n', "web.port"),
        (
            '[telegram]\ntoken = "x"\nmode = "webhook"\nsecret_token = "s"\nset_webhook = 1\n'
            '[web]\npublic_url = "https://a.b"\n',
            "telegram.set_webhook: expected bool",
        ),
        (
            '[telegram]\ntoken = "x"\nport = 8443\n[web]\nport = 8444\n',
            "telegram.port and web.port both set: keep web.port",
        ),
        ('[telegram]\ntoken = "x"\napi_base_url = "http://h/api"\n', "api_base_file_url"),
        ('[telegram\ntoken = "x"\n', "line 1"),
    ],
)
def test_errors_are_one_line_and_name_the_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml", {})


def test_webhook_mode(tmp_path):
    path = write(
        tmp_path,
        '[telegram]\ntoken = "x"\nmode = "webhook"\nsecret_token = "s3cret_-"\n'
        'set_webhook = false\n[web]\npublic_url = "https://bot.example.org/tg/"\nport = 8443\n',
    )
    config = load_config(path, {})
    assert config.telegram.webhook == WebhookConfig("s3cret_-", set_webhook=False)
    assert config.web == WebConfig("https://bot.example.org/tg", "127.0.0.1", 8443)


def test_the_server_is_off_by_default_and_webhooks_are_set(tmp_path):
    assert load_config(write(tmp_path, '[telegram]\ntoken = "x"\n'), {}).web is None
    path = write(
        tmp_path,
        '[telegram]\ntoken = "x"\nmode = "webhook"\nsecret_token = "s"\n'
        '[web]\npublic_url = "https://bot.example.org"\n',
    )
    assert load_config(path, {}).telegram.webhook.set_webhook


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90m", timedelta(minutes=90)), ("1h", timedelta(hours=1)), ("1d", timedelta(days=1))],
)
def test_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "0m", "1w", "h", "1.5h", "-1h"])
def test_bad_durations(text):
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_a_duration_beyond_its_maximum_is_refused():
    assert parse_duration("7d", timedelta(days=7)) == timedelta(days=7)
    assert parse_duration("10080m", timedelta(days=7)) == timedelta(days=7)
    with pytest.raises(ValueError, match="longer"):
        parse_duration("10081m", timedelta(days=7))
    with pytest.raises(ValueError, match="duration"):
        parse_duration("1000000m")  # seven digits: the syntax allows six


def test_the_webhook_keys_of_the_first_format_are_read_where_they_live_now(tmp_path):
    path = write(
        tmp_path,
        '[telegram]\ntoken = "x"\nmode = "webhook"\nsecret_token = "s3cret"\n'
        'webhook_url = "https://bot.example.org/hook"\nlisten = "10.0.0.5"\nport = 8443\n',
    )
    web = load_config(path, {}).web
    assert (web.public_url, web.listen, web.port) == (
        "https://bot.example.org/hook",
        "10.0.0.5",
        8443,
    )
