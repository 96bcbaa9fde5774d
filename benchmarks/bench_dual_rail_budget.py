"""Catalog budget before/after (issue 14): the full budget of a dual-rail setup by this checkout
and by commit b87a6df, side by side in one run.

* new: the budget of the setup's real layout (exact C_ij of all its pairs, the layout's C_11,
  C_22 and extrapolated N_ent, the finite-bandwidth T_prep, error budget);
* old: the proxy budget of b87a6df (two pairs at δ = 0, ideal broadband T_prep, error budget),
  extracted with ``git archive`` into a temporary directory and imported from there;
* exact-prep (``--exact-prep``): this checkout with ``FINITE_PREP_PAIRS`` raised to the
  setup's number of pairs, i.e. the finite-bandwidth T_prep of the whole layout instead of its
  first pairs (what that figure would cost in the budget);
* exact-prep serial (``--serial``, with ``--exact-prep``): the exact-prep route with every solve
  in turn in one process (``budget._common.ALONGSIDE = False``) instead of the layout's steady
  state and the error budget in forked children alongside T_prep: the overlap's effect;
* exact-prep@COMMIT (``--before COMMIT``, with ``--exact-prep``): the same route at an earlier
  commit, so that a change's speed-up and the identity of its figures show in one run (the
  figures are also printed to ten digits).

Both read the same setup file of this checkout, so the inputs are identical. Each budget runs
as ``qnet-design budget SETUP --json`` in its own subprocess (one BLAS thread) whose wall time,
CPU time (with that of the children it forks) and peak memory (ru_maxrss; its children's
largest apart) are its own; the routes alternate (old first in odd
repeats). The load average before and after each run is recorded: on a shared machine the wall
time is inflated by the load, the CPU time much less, so both are given.

Usage: ``python benchmarks/bench_dual_rail_budget.py [--setup PATH] [--repeats 1]
[--exact-prep [--serial] [--before COMMIT]]``; prints a markdown section for
``benchmarks/results/dual_rail.md``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OLD_COMMIT = "b87a6df"
SETUP = ROOT / "devices" / "setups" / "dual_rail_twpa.toml"
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
FIGURES = ("C_11", "C_22", "C_33", "n_ent", "n_ent_direct", "t_prep", "t_prep_trace")

# runs the CLI in-process so that ru_maxrss is this budget's own peak; the CPU time adds that
# of the child processes the budget forks (its solves computed alongside T_prep), whose peak is
# given apart (they share the parent's pages until they write, so the sum overstates)
_TASK = """
import importlib, json, resource, sys, time
from qnet_design.cli import main
if sys.argv[2] != "-":  # the exact-prep routes
    importlib.import_module("qnet_design.budget._dual_rail").FINITE_PREP_PAIRS = int(sys.argv[2])
if sys.argv[3] == "serial":  # the solves one after the other, in this process
    importlib.import_module("qnet_design.budget._common").ALONGSIDE = False
t0 = time.perf_counter()
code = main(["budget", sys.argv[1], "--json"])
wall = time.perf_counter() - t0
use = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = use.ru_utime + use.ru_stime + kids.ru_utime + kids.ru_stime
out = {"code": code, "wall_s": wall, "cpu_s": cpu, "peak_mib": use.ru_maxrss / 1024,
       "child_peak_mib": kids.ru_maxrss / 1024}
print(json.dumps(out), file=sys.stderr)
"""

# every kernel family the budget calls: the real route (δ = 0), the Hermitian route (detuned)
# and the T_prep generator (where the tree has it)
_WARM_UP = (
    "from qnet_design.schemes import dual_rail as dr; "
    "dr.steady_state(dr.DualRail(2, 1.0, beta=10.0), fock_start=4, fock_tolerance=1e-2); "
    "dr.steady_state(dr.DualRail(2, 1.0, delta_a=[0.0, 1.0], beta=10.0), fock_start=4, "
    "fock_tolerance=1e-2); "
    "from qnet_design.schemes.dual_rail import dynamics as d; "
    "getattr(d, '_finite_prep_time', lambda *a: None)(dr.DualRail(1, 1.0, beta=10.0), 2, 1e-3)"
)


def extract_old(dest: Path, commit: str = OLD_COMMIT) -> Path:
    """The tree of ``commit`` under ``dest`` (git archive | tar, no worktree bookkeeping)."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def warm_up(tree: Path) -> None:
    """Compile (and cache) a tree's numba kernels before it is timed: small Krylov solves of
    two pairs and a one-pair T_prep, untimed (the first call of a kernel in a fresh tree costs
    ~5 CPU-s)."""
    if (tree / "qnet_design" / "solvers" / "_block_kernels.py").exists():
        subprocess.run(
            [sys.executable, "-c", _WARM_UP],
            cwd=tree,
            env=dict(ENV, PYTHONPATH=str(tree)),
            check=True,
        )


def run_budget(
    tree: Path, setup: Path, prep_pairs: int | None = None, serial: bool = False
) -> dict:
    """One budget in a subprocess importing the package of ``tree`` (``prep_pairs``: the
    budget's FINITE_PREP_PAIRS; ``serial``: its solves in turn, none alongside T_prep)."""
    load_before = os.getloadavg()[0]
    extra = ["-" if prep_pairs is None else str(prep_pairs), "serial" if serial else "-"]
    proc = subprocess.run(
        [sys.executable, "-c", _TASK, str(setup), *extra],
        cwd=tree,
        env=dict(ENV, PYTHONPATH=str(tree)),
        capture_output=True,
        text=True,
    )
    stats = json.loads(proc.stderr.strip().splitlines()[-1])
    if stats["code"] != 0:
        raise RuntimeError(f"budget failed in {tree}: {proc.stderr.strip()[-500:]}")
    data = json.loads(proc.stdout)
    figures = data["figures"]
    return {
        **stats,
        "timings": data.get("timings", {}),
        "load": (load_before, os.getloadavg()[0]),
        "figures": {k: figures[k] for k in FIGURES if k in figures},
    }


