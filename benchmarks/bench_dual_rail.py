"""Benchmark of the dual_rail finite-bandwidth solver against the solver of commit b87a6df.

Model: paper 000, Eq. 11, β = 10, r = 1, γ_φ = 0.01, δ = 0 (units of γ), default source
truncation tolerance (1e-5 in C_kk, 6 then 7 photons).

* new route: :func:`qnet_design.schemes.dual_rail.steady_state` of this checkout (charge-block
  storage, IDR(2) with compiled ℒ and Gauss–Seidel sweeps; at δ = 0 ℒ is real and the Krylov
  stages take the real route, the entries i ≤ j of a real symmetric state: the stage table's
  method column says which);
* old route: the same function of commit b87a6df, checked out with ``git archive`` into a
  temporary directory and imported from there (same machine, same run).

Every task runs in its own subprocess so that its peak memory (ru_maxrss), wall time and CPU
time (ru_utime + ru_stime, less sensitive to the load of a shared machine) are its own; the two
routes alternate; new k = 4 is also set against old k = 3 (issue 14's goal). Also measured both
ways: the full budget of ``devices/setups/dual_rail_twpa.toml`` (three pairs). The answers are
compared entry by entry (max |Δρ_q| of the qubits' state, saved by each task).

Usage: ``python benchmarks/bench_dual_rail.py [--k 1 2 3 4] [--old-json k4=PATH]``; the old
k = 4 solve takes ~30 min and 11 GiB, so a measurement of it made earlier by this script's
``--task`` mode can be passed with ``--old-json 4=PATH`` (the table says so). k = 5 is
reported from the size guard's estimate. Puts its table on top of
``benchmarks/results/dual_rail.md`` (the file's earlier content stays below it).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OLD_COMMIT = "b87a6df"
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
PARAMS = {"r": 1.0, "beta": 10.0, "gamma_phi": 0.01}
SETUP = ROOT / "devices" / "setups" / "dual_rail_twpa.toml"


def _task(name: str, k: int, out: str) -> dict:
    import resource

    import numpy as np

    from qnet_design.schemes import dual_rail as dr

    t0 = time.perf_counter()
    res: dict = {"task": name, "k": k}
    if name == "steady":
        st = dr.steady_state(dr.DualRail(k, **PARAMS))
        rho = st.rho.full()
        np.save(out, rho)
        res["c_kk"] = (
            float(st.concurrences()[k - 1, k - 1]) if hasattr(st, "concurrences") else None
        )
        res["photons"] = st.source_photons
        res["stages"] = st.to_frame().to_dict(orient="list")
        res["file"] = out
    elif name == "budget":
        from qnet_design.budget import budget

        b = budget(SETUP)
        res["figures"] = {f.name: f.value for f in b.figures}
        res["timings"] = dict(b.timings)
    else:  # pragma: no cover
        raise SystemExit(f"unknown task {name}")
    res["seconds"] = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    res["cpu_s"] = usage.ru_utime + usage.ru_stime
    res["peak_mib"] = usage.ru_maxrss / 1024
    res["module"] = dr.__file__
    return res


def _run(route: str, name: str, k: int, path: Path, workdir: Path, timeout: float) -> dict:
    out = str(workdir / f"{route}_{name}_{k}.npy")
    env = dict(ENV, PYTHONPATH=str(path))
    cmd = [sys.executable, __file__, "--task", name, str(k), out]
    try:
        proc = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"task": name, "k": k, "error": f"timeout after {timeout:.0f} s"}
    if proc.returncode != 0:
        return {"task": name, "k": k, "error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _old_tree(workdir: Path) -> Path:
    """qnet_design of commit b87a6df, unpacked into ``workdir/old``."""
    archive = workdir / "old.tar"
    subprocess.run(
        ["git", "-C", str(ROOT), "archive", "-o", str(archive), OLD_COMMIT, "qnet_design"],
        check=True,
    )
    target = workdir / "old"
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target


def _max_diff(a: dict, b: dict) -> float | None:
    import numpy as np

    if "file" not in a or "file" not in b:
        return None
    return float(np.max(np.abs(np.load(a["file"]) - np.load(b["file"]))))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k", type=int, nargs="+", default=[1, 2, 3, 4])
    ap.add_argument("--old-json", action="append", default=[], help="k=PATH of an old measurement")
    ap.add_argument("--skip-old", type=int, nargs="*", default=[], help="k without the old route")
    ap.add_argument("--timeout", type=float, default=7200)
    ap.add_argument("--no-budget", action="store_true")
    ap.add_argument("--task", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.task:
        print(json.dumps(_task(args.task[0], int(args.task[1]), args.task[2])))
        return
    reuse = {int(s.split("=")[0]): Path(s.split("=", 1)[1]) for s in args.old_json}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        old = _old_tree(workdir)
        rows = []
        for k in args.k:
            new = _run("new", "steady", k, ROOT, workdir, args.timeout)
            print(
                "new", k, {x: new.get(x) for x in ("seconds", "cpu_s", "peak_mib", "c_kk", "error")}
            )
            if k in args.skip_old:
                prev = {"error": "old route not run in this run (see notes)"}
            elif k in reuse:
                prev = json.loads(reuse[k].read_text())
                prev["reused"] = str(reuse[k])
                prev["file"] = str(reuse[k].with_suffix(".npy"))
            else:
                prev = _run("old", "steady", k, old, workdir, args.timeout)
            print("old", k, {x: prev.get(x) for x in ("seconds", "cpu_s", "peak_mib", "error")})
            rows.append((k, new, prev, _max_diff(new, prev)))
        budgets = []
        if not args.no_budget:
            for route, path in (("old", old), ("new", ROOT)):
                budgets.append((route, _run(route, "budget", 0, path, workdir, args.timeout)))
                print(route, "budget", budgets[-1][1].get("seconds"), budgets[-1][1].get("error"))
        _write(args, rows, budgets)


def _k5_line() -> str:
    sys.path.insert(0, str(ROOT))  # this checkout's estimate, not an installed package's
    from qnet_design.guard import format_bytes, max_memory
    from qnet_design.schemes.dual_rail.operators import _block_entries
    from qnet_design.schemes.dual_rail.steady import steady_state_bytes

    est = steady_state_bytes(5, 7, real=True)  # δ = 0: the real route
    machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    fits = "fits" if est < machine else "does not fit"
    verdict = (
        f"{fits} this machine's memory ({format_bytes(machine)}); the size guard's limit here "
        f"is {format_bytes(max_memory())}"
    )
    return (
        f"- k = 5: not run. The size guard's estimate for the new solver is {format_bytes(est)} "
        f"at 7 source photons (last stage {_block_entries(5, 7):.2e} stored entries): it "
        f"{verdict}. The old solver stores the dense 36864² state (21.7 GB per copy)."
    )


def _write(args: argparse.Namespace, rows: list, budgets: list) -> None:
    lines = [
        "## dual_rail: finite-bandwidth steady state (β = 10, r = 1, γ_φ = 0.01), new vs b87a6df",
        "",
        f"- date: {_dt.datetime.now(_dt.UTC).isoformat(timespec='minutes')}",
        f"- machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"os.cpu_count() = {os.cpu_count()}; OPENBLAS_NUM_THREADS=1 for both routes",
        f"- load average at the end: {os.getloadavg()} (the machine was shared with other "
        "sessions; wall times are upper bounds, ratios are of runs made side by side)",
        "- command: `python benchmarks/bench_dual_rail.py " + " ".join(sys.argv[1:]) + "`",
        "",
        "| k | photons | new s | new CPU s | new MiB | old s | old CPU s | old MiB | time ratio | "
        "CPU ratio | memory ratio | max abs Δρ_q | C_kk (new) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for k, new, old, diff in rows:
        if "error" in new:
            lines.append(f"| {k} | – | {new['error']} | | | | | | | | | | |")
            continue
        o_s = f"{old['seconds']:.1f}" if old.get("seconds") else old.get("error", "–")
        o_c = f"{old['cpu_s']:.1f}" if old.get("cpu_s") else "–"
        o_m = f"{old['peak_mib']:.0f}" if old.get("peak_mib") else "–"
        if "reused" in old:
            o_s += " (earlier run)"
        ratio_t = f"{old['seconds'] / new['seconds']:.1f}" if old.get("seconds") else "–"
        ratio_c = f"{old['cpu_s'] / new['cpu_s']:.2f}" if old.get("cpu_s") else "–"
        ratio_m = f"{old['peak_mib'] / new['peak_mib']:.1f}" if old.get("peak_mib") else "–"
        d = "–" if diff is None else f"{diff:.1e}"
        lines.append(
            f"| {k} | {new['photons']} | {new['seconds']:.1f} | {new['cpu_s']:.1f} | "
            f"{new['peak_mib']:.0f} | {o_s} | {o_c} | {o_m} | {ratio_t} | {ratio_c} | {ratio_m} | "
            f"{d} | {new['c_kk']:.6f} |"
        )
    goal = {k: (new, old) for k, new, old, _ in rows}
    if 4 in goal and 3 in goal and "seconds" in goal[4][0] and goal[3][1].get("seconds"):
        new4, old3 = goal[4][0], goal[3][1]
        lines += [
            "",
            f"- Issue 14 goal, new k = 4 against old k = 3 of this run: wall "
            f"{new4['seconds'] / old3['seconds']:.2f}×, CPU {new4['cpu_s'] / old3['cpu_s']:.2f}× "
            f"(≤ 1 meets it); peak {new4['peak_mib']:.0f} MiB (goal < 2048).",
        ]
    lines += ["", _k5_line()]
    last = [new for _, new, _, _ in rows if "stages" in new]
    if last:
        st = last[-1]["stages"]
        lines += [
            "",
            f"Cascade stages of the new solver's final truncation at k = {last[-1]['k']}:",
            "",
            "| stage | unknowns | solver | ℒ-products | residual | s |",
            "|---|---|---|---|---|---|",
        ]
        for row in zip(
            st["stage"],
            st["unknowns"],
            st["solver"],
            st["iterations"],
            st["residual"],
            st["wall_time_s"],
            strict=True,
        ):
            lines.append(
                f"| {row[0]} | {row[1]} | {row[2]} | {row[3]} | {row[4]:.1e} | {row[5]:.1f} |"
            )
    if budgets:
        lines += [
            "",
            "Full budget of `devices/setups/dual_rail_twpa.toml` (three pairs), routes alternated:",
            "",
            "| route | s | MiB | stage timings (s) |",
            "|---|---|---|---|",
        ]
        for route, b in budgets:
            if "error" in b:
                lines.append(f"| {route} | {b['error']} | | |")
                continue
            timings = ", ".join(f"{k} {v:.0f}" for k, v in b["timings"].items())
            lines.append(f"| {route} | {b['seconds']:.0f} | {b['peak_mib']:.0f} | {timings} |")
    out = ROOT / "benchmarks" / "results" / "dual_rail.md"
    earlier = out.read_text() if out.exists() else ""  # kept below, labelled (other sections too)
    if earlier:
        lines += ["", "---", "", "Earlier measurements and other sections, as they were:", ""]
    out.write_text("\n".join(lines) + "\n" + earlier)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
