"""The token never reaches a log line, tracebacks included."""

from __future__ import annotations

import logging
import sys

from bot.logs import REDACTED, RedactingFormatter, configure_logging, redact
from tests.conftest import GROUP, MEMBER, TOKEN


def test_redact_replaces_the_token_and_token_shaped_strings():
    text = f"POST https://api.telegram.org/bot{TOKEN}/getMe and 987654321:{'x' * 35}"
    cleaned = redact(text, TOKEN)
    assert TOKEN not in cleaned
    assert cleaned.count(REDACTED) == 2


def test_tracebacks_are_redacted_too():
    formatter = RedactingFormatter(TOKEN)
    try:
        raise RuntimeError(f"failed calling https://api.telegram.org/bot{TOKEN}/sendMessage")
    except RuntimeError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "boom %s", (TOKEN,), exc_info=sys.exc_info()
        )
    text = formatter.format(record)
    assert "RuntimeError" in text
    assert TOKEN not in text


async def test_a_session_at_debug_level_logs_no_token(harness, capsys):
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("DEBUG", TOKEN)
        await harness.setup_branch()
        await harness.say("/help", chat=GROUP, user=MEMBER)
        logging.getLogger("httpx").warning("request to https://api.telegram.org/bot%s/x", TOKEN)
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    err = capsys.readouterr().err
    assert "sendMessage" in err  # PTB's own debug lines were written
    assert TOKEN not in err
    assert logging.getLogger("httpx").level == logging.WARNING
