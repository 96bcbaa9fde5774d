"""The README's examples run: the Python block executes and the quick-start command succeeds."""

from __future__ import annotations

import re

from qnet_design.cli import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_readme_python_example_runs(monkeypatch, capsys):
    block = re.search(r"```python\n(.*?)```", README, re.S)
    assert block is not None
    monkeypatch.chdir(ROOT)
    exec(compile(block.group(1), "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "0.964" in out  # C11 = tanh(2) printed by the dual-rail line


def test_readme_quick_start_command(monkeypatch, capsys):
    command = re.search(r"pip install -e \. && qnet-design (.+)", README)
    assert command is not None
    monkeypatch.chdir(ROOT)
    assert main(command.group(1).split()) == 0
    assert "Error budget" in capsys.readouterr().out


def _package_map() -> set[str]:
    """Every module the README's "Map of the package" names, as paths below the repository.

    A row ``qnet_design/<package>/`` stands for the package's ``__init__.py`` and names each of
    its modules (``name.py``) in its text; a row of modules (``qnet_design/a.py``, ``b.py``)
    names modules of one folder.
    """
    section = README.split("## Map of the package", 1)[1].split("\n## ", 1)[0]
    named = set()
    for row in re.findall(r"^\| (.+?) \| (.+?) \|$", section, re.M):
        first, text = row
        paths = re.findall(r"`([^`]+)`", first)
        if not paths or not paths[0].startswith("qnet_design/"):
            continue
        folder = paths[0] if paths[0].endswith("/") else paths[0].rsplit("/", 1)[0] + "/"
        if paths[0].endswith("/"):
            named.add(folder + "__init__.py")
            named.update(folder + m for m in re.findall(r"`(\w+\.py)`", text))
        named.update(folder + p.rsplit("/", 1)[-1] for p in paths if p.endswith(".py"))
    return named


def test_package_map_names_every_module_and_no_other():
    tree = {p.relative_to(ROOT).as_posix() for p in (ROOT / "qnet_design").rglob("*.py")}
    named = _package_map()
    assert sorted(tree - named) == [], "modules missing from the README's package map"
    assert sorted(named - tree) == [], "the README's package map names modules that do not exist"
