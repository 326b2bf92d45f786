"""The layering rules (docs/ARCHITECTURE.md): SQL only in storage/, the domain free of
Telegram, and the Telegram edge in layers that import downward only."""

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
ASSEMBLY = {"app.py", "cli.py", "context.py", "web.py", "__main__.py"}
# Telegram's errors of a request: only the send policy decides what each one means.
TELEGRAM_ERRORS = {
    "TelegramError",
    "Forbidden",
    "ChatMigrated",
    "RetryAfter",
    "BadRequest",
    "NetworkError",
    "TimedOut",
    "Conflict",
    "EndPointNotFound",
}
SEND_POLICY = ROOT / "handlers" / "outbound" / "policy.py"
# The button data codec: gate reads it, views and jobs write it; it imports no other edge module.
CODEC = "handlers.gate.callbacks"
# What each part of the edge may import from handlers (besides bot/ and storage.models).
EDGE_IMPORTS = {
    "routers": {"handlers.gate", "handlers.jobs", "handlers.outbound", "handlers.views"},
    "gate": {"handlers.gate", "handlers.outbound", "handlers.views"},
    "jobs": {"handlers.jobs", "handlers.outbound", "handlers.views", CODEC},
    "outbound": {"handlers.outbound", "handlers.views", "handlers.gate.place"},
    "views": {"handlers.views", CODEC},
}


def modules_imported(path: Path) -> set[str]:
    """Every module a file imports, by its full dotted name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def imports(path: Path) -> set[str]:
    """The top-level packages a file imports."""
    return {name.split(".")[0] for name in modules_imported(path)}


def python_files(*folders: str):
    for folder in folders:
        yield from (ROOT / folder).rglob("*.py")


def edge_part(path: Path) -> str:
    """Which part of the edge a file under handlers/ belongs to."""
    parts = path.relative_to(ROOT / "handlers").parts
    return parts[0] if len(parts) > 1 else "routers"


def allowed(name: str, prefixes: set[str]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def test_no_sql_or_sqlite_outside_storage():
    for path in python_files("bot", "handlers"):
        text = path.read_text(encoding="utf-8")
        assert not SQL.search(text), f"SQL in {path.relative_to(ROOT)}"
        assert not imports(path) & {"sqlite3", "aiosqlite"}, path


def test_domain_modules_do_not_import_telegram_or_the_edge():
    for path in python_files("bot"):
        if path.name not in ASSEMBLY:
            assert not imports(path) & {"telegram", "handlers"}, path.relative_to(ROOT)


def test_only_the_assembly_imports_the_edge_and_nothing_imports_the_assembly():
    for path in python_files("bot"):
        if path.name not in {"app.py", "cli.py"}:
            assert "handlers" not in imports(path), path.relative_to(ROOT)
    for path in python_files("bot", "handlers", "storage"):
        if path.name not in {"cli.py", "web.py", "__main__.py"}:
            assert not modules_imported(path) & {"bot.app", "bot.cli", "bot.web"}, (
                path.relative_to(ROOT)
            )


def test_storage_does_not_import_the_bot_or_telegram():
    for path in python_files("storage"):
        assert not imports(path) & {"telegram", "bot", "handlers"}, path


def test_every_router_exports_its_handlers_and_no_other_module_does():
    for path in (ROOT / "handlers").glob("*.py"):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        assert "handlers" in names, f"{path.name} is in handlers/ but routes nothing"


def test_the_edge_imports_downward_only():
    """Routers never import routers; jobs never import routers; views never touch storage."""
    routers = {f"handlers.{p.stem}" for p in (ROOT / "handlers").glob("*.py")} - {"handlers"}
    for path in python_files("handlers"):
        if path.parent == ROOT / "handlers" and path.name == "__init__.py":
            continue  # the routing table lists every router
        part = edge_part(path)
        for name in modules_imported(path):
            if name.startswith("handlers"):
                assert name not in routers, f"{path.relative_to(ROOT)} imports the router {name}"
                assert allowed(name, EDGE_IMPORTS[part]), f"{path.relative_to(ROOT)}: {name}"
            if part == "views" and name.startswith("storage"):
                assert name == "storage.models", f"{path.relative_to(ROOT)} reads storage"


def test_the_button_codec_stands_alone():
    path = ROOT / "handlers" / "gate" / "callbacks.py"
    assert not imports(path) & {"handlers", "telegram", "storage"}, modules_imported(path)


def test_views_render_from_data_in_hand():
    """A view gets what it shows: no context, no services, no storage."""
    for path in (ROOT / "handlers" / "views").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        attributes = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert not ({"services", "storage"} & attributes), path.relative_to(ROOT)
        assert "BotContext" not in names, path.relative_to(ROOT)
        assert "bot.context" not in modules_imported(path), path.relative_to(ROOT)


def _caught(handler: ast.ExceptHandler) -> set[str]:
    if handler.type is None:
        return set()
    nodes = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {n.attr if isinstance(n, ast.Attribute) else getattr(n, "id", "") for n in nodes}


def _isinstance_of(call: ast.Call) -> set[str]:
    if not (isinstance(call.func, ast.Name) and call.func.id == "isinstance"):
        return set()
    kinds = call.args[1] if len(call.args) > 1 else None
    nodes = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
    return {getattr(n, "id", "") for n in nodes if n is not None}


def test_only_the_send_policy_decides_what_a_telegram_error_means():
    for path in python_files("bot", "handlers", "storage"):
        if path == SEND_POLICY:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            found = set()
            if isinstance(node, ast.ExceptHandler):
                found = _caught(node)
            elif isinstance(node, ast.Call):
                found = _isinstance_of(node)
            assert not found & TELEGRAM_ERRORS, f"{path.relative_to(ROOT)}:{node.lineno}"