def report(rows: list[tuple[str, int, dict]], setup: Path) -> str:
    """Markdown section: one row per run, then the ratios of the means."""
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M+00:00")
    cols = [c for c in FIGURES if any(c in r["figures"] for _, _, r in rows)]
    lines = [
        f"## dual_rail catalog budget before/after: `{setup.relative_to(ROOT)}`, new vs "
        f"{OLD_COMMIT}",
        "",
        f"- date: {now}; machine: {platform.system()} {platform.machine()}, "
        f"os.cpu_count() = {os.cpu_count()}, one BLAS thread per budget",
        "- command: `python benchmarks/bench_dual_rail_budget.py` (full budget, `qnet-design "
        "budget SETUP --json`, each in its own subprocess, routes alternating)",
        "",
        "| run | route | wall s | CPU s | peak MiB | child peak MiB | load before/after | "
        + " | ".join(cols)
        + " |",
        "|---" * (7 + len(cols)) + "|",
    ]
    for route, i, r in rows:
        values = [f"{r['figures'][c]['value']:.4g}" if c in r["figures"] else "–" for c in cols]
        lines.append(
            f"| {i} | {route} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['peak_mib']:.0f} | "
            f"{r.get('child_peak_mib', 0):.0f} | {r['load'][0]:.1f}/{r['load'][1]:.1f} | "
            + " | ".join(values)
            + " |"
        )
    routes = list(dict.fromkeys(rt for rt, _, _ in rows))
    mean = {
        route: [
            sum(r[k] for rt, _, r in rows if rt == route) / sum(rt == route for rt, _, _ in rows)
            for k in ("wall_s", "cpu_s", "peak_mib")
        ]
        for route in routes
    }
    lines.append("")
    for route in routes[1:]:
        lines.append(
            f"- {route}/old: wall time {mean[route][0] / mean['old'][0]:.2f}, CPU time "
            f"{mean[route][1] / mean['old'][1]:.2f}, peak memory "
            f"{mean[route][2] / mean['old'][2]:.2f} (means over the runs above)"
        )
    lines.append(
        "- wall time per budget stage (s, the budget's own timings; where the route computes "
        "steady_state and error_budget alongside prep_time, in forked children, they overlap it):"
    )
    for route, i, r in rows:
        stages = ", ".join(f"{k} {v:.1f}" for k, v in r["timings"].items())
        lines.append(f"  - run {i} {route}: {stages}")
    lines += [
        "- figures to ten digits (last run of each route):",
        "",
        "| route | " + " | ".join(cols) + " |",
        "|---" * (1 + len(cols)) + "|",
    ]
    for route in routes:
        last = [r for rt, _, r in rows if rt == route][-1]["figures"]
        cells = [f"{last[c]['value']:.10g}" if c in last else "–" for c in cols]
        lines.append(f"| {route} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("- what each t_prep is (method text of the last run of each route):")
    for route in routes:
        last = [r for rt, _, r in rows if rt == route][-1]
        if "t_prep" in last["figures"]:
            lines.append(f"  - {route}: {last['figures']['t_prep']['method']}")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--setup", type=Path, default=SETUP)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument(
        "--exact-prep",
        action="store_true",
        help="also run this checkout with the whole layout's finite-bandwidth T_prep",
    )
    ap.add_argument(
        "--serial",
        action="store_true",
        help="with --exact-prep: also run it with every solve in turn (none alongside T_prep)",
    )
    ap.add_argument(
        "--before",
        metavar="COMMIT",
        help="with --exact-prep: also run COMMIT's exact-prep route (speed-up, same figures)",
    )
    args = ap.parse_args()
    setup = args.setup.resolve()
    rows: list[tuple[str, int, dict]] = []
    pairs = int(tomllib.loads(setup.read_text())["layout"]["pairs"]) if args.exact_prep else 0
    order = ["old", "new"] + ["exact-prep"] * args.exact_prep
    order += ["exact-prep serial"] * (args.exact_prep and args.serial)
    before = f"exact-prep@{args.before}" if args.before and args.exact_prep else None
    order += [before] if before else []
    with tempfile.TemporaryDirectory(prefix="qnet-old-") as tmp:
        trees = {"old": extract_old(Path(tmp) / "old"), "new": ROOT, "exact-prep": ROOT}
        trees["exact-prep serial"] = ROOT
        if before:
            trees[before] = extract_old(Path(tmp) / "before", args.before)
        for tree in set(trees.values()):
            warm_up(tree)
        for i in range(1, args.repeats + 1):
            for route in order if i % 2 else order[::-1]:
                print(f"run {i}: {route} budget ...", file=sys.stderr, flush=True)
                exact = route.startswith("exact-prep")
                serial = route.endswith("serial")
                result = run_budget(trees[route], setup, pairs if exact else None, serial)
                print(
                    f"  {result['wall_s']:.1f} s wall, {result['cpu_s']:.1f} s CPU, "
                    f"{result['peak_mib']:.0f} MiB",
                    file=sys.stderr,
                )
                rows.append((route, i, result))
    print(report(rows, setup))


if __name__ == "__main__":
    main()
