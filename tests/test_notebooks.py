"""Every notebook in notebooks/ runs top to bottom in fast mode (QNET_FAST=1).

The notebooks are jupytext percent-format scripts (``notebooks/NN_*.py``), so each one is run
as a plain Python script in a subprocess — the same code Jupyter executes cell by cell, without
depending on an installed kernel. The subprocess gets ``-W error`` (the suite's
``filterwarnings = error`` does not reach a child process), ``MPLBACKEND=Agg`` and
``QNET_FAST=1``. Adding a notebook is one file: any ``notebooks/[0-9][0-9]_*.py`` is picked up.

Paper notebooks (``NN_*_paperNNN.py``) end with a summary table of value, reference, deviation;
its last line must report no row outside tolerance.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PAPERS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))
SUMMARY = re.compile(r"^(\d+) rows, (\d+) outside tolerance$", re.MULTILINE)
# generous per-notebook guard against a hang; the fast-mode runtimes are ~5-30 s (README)
TIMEOUT_S = 300


def _run(path: Path, figures: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QNET_FAST="1", MPLBACKEND="Agg", QNET_FIGURES=str(figures))
    return subprocess.run(
        [sys.executable, "-W", "error", path.name],
        cwd=NOTEBOOKS,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def test_notebooks_are_found() -> None:
    # the quickstart, one notebook per paper and the feasibility study at least
    names = {p.name for p in PAPERS}
    assert {
        "00_quickstart.py",
        "01_thermal_link_paper001.py",
        "02_cv_routing_paper002.py",
        "03_cooperative_paper003.py",
        "04_dual_rail_paper000.py",
        "05_cv_replication_paper004.py",
        "10_feasibility_thermal_cryolink.py",
    } <= names


def test_notebooks_readme_describes_every_notebook() -> None:
    # the table of notebooks/README.md ("what it shows") lacked 11 and 12
    table = (NOTEBOOKS / "README.md").read_text().split("| notebook | what it shows |")[1]
    described = set(re.findall(r"^\| `(\d\d_\w+\.py)` \|", table.split("\n\n")[0], re.M))
    assert described == {p.name for p in PAPERS}


@pytest.mark.parametrize("path", PAPERS, ids=[p.stem for p in PAPERS])
def test_notebook_runs_in_fast_mode(path: Path, tmp_path: Path) -> None:
    figures = tmp_path / "figures"
    proc = _run(path, figures)
    tail = f"{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    assert proc.returncode == 0, f"{path.name} failed:\n{tail}"
    # fast mode writes no figures (full mode does, see notebooks/README.md)
    assert not figures.exists()
    if "_paper" in path.stem:
        summaries = SUMMARY.findall(proc.stdout)
        assert summaries, f"{path.name} printed no agreement table"
        rows, outside = map(int, summaries[-1])
        assert rows > 0 and outside == 0, f"{path.name}: {outside} of {rows} rows outside tolerance"


@pytest.mark.parametrize("path", PAPERS, ids=[p.stem for p in PAPERS])
def test_notebook_is_a_valid_jupytext_notebook(path: Path) -> None:
    jupytext = pytest.importorskip("jupytext")
    nbformat = pytest.importorskip("nbformat")
    nb = jupytext.read(path)
    nbformat.validate(nb)
    kinds = {cell.cell_type for cell in nb.cells}
    assert kinds == {"markdown", "code"}  # explained, not a bare script
    # every notebook honours the fast-mode switch
    assert "FAST" in path.read_text(encoding="utf-8")
