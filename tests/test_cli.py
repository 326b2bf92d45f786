"""The ``branchbot`` command: check-config, and ``run`` as a real process against the fake
Bot API, answering a group's first commands, stopping on SIGTERM and never logging the token."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.cli import main
from tests import factories
from tests.conftest import ADMIN, GROUP, MEMBER, OPERATOR, TOKEN
from tests.fakes.telegram_api import FakeTelegram
from tests.test_webhook import free_port, post

ROOT = Path(__file__).resolve().parents[1]
TOKEN_SHAPE = re.compile(r"\d{6,12}:[A-Za-z0-9_-]{30,}")
DB_PASSWORD = "pw-never-in-the-logs"
WEBHOOK_SECRET = "webhook-secret_never-logged"


def test_check_config_accepts_the_example(capsys):
    assert main(["check-config", "--config", str(ROOT / "config.example.toml")]) == 0
    assert "valid" in capsys.readouterr().out


def test_check_config_reports_one_line_and_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('[telegram]\ntoken = "x"\n[bot]\ntimezone = "Nowhere/City"\n')
    assert main(["check-config", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "bot.timezone" in err
    assert str(path) in err
    assert "\n" not in err
    assert "Traceback" not in err


def test_missing_token_is_a_one_line_error(monkeypatch, capsys):
    monkeypatch.delenv("BRANCHBOT_TOKEN", raising=False)
    assert main(["check-config"]) == 2
    assert capsys.readouterr().err.strip() == (
        "branchbot: environment: telegram.token: missing: set it in the file or in BRANCHBOT_TOKEN"
    )


def test_help_lists_the_subcommands():
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert "run" in result.stdout
    assert "check-config" in result.stdout


@pytest.mark.slow
async def test_branchbot_run_answers_a_group_and_never_logs_the_token(tmp_path, database_url):
    config = tmp_path / "branchbot.toml"
    config.write_text(f"[bot]\noperators = [{OPERATOR.id}]\n", encoding="utf-8")
    async with FakeTelegram(TOKEN) as api:
        api.admins[GROUP.id] = [ADMIN.id]
        api.bot_status[GROUP.id] = "administrator"
        env = {
            **os.environ,
            "BRANCHBOT_TOKEN": TOKEN,
            "BRANCHBOT_API_BASE_URL": api.base_url,
            "BRANCHBOT_DB": str(tmp_path / "db.sqlite3"),
        }
        if database_url:  # on PostgreSQL, with a password (the test server ignores it)
            parts = urlsplit(database_url)
            netloc = parts.netloc.replace("@", f":{DB_PASSWORD}@", 1)
            env["BRANCHBOT_DATABASE_URL"] = parts._replace(netloc=netloc).geturl()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(config),
            "--log-level",
            "DEBUG",
            env=env,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            script = [
                (factories.command("/start", chat=GROUP, user=MEMBER), "尚未登记"),
                (factories.command("/help", chat=GROUP, user=MEMBER), "/start"),
                (factories.command("/setup", chat=GROUP, user=OPERATOR), "已登记为支部"),
                (factories.command("/roster", chat=GROUP, user=ADMIN), "请点击按钮"),
            ]
            for update, expected in script:
                await api.push_update(update)
                await api.wait_for(
                    "sendMessage",
                    lambda c, e=expected: c.chat_id == GROUP.id and e in c.text,
                    within=30,
                )
            polls = api.of("getUpdates")
            assert "chat_member" in polls[0].params["allowed_updates"]
            assert api.of("setMyCommands"), "command menus are set at start"
        finally:
            process.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 0, err.decode()
        roster = api.of("sendMessage")[-1]
        assert roster.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    logs = (out + err).decode()
    assert "DEBUG" in logs
    assert "getUpdates" in logs
    assert TOKEN not in logs
    assert not TOKEN_SHAPE.search(logs)
    assert DB_PASSWORD not in logs
    assert ("PostgreSQL" if database_url else "SQLite") in logs
    assert api.problems == []


@pytest.mark.slow
async def test_branchbot_run_in_webhook_mode_serves_updates_until_sigterm(tmp_path, database_url):
    port = free_port()
    config = tmp_path / "branchbot.toml"
    config.write_text(
        f'[telegram]\nmode = "webhook"\nsecret_token = "{WEBHOOK_SECRET}"\n'
        f'[web]\npublic_url = "https://bot.example.org/b"\nport = {port}\n',
        encoding="utf-8",
    )
    async with FakeTelegram(TOKEN) as api:
        env = {
            **os.environ,
            "BRANCHBOT_TOKEN": TOKEN,
            "BRANCHBOT_API_BASE_URL": api.base_url,
            "BRANCHBOT_DB": str(tmp_path / "db.sqlite3"),
            "BRANCHBOT_DATABASE_URL": database_url,
        }
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bot", "run", "--config", str(config), "--log-level", "DEBUG"),
            env=env,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            # Registered once the server listens.
            registered = await api.wait_for("setWebhook", within=30)
            assert registered.params["url"] == "https://bot.example.org/b/telegram"
            update = factories.command("/start", chat=GROUP, user=MEMBER)
            url = f"http://127.0.0.1:{port}/b/telegram"
            assert await post(url, update, secret=WEBHOOK_SECRET) == 200
            await api.wait_for("sendMessage", lambda c: c.chat_id == GROUP.id, within=30)
        finally:
            process.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 0, err.decode()
        assert api.of("getUpdates") == []
    logs = (out + err).decode()
    assert TOKEN not in logs
    assert WEBHOOK_SECRET not in logs
    assert api.problems == []


async def run_process(tmp_path, base_url: str, **env_vars: str) -> tuple[int, str]:
    """``python -m bot run`` with the test token against ``base_url``: exit code and output."""
    env = {
        **os.environ,
        "BRANCHBOT_TOKEN": TOKEN,
        "BRANCHBOT_API_BASE_URL": base_url,
        "BRANCHBOT_DB": str(tmp_path / "db.sqlite3"),
        **env_vars,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, (out + err).decode()


@pytest.mark.slow
async def test_a_refused_token_is_one_line_that_does_not_show_it(tmp_path):
    async with FakeTelegram("987654321:ThisIsNotTheTokenTheBotWasGiven0000") as api:
        code, output = await run_process(tmp_path, api.base_url)
    assert code == 3
    assert output.splitlines() == [
        f"branchbot: the Bot API at {api.base_url}<token> rejected the token (getMe: "
        "Unauthorized or Not Found): check BRANCHBOT_TOKEN or telegram.token against the token "
        "@BotFather gave"
    ]
    assert TOKEN not in output
    assert not TOKEN_SHAPE.search(output)


@pytest.mark.slow
async def test_no_network_is_one_line_naming_the_api_and_what_to_check(tmp_path):
    with socket.socket() as closed:  # a loopback port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}/bot"
    code, output = await run_process(tmp_path, base_url)
    assert code == 3
    (line,) = output.splitlines()
    assert line.startswith(f"branchbot: cannot reach the Bot API at {base_url}<token> (")
    assert line.endswith(
        "check the network, a firewall or proxy, and BRANCHBOT_API_BASE_URL or "
        "telegram.api_base_url"
    )
    assert TOKEN not in output
    assert "Traceback" not in output


@pytest.mark.slow
async def test_a_database_that_cannot_be_opened_is_one_line_without_its_password(tmp_path):
    with socket.socket() as closed:  # a loopback port no server listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    (tmp_path / "a-file").write_text("not a folder")
    unopenable = [
        ("BRANCHBOT_DATABASE_URL", f"postgresql://bot:{DB_PASSWORD}@127.0.0.1:{port}/branchbot"),
        ("BRANCHBOT_DATABASE_URL", f"postgresql://bot:{DB_PASSWORD}@/x?sslmode=bogus"),
        ("BRANCHBOT_DB", str(tmp_path / "a-file" / "db.sqlite3")),
    ]
    async with FakeTelegram(TOKEN) as api:
        for name, value in unopenable:
            env = {"BRANCHBOT_DATABASE_URL": "", name: value}
            code, output = await run_process(tmp_path, api.base_url, **env)
            assert code == 4, output
            (line,) = output.splitlines()
            assert line.startswith("branchbot: cannot open the database, "), line
            if name == "BRANCHBOT_DB":
                assert "a-file" in line
                assert "check BRANCHBOT_DB or storage.path" in line
            else:
                assert "PostgreSQL at postgresql://bot:***@" in line
                assert "check BRANCHBOT_DATABASE_URL or storage.url" in line
            assert DB_PASSWORD not in output
            assert TOKEN not in output


def test_the_quick_start_survives_being_pasted_into_a_shell():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    for line in block.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        operators = {token for token in lexer if set(token) <= set("<>|&;()")}
        assert operators <= {"&&"}, line  # no redirect, pipe or background job
    (command,) = block.splitlines()  # one command to paste
    assert " BRANCHBOT_TOKEN='" in command
