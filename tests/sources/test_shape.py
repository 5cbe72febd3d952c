"""The import direction between the apps: ``sources`` (outlets, sources, pure text code)
imports nothing from ``claims``; whatever joins the two lives in ``claims``."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_sources_imports_nothing_from_claims():
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] == "claims"
        )
        for path in (ROOT / "sources").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_check_reads_imports():
    assert "claims.models" in imported_modules(ROOT / "claims" / "views.py")
