"""sources.text stays plain Python, and its quote characters live in one table."""

import ast
import subprocess
import sys
from pathlib import Path

from sources.text import marks, normalize, quotemarks

TEXT = Path(__file__).resolve().parents[3] / "sources" / "text"


def test_no_module_of_sources_text_imports_django():
    for path in TEXT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(
                n.split(".")[0] in ("django", "claims", "rust_tracker") for n in names
            ), (
                path.name,
                names,
            )


def test_importing_sources_text_loads_no_django():
    code = (
        "import sys; import sources.text; from sources.text import extract_quotes;"
        "extract_quotes('“Yes,” she said.');"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=TEXT.parents[1],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(TEXT.parents[1])},
    )
    assert out.stdout.strip() == "[]"


def test_one_table_of_quote_characters():
    assert normalize.DOUBLE_QUOTES is quotemarks.DOUBLE_QUOTES
    assert normalize.SINGLE_QUOTES is quotemarks.SINGLE_QUOTES
    # every mark extraction pairs is folded by normalisation
    assert set(quotemarks.ALL_PAIRED) <= set(quotemarks.DOUBLE_QUOTES + quotemarks.SINGLE_QUOTES)
    assert set(quotemarks.FAMILY) == set(quotemarks.ALL_PAIRED)
    assert marks.FAMILY is quotemarks.FAMILY
    for mark in quotemarks.ALL_PAIRED:
        assert normalize.normalize(f"a {mark}b{mark} c").text in ('a "b" c', "a 'b' c")
