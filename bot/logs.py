"""Logging that never prints the bot token.

The token is part of every Bot API URL, and httpx logs request URLs at INFO; exceptions can
carry URLs too. httpx and httpcore are held at WARNING, and every record branchbot's handlers
format is scrubbed of the token and of anything shaped like one.
"""

from __future__ import annotations

import logging
import re

# PTB logs the failure of its start-up requests (getMe, deleteWebhook) with a full traceback
# before raising it; ``bot.cli`` reports that failure in one line instead.
BOOTSTRAP_FAILURE = "Network Retry Loop (Bootstrap"

_TOKEN_SHAPE = re.compile(r"\d{6,12}:[A-Za-z0-9_-]{30,}")
REDACTED = "<token>"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """A formatter whose output has the token (and token-shaped strings) replaced."""

    def __init__(self, token: str, fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self._token = token

    def format(self, record: logging.LogRecord) -> str:
        """Format as usual, then redact, tracebacks included."""
        return redact(super().format(record), self._token)


def redact(text: str, token: str) -> str:
    """Replace the token and anything shaped like a bot token."""
    if token:
        text = text.replace(token, REDACTED)
    return _TOKEN_SHAPE.sub(REDACTED, text)


class BootstrapFailureFilter(logging.Filter):
    """Drops PTB's traceback of a failed start-up request: the CLI says it in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for the start-up failure records of PTB's retry loop."""
        return not (
            record.name.startswith("telegram")
            and record.levelno >= logging.ERROR
            and BOOTSTRAP_FAILURE in record.getMessage()
        )


def configure_logging(level: str, token: str) -> None:
    """Send every record to stderr through the redacting formatter."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(token))
    handler.addFilter(BootstrapFailureFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # apscheduler logs two lines for every job added and every run: thousands at each start.
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
