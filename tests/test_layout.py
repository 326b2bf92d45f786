"""The layering rules: SQL and the SQLite driver only in storage/, the domain free of Telegram."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SQL = re.compile(
    r"\b(SELECT\s+\S+.*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
    r"CREATE\s+TABLE|PRAGMA)\b"
)
# The assembly (factory, CLI, typed context) necessarily knows Telegram; services do not.
ASSEMBLY = {"app.py", "cli.py", "context.py", "__main__.py"}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def python_files(*folders: str):
    for folder in folders:
        yield from (ROOT / folder).rglob("*.py")


def test_no_sql_or_sqlite_outside_storage():
    for path in python_files("bot", "handlers"):
        text = path.read_text(encoding="utf-8")
        assert not SQL.search(text), f"SQL in {path.relative_to(ROOT)}"
        assert not imports(path) & {"sqlite3", "aiosqlite"}, path


def test_domain_modules_do_not_import_telegram():
    for path in python_files("bot"):
        if path.name not in ASSEMBLY:
            assert "telegram" not in imports(path), path.relative_to(ROOT)


def test_storage_does_not_import_the_bot_or_telegram():
    for path in python_files("storage"):
        assert not imports(path) & {"telegram", "bot", "handlers"}, path
