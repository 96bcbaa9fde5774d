"""Every reference value in data/ says where it came from (issue 9).

* Each ``data/*_reference.toml`` entry — a table with a ``value`` key, at any nesting depth —
  has a non-empty ``source`` (paper + equation/figure/section) and ``note``; a table without
  ``value`` must be a group of entries, never a half-written entry.
* The files written by the ``data/make_*.py`` scripts listed in ``REGENERATED`` are what the
  scripts produce: re-running a script into a temporary file reproduces the committed file
  (same entries, sources, notes and arguments; values to 1e-12 relative, i.e. rounding of a
  different BLAS/libm — the scripts evaluate closed forms, nothing iterative with a looser
  tolerance).
* Every ``data/make_*.py`` is independent of the code it checks: it does not import qnet_design.
"""

from __future__ import annotations

import ast
import importlib.util
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest

from .conftest import DATA

REFERENCE_FILES = sorted(DATA.glob("*_reference.toml"))
MAKE_SCRIPTS = sorted(DATA.glob("make_*.py"))
# scripts with the interface OUTPUT (the committed file) and main([path]) -> 0; listed by name so
# that a script added by someone else is not executed blindly (its import check still runs)
REGENERATED = [
    DATA / "make_thermal_link_closed_forms.py",
    DATA / "make_cooperative_closed_forms.py",
    DATA / "make_dual_rail_closed_forms.py",
]


def _entries(table: dict[str, Any], path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """(dotted name, entry) for every table holding a ``value``; raises on a stray leaf."""
    found = []
    for key, item in table.items():
        name = f"{path}.{key}" if path else key
        if not isinstance(item, dict):
            raise AssertionError(f"{name}: a bare key outside an entry ({item!r})")
        if "value" in item:
            found.append((name, item))
        elif any(isinstance(v, dict) for v in item.values()):
            found += _entries(item, name)
        else:
            raise AssertionError(f"{name}: an entry without `value` (keys {sorted(item)})")
    return found


def test_reference_files_are_found() -> None:
    names = {p.name for p in REFERENCE_FILES}
    assert {
        "thermal_link_reference.toml",
        "thermal_link_approximations_reference.toml",
        "thermal_link_closed_forms_reference.toml",
        "cv_routing_reference.toml",
        "cooperative_reference.toml",
        "cooperative_closed_forms_reference.toml",
    } <= names


@pytest.mark.parametrize("path", REFERENCE_FILES, ids=[p.stem for p in REFERENCE_FILES])
def test_every_entry_has_value_source_and_note(path: Path) -> None:
    with path.open("rb") as fh:
        entries = _entries(tomllib.load(fh))
    assert entries, f"{path.name} holds no entries"
    for name, entry in entries:
        for field in ("source", "note"):
            text = entry.get(field)
            assert isinstance(text, str) and text.strip(), f"{path.name}: [{name}] lacks a {field}"


def test_a_half_written_entry_is_caught() -> None:
    # the walker above must be able to fail: a table of plain keys without `value`
    with pytest.raises(AssertionError, match="without `value`"):
        _entries({"group": {"entry": {"source": "paper", "note": "n"}}})
    with pytest.raises(AssertionError, match="bare key"):
        _entries({"stray": 1.0})


def _load_script(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(f"_data_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _same(a: Any, b: Any, where: str) -> None:
    if isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), f"{where}: keys {list(a)} vs {list(b)}"
        for key in a:
            _same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), f"{where}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, float):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15), f"{where}: {a!r} vs {b!r}"
    else:
        assert a == b, f"{where}: {a!r} vs {b!r}"


@pytest.mark.parametrize("script", REGENERATED, ids=[p.stem for p in REGENERATED])
def test_make_script_reproduces_its_committed_file(script: Path, tmp_path: Path) -> None:
    module = _load_script(script)
    committed = module.OUTPUT
    assert committed.parent == DATA and committed.name.endswith("_reference.toml")
    fresh = tmp_path / committed.name
    assert module.main([str(fresh)]) == 0
    with committed.open("rb") as fh_old, fresh.open("rb") as fh_new:
        _same(tomllib.load(fh_old), tomllib.load(fh_new), committed.name)


@pytest.mark.parametrize("script", MAKE_SCRIPTS, ids=[p.stem for p in MAKE_SCRIPTS])
def test_make_script_does_not_import_the_code_under_test(script: Path) -> None:
    tree = ast.parse(script.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert "qnet_design" not in imported
