"""The architecture the code keeps: core imports no area, no area imports another's views, nor a
competence sub-package another's (import-linter contracts in pyproject.toml); every write goes through
an area's operations.py and core's change-log functions, committed in one place; nothing is deleted."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
SOURCES = sorted([*ROOT.glob("app/**/*.py"), *ROOT.glob("seed/**/*.py")])


def _lines_matching(pattern: str, allowed) -> list[str]:
    found = []
    regex = re.compile(pattern)
    for path in SOURCES:
        relative = path.relative_to(ROOT)
        if allowed(relative):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            if regex.search(code):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def _core_or_operations(path: Path) -> bool:
    return path.parts[:2] == ("app", "core") or path.name == "operations.py"


def test_the_import_contracts_hold():
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout


def test_the_core_contract_names_every_area():
    """A new area must be added to the contract, or core could import it unnoticed."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    core_contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["source_modules"] == ["app.core"])
    areas = {f"app.{p.name}" for p in (ROOT / "app").iterdir() if (p / "__init__.py").exists() and p.name != "core"}
    assert areas <= set(core_contract["forbidden_modules"])


def test_rows_are_added_and_logged_only_by_core_and_the_operations():
    assert _lines_matching(r"db\.session\.add(_all)?\(|ChangeLog\(|log_change\(", _core_or_operations) == []


def test_changes_are_committed_in_one_place():
    """ops.commit(): once per request (through core.crud.save), command-line action or seed run."""
    assert _lines_matching(r"session\.commit\(", lambda p: p == Path("app/core/operations.py")) == []


def test_nothing_is_deleted():
    """Records are archived, never deleted (the backup command writes whole databases, not records)."""
    assert _lines_matching(r"db\.session\.delete\(|sa\.delete\(|\.delete\(\)", lambda p: False) == []
