"""The ``branchbot`` command: ``run`` the bot, ``check-config``, or ``copy-to-postgresql``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.app import ALLOWED_UPDATES, build_application
from bot.config import Config, ConfigError, load_config
from bot.logs import REDACTED, configure_logging, redact
from bot.web import serving
from handlers.outbound.policy import StartFailure, start_failure_of
from storage.copy import CopyRefused, copy_to_postgresql
from storage.db import DatabaseUnavailable
from storage.postgres import is_url, redacted

logger = logging.getLogger(__name__)

EXIT_CONFIG = 2
EXIT_START = 3  # the Bot API refused the token, or could not be reached
EXIT_DATABASE = 4  # the database could not be opened
EXIT_COPY = 5  # the copy was refused or rolled back: the target is as it was


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="branchbot", description="Telegram bot for network branches."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="run the bot (polling or webhook, as configured)")
    check = commands.add_parser("check-config", help="validate the configuration and exit")
    copy = commands.add_parser(
        "copy-to-postgresql",
        help="copy the SQLite database (storage.path) into an empty PostgreSQL database;"
        " stop the bot first",
    )
    copy.add_argument("url", metavar="URL", help="postgresql://user:password@host/database")
    for sub in (run, check, copy):
        sub.add_argument(
            "--config",
            type=Path,
            help="TOML file (default: built-in defaults and BRANCHBOT_* variables only)",
        )
    run.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING"])
    return parser


def run(config: Config) -> None:
    """Run until SIGINT or SIGTERM."""
    application = build_application(config)
    if config.telegram.webhook is not None:
        asyncio.run(_serve(application))
    else:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)


async def _serve(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Webhook mode: serve until SIGINT or SIGTERM."""
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    async with serving(application):
        await stopped.wait()


def copy(config: Config, url: str) -> int:
    """Copy the SQLite database into the PostgreSQL one at ``url``: a line per table, a total.

    Returns:
        The exit code.
    """
    if not is_url(url):
        print(f"branchbot: {url} is not a postgresql:// URL", file=sys.stderr)  # noqa: T201
        return EXIT_CONFIG
    started = time.monotonic()

    def copied(table: str, rows: int) -> None:
        print(f"{table}: {rows:,} rows")  # noqa: T201

    try:
        counts = asyncio.run(copy_to_postgresql(config.storage.path, url, copied))
    except DatabaseUnavailable as exc:
        print(f"branchbot: cannot open the database, {exc}", file=sys.stderr)  # noqa: T201
        return EXIT_DATABASE
    except CopyRefused as exc:
        print(f"branchbot: nothing copied: {exc}", file=sys.stderr)  # noqa: T201
        return EXIT_COPY
    print(  # noqa: T201
        f"copied {sum(counts.values()):,} rows in {len(counts)} tables from"
        f" {config.storage.path} to {redacted(url)} in {time.monotonic() - started:.1f} s"
    )
    return 0


def start_failure(config: Config, failure: StartFailure, exc: BaseException) -> str:
    """One line for a failed start: the Bot API's URL (token hidden), what failed, what to check.

    The exception's own text is not used for a refused token: PTB puts the token in it.
    """
    url = f"{config.telegram.api_base_url.rstrip('/')}{REDACTED}"
    if failure is StartFailure.UNAUTHORIZED:
        return (
            f"branchbot: the Bot API at {url} rejected the token (getMe: Unauthorized or Not "
            "Found): check BRANCHBOT_TOKEN or telegram.token against the token @BotFather gave"
        )
    detail = redact(str(exc), config.telegram.token)
    if failure is StartFailure.UNREACHABLE:
        return (
            f"branchbot: cannot reach the Bot API at {url} ({detail}): check the network, "
            "a firewall or proxy, and BRANCHBOT_API_BASE_URL or telegram.api_base_url"
        )
    return (
        f"branchbot: the Bot API at {url} refused to start the bot ({detail}): "
        "check the token, the mode and the webhook settings"
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script and of ``python -m bot``."""
    args = _parser().parse_args(argv)
    try:
        config = load_config(args.config, os.environ)
    except ConfigError as exc:
        print(f"branchbot: {exc}", file=sys.stderr)  # noqa: T201
        return EXIT_CONFIG
    if args.command == "check-config":
        print(f"{args.config or 'environment'}: configuration is valid")  # noqa: T201
        return 0
    if args.command == "copy-to-postgresql":
        return copy(config, args.url)
    webhook = config.telegram.webhook
    configure_logging(
        args.log_level, config.telegram.token, webhook.secret_token if webhook else ""
    )
    try:
        run(config)
    except DatabaseUnavailable as exc:
        print(f"branchbot: cannot open the database, {exc}", file=sys.stderr)  # noqa: T201
        return EXIT_DATABASE
    except Exception as exc:
        failure = start_failure_of(exc)
        if failure is None:
            raise
        print(start_failure(config, failure, exc), file=sys.stderr)  # noqa: T201
        return EXIT_START
    return 0
