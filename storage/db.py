"""What the repositories see of a database, whichever engine holds it.

Repositories write one SQL text for both engines, with ``?`` (or ``:name``) parameters; each
``Database`` runs it in its own dialect (``storage/sqlite.py``, ``storage/postgres.py``). The
few clauses the engines spell differently come from ``Database.dialect``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

# A row reads as ``row[0]`` and ``row["name"]``, and ``dict(row)`` maps names to values:
# sqlite3.Row and asyncpg.Record both do.
Row = Any
Params = Sequence[Any] | dict[str, Any]


class MigrationError(Exception):
    """A migration file failed; the database is left at the previous version."""


class DatabaseUnavailable(Exception):
    """The database cannot be opened: its text names it (no password) and says why."""


@dataclass(frozen=True)
class Dialect:
    """The few clauses SQLite and PostgreSQL spell differently.

    Attributes:
        name: the engine, also the folder of its migrations.
        greatest: the two-argument maximum (SQLite's scalar ``max``).
        least: the two-argument minimum.
        json_ids: a subquery of the integers in a JSON array parameter (``IN (…)``).
        nocase_template: ``column`` compared with a parameter, ignoring case.
        skip_locked: ends a subquery that picks a row to claim: concurrent claimers on
            PostgreSQL pass over a row another is claiming (SQLite has one writer).
    """

    name: str
    greatest: str
    least: str
    json_ids: str
    nocase_template: str
    skip_locked: str

    def nocase(self, column: str) -> str:
        """``column = ?`` ignoring case, in a form the column's index serves."""
        return self.nocase_template.format(column=column)


SQLITE = Dialect(
    name="sqlite",
    greatest="max",
    least="min",
    json_ids="SELECT value FROM json_each(?)",
    nocase_template="{column} = ? COLLATE NOCASE",
    skip_locked="",
)
POSTGRESQL = Dialect(
    name="postgresql",
    greatest="greatest",
    least="least",
    json_ids="SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST(? AS jsonb))",
    nocase_template="lower({column}) = lower(?)",
    skip_locked=" FOR UPDATE SKIP LOCKED",
)


class Database(Protocol):
    """One database: statements, transactions, migrations (the engines' classes share it)."""

    dialect: Dialect
    # What a broken UNIQUE (or other) constraint raises on this engine.
    integrity_error: type[Exception]

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return the number of rows it changed."""

    async def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each parameter row."""

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """Return the first row of a query, or None."""

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Return every row of a query."""

    def transaction(self, scope: int | None = None) -> AbstractAsyncContextManager[None]:
        """Run the block as one serialized transaction (a SAVEPOINT when nested).

        ``scope`` names the one branch whose rows the block reads and writes: such blocks of
        different branches may run side by side, while each is serialized with those of its
        branch and with every block without a scope.
        """

    async def migrate(self, directory: Path | None = None, target: int | None = None) -> int:
        """Apply the pending numbered migrations and return the version reached."""

    async def describe(self) -> str:
        """A line for the start-up log: the engine and its settings, never a password."""

    async def close(self) -> None:
        """Release the connections."""


def nested_scope(outer: int | None, inner: int | None) -> None:
    """Refuse a nested block wider than the transaction around it: its lock does not cover it.

    Raises:
        RuntimeError: a block of another branch, or of no branch, inside a scoped one.
    """
    if outer is not None and inner != outer:
        raise RuntimeError(f"a block of scope {inner} inside a transaction of scope {outer}")


def pending_migrations(directory: Path, version: int) -> list[tuple[int, Path]]:
    """List the migration files numbered above ``version``, in order."""
    found = []
    for path in directory.iterdir():
        match = _MIGRATION_NAME.match(path.name)
        if match and int(match.group(1)) > version:
            found.append((int(match.group(1)), path))
    return sorted(found)


PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` and any missing parents as 0700 folders, whatever the umask."""
    missing = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    for created in reversed(missing):
        created.mkdir(mode=PRIVATE_DIR, exist_ok=True)
        os.chmod(created, PRIVATE_DIR)  # mkdir's mode is cut by the umask


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and readable by the owner only (or tighten it if it exists)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))
    tighten(path)  # os.open's mode is cut by the umask, and spares a file that existed


def tighten(path: Path) -> None:
    """Make ``path`` owner-only; warn (and go on) if it is another user's file."""
    try:
        os.chmod(path, PRIVATE_FILE)
    except PermissionError:  # another user's file the bot may write: say so, keep running
        logger.warning("cannot make %s readable by its owner only", path)
