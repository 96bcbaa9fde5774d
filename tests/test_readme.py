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
