"""Logging that never prints the bot token, nor what users wrote.

The token is part of every Bot API URL, and httpx logs request URLs at INFO; exceptions can
carry URLs too. httpx and httpcore are held at WARNING, and every record branchbot's handlers
format is scrubbed of the token, of anything shaped like one, and of the webhook's secret
token (PTB logs the parameters of ``setWebhook`` at DEBUG).

An exception's message often quotes the input that caused it (``ValueError: <the secretary's
argument>``, a file name built from a time zone a user typed), so tracebacks are written with
each exception's type and frames but without its message.
"""

from __future__ import annotations

import logging
import re
import traceback
from types import TracebackType

# PTB logs the failure of its start-up requests (getMe, deleteWebhook) with a full traceback
# before raising it; ``bot.cli`` reports that failure in one line instead.
BOOTSTRAP_FAILURE = "Network Retry Loop (Bootstrap"

_TOKEN_SHAPE = re.compile(r"\d{6,12}:[A-Za-z0-9_-]{30,}")
REDACTED = "<token>"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """A formatter whose output has the secrets (and token-shaped strings) replaced."""

    def __init__(self, *secrets: str) -> None:
        super().__init__(FORMAT)
        self._secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        """Format as usual, then redact, tracebacks included."""
        cached, record.exc_text = record.exc_text, None  # another handler's has messages
        try:
            return redact(super().format(record), *self._secrets)
        finally:
            record.exc_text = cached

    def formatException(  # noqa: N802 - logging.Formatter's name
        self,
        ei: tuple[type[BaseException], BaseException, TracebackType | None]
        | tuple[None, None, None],
    ) -> str:
        """The traceback with every exception's message withheld."""
        return withheld_traceback(ei[1]) if ei[1] is not None else ""


WITHHELD = "(message withheld: it may quote user input)"


def withheld_traceback(error: BaseException) -> str:
    """A traceback of ``error`` and its causes: types and frames, no messages."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    parts = []
    for exc in reversed(chain):
        if parts:
            parts.append("\nThe above exception led to the following:\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(exc.__traceback__))
        kind = type(exc)
        parts.append(f"{kind.__module__}.{kind.__qualname__} {WITHHELD}\n")
    return "".join(parts).rstrip("\n")


def redact(text: str, *secrets: str) -> str:
    """Replace the secrets (the token first) and anything shaped like a bot token."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
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


def configure_logging(level: str, *secrets: str) -> None:
    """Send every record to stderr through a formatter that redacts ``secrets``."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(*secrets))
    handler.addFilter(BootstrapFailureFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # apscheduler logs two lines for every job added and every run: thousands at each start.
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
