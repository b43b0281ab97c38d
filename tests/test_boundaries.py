"""Architecture rules that tests can hold: who imports what, and the package surface."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import lsm

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_library_never_imports_click_cli_or_tools() -> None:
    for path in (ROOT / "lsm").rglob("*.py"):
        for mod in _imports(path):
            top = mod.split(".")[0]
            assert top not in ("click", "cli", "tools"), f"{path} imports {mod}"


def test_cli_uses_only_the_public_library() -> None:
    # The CLI imports lsm's public names and a few public modules, never
    # an underscore name or an engine internal.
    allowed = {
        "lsm",
        "lsm.inspection",
        "lsm.checkpoint",
        "lsm.commit",
        "lsm.errors",
        "lsm.install",
        "lsm.doctor",
        "lsm.blame",
        "lsm.authorship",
        "lsm.agenttrace",
        "lsm.notesync",
        "lsm.git",
        "lsm.authors",
        "lsm.uncommitted",
    }
    for path in (ROOT / "cli").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lsm"):
                assert node.module in allowed, f"{path}: from {node.module} import ..."
                for alias in node.names:
                    assert not alias.name.startswith("_"), f"{path}: {alias.name}"
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                raise AssertionError(
                    f"{path}:{node.lineno} touches a private attribute {node.attr}"
                )


def test_public_names_are_sorted_and_importable() -> None:
    assert lsm.__all__ == sorted(lsm.__all__)
    for name in lsm.__all__:
        assert getattr(lsm, name) is not None, name


def test_hook_path_does_not_import_click_or_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from cli.main import main\n"
        "try:\n    main(['checkpoint', '--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('click', 'lsm.compaction.compactor', 'lsm.verify', 'tools', 'matplotlib')\n"
        "bad = [m for m in heavy if m in sys.modules]\n"
        "print('BAD:' + ','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "BAD:", out.stdout
