"""Sweep machinery: a 100-point CPU-bound sweep on 1 versus 2 local processes.

Routes, all in one run on the same points:

* plain     — a bare ``for`` loop over the points calling QuTiP (no toolkit code);
* workers=1 — ``run_sweep`` in-process, no store (the toolkit's serial overhead);
* workers=2 — ``run_sweep`` on a 2-process pool, writing every point to a fresh SQLite store;
* cached    — the same sweep again: every point read back from the store.

The evaluate function is the steady state of a driven Kerr oscillator (Fock cutoff 30,
dense Liouvillian, ``qutip.steadystate(method="direct", solver="solve")``): ~0.1-0.2 s of
single-threaded CPU per point with a cost that does not depend on the parameter values.
(The sparse SuperLU route has a cost that jumps by 10-100x between neighbouring parameter
values for this model, which would make the timing about pivoting luck, not about the pool.)
BLAS is pinned to one thread per process (set below, before numpy is imported), as one does
for process-level parallelism; otherwise two workers would each start two BLAS threads on a
2-core machine.

A second section sweeps a catalog setup the way a lab would, ``qnet_design.sweep`` over
``devices/setups/thermal_link_transmon.toml`` (100 values of the channel insertion loss, each
point the headline budget: hierarchy steady state of the thermal link), on 1 and 2 processes
without a store.

Target (issue 8): workers=2 at least 1.8x faster than workers=1 for 100 points.

Run: ``python benchmarks/bench_sweep.py [--quick]`` (``--quick``: 20 points, no file written).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import concurrent.futures as cf  # noqa: E402
import datetime as _dt  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import qutip as qt  # noqa: E402

import qnet_design as qd  # noqa: E402
from qnet_design.runs import ResultStore, grid_points, run_sweep  # noqa: E402

CUTOFF = 30
RESULTS = Path(__file__).parent / "results" / "sweep.md"
SETUP = Path(__file__).resolve().parent.parent / "devices" / "setups" / "thermal_link_transmon.toml"


def _catalog_section(n: int, reps: int) -> list[str]:
    """qnet_design.sweep of a catalog setup on 1 and 2 processes (best of ``reps``)."""
    grid = {"channel.insertion_loss": [f"{x!r} dB" for x in np.linspace(0.0, 0.5, n)]}
    ones, twos = [], []
    for _ in range(reps):
        t, df_one = _timed(lambda: qd.sweep(SETUP, grid, store=False, progress=False))
        ones.append(t)
        t, df_two = _timed(lambda: qd.sweep(SETUP, grid, workers=2, store=False, progress=False))
        twos.append(t)
    col = next(c for c in df_one.columns if "concurrence" in c)
    diff = float(np.max(np.abs(df_one[col].to_numpy() - df_two[col].to_numpy())))
    speedup = min(ones) / min(twos)
    return [
        f"## Sweep: {n}-point `qnet_design.sweep` of a catalog setup, 1 vs 2 local processes",
        "",
        f"- setup: `devices/setups/thermal_link_transmon.toml`, grid `channel.insertion_loss` "
        f"= 0 … 0.5 dB ({n} points), headline budget per point, no store",
        f"- workers=1: {min(ones):.2f} s ({min(ones) / n:.3f} s per point); workers=2: "
        f"{min(twos):.2f} s; best of {reps} alternating repetitions (all: "
        f"{', '.join(f'{t:.2f}' for t in ones)} / {', '.join(f'{t:.2f}' for t in twos)} s)",
        f"- speedup workers=2 vs workers=1: **{speedup:.2f}x** (target >= 1.8x: "
        f"{'met' if speedup >= 1.8 else 'NOT met'}); both routes agree to {diff:.1e} in `{col}`",
        "",
    ]


def kerr_steady_state(point: dict[str, Any]) -> dict[str, float]:
    """Driven Kerr oscillator, H = Δ a†a + (K/2) a†a†aa + F (a + a†), K = 1, κ = 1, γ_φ = 0.01.

    Units of the decay rate κ; returns the steady-state photon number and purity.
    """
    cpu0 = time.process_time()
    a = qt.destroy(CUTOFF).to("dense")
    n = a.dag() * a
    h = point["detuning"] * n + 0.5 * a.dag() * a.dag() * a * a + point["drive"] * (a + a.dag())
    rho = qt.steadystate(h, [a, 0.1 * n], method="direct", solver="solve")
    return {
        "photons": float(qt.expect(n, rho)),
        "purity": float((rho * rho).tr().real),
        "cpu_s": time.process_time() - cpu0,
    }


SLEEP_S = 0.05


def _sleep_point(point: dict[str, Any]) -> dict[str, float]:
    """A point that takes SLEEP_S of wall time and no CPU: isolates the machinery's overhead."""
    time.sleep(SLEEP_S)
    return {"value": point["drive"] * point["detuning"]}


def _autogroup() -> bool:
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return False


def _burn(n: int) -> float:
    """Pure-Python CPU work: measures how much parallelism the machine gives us right now."""
    s = 0
    for i in range(n):
        s += i * i
    return float(s)


def _machine_parallelism(n: int = 2_000_000, tasks: int = 6) -> float:
    """Wall-time ratio of ``tasks`` burns run serially vs on a 2-process pool (ideal: 2)."""
    t_serial, _ = _timed(lambda: [_burn(n) for _ in range(tasks)])
    with cf.ProcessPoolExecutor(2) as pool:
        pool.submit(_burn, 1).result()  # start the workers outside the timing
        t_pool, _ = _timed(lambda: list(pool.map(_burn, [n] * tasks)))
    return t_serial / t_pool


def _timed(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _maxrss_mib(who: int) -> float:
    # Linux reports ru_maxrss in KiB
    return resource.getrusage(who).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 points, no results file")
    parser.add_argument("--reps", type=int, default=2, help="alternating repetitions (2)")
    args = parser.parse_args(argv)
    n_drive, n_det = (4, 5) if args.quick else (10, 10)
    points = grid_points(
        {"drive": np.linspace(0.5, 3.0, n_drive), "detuning": np.linspace(-2, 2, n_det)}
    )
    load_before = os.getloadavg()
    parallel_before = _machine_parallelism()

    t_plain, plain = _timed(lambda: [kerr_steady_state(p) for p in points])
    rss_plain = _maxrss_mib(resource.RUSAGE_SELF)
    # Alternate the two routes and keep the best of each: on a shared machine the load
    # drifts, and the minimum is the run least disturbed by other jobs.
    ones: list[float] = []
    twos: list[float] = []
    for _ in range(args.reps):
        t, df_one = _timed(lambda: run_sweep(kerr_steady_state, points, progress=False))
        ones.append(t)
        with tempfile.TemporaryDirectory() as tmp, ResultStore(Path(tmp) / "b.sqlite") as store:
            t, df_two = _timed(
                lambda store=store: run_sweep(
                    kerr_steady_state, points, store=store, workers=2, progress=False
                )
            )
            twos.append(t)
            n_stored = store.count()
            t_cached, df_cached = _timed(
                lambda store=store: run_sweep(
                    kerr_steady_state, points, store=store, workers=2, progress=False
                )
            )
    t_one, t_two = min(ones), min(twos)
    with tempfile.TemporaryDirectory() as tmp:
        t_sleep_one, _ = _timed(
            lambda: run_sweep(_sleep_point, points, store=Path(tmp) / "s1.sqlite", progress=False)
        )
        t_sleep_two, _ = _timed(
            lambda: run_sweep(
                _sleep_point, points, store=Path(tmp) / "s2.sqlite", workers=2, progress=False
            )
        )
    rss_self = _maxrss_mib(resource.RUSAGE_SELF)
    rss_child = _maxrss_mib(resource.RUSAGE_CHILDREN)
    load_after = os.getloadavg()
    parallel_after = _machine_parallelism()
    cpu_per_point = float(df_one["cpu_s"].mean())
    cores_plain = sum(r["cpu_s"] for r in plain) / t_plain
    # CPU per point barely varies between repetitions, so the last one stands for the best
    cores_one = float(df_one["cpu_s"].sum()) / t_one
    cores_two = float(df_two["cpu_s"].sum()) / t_two

    expected = np.array([r["photons"] for r in plain])
    for name, df in (("workers=1", df_one), ("workers=2", df_two), ("cached", df_cached)):
        diff = float(np.max(np.abs(df["photons"].to_numpy() - expected)))
        if diff > 1e-12:  # same code, same inputs: only floating-point noise is acceptable
            print(f"MISMATCH {name}: max |Δ photons| = {diff:.3g}", file=sys.stderr)
            return 1
    assert n_stored == len(points) and df_cached.attrs["n_computed"] == 0

    speedup = t_one / t_two
    n = len(points)
    lines = [
        f"## Sweep: {n}-point driven-Kerr steady-state sweep, 1 vs 2 local processes",
        "",
        f"- date: {_dt.datetime.now(_dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"os.cpu_count() = {os.cpu_count()}, Python {platform.python_version()}, "
        f"QuTiP {qt.__version__}",
        f"- load average (1 min) before / after: {load_before[0]:.1f} / {load_after[0]:.1f} "
        "(other jobs were running on this machine)",
        f"- parallelism the machine gave this run (pure-Python CPU burn, 2-process pool vs "
        f"serial, ideal 2.00x) before / after: {parallel_before:.2f}x / {parallel_after:.2f}x",
        "- command: `python benchmarks/bench_sweep.py`",
        f"- evaluate: `qutip.steadystate`, Fock cutoff {CUTOFF}, dense direct solve, "
        f"BLAS pinned to 1 thread per process; {cpu_per_point:.3f} CPU-s per point",
        "",
        "| route | wall time (s) | per point (s) | vs workers=1 | cores used |",
        "|---|---|---|---|---|",
        f"| plain loop (QuTiP only) | {t_plain:.2f} | {t_plain / n:.3f} | "
        f"{t_one / t_plain:.2f}x | {cores_plain:.2f} |",
        f"| run_sweep, workers=1, no store | {t_one:.2f} | {t_one / n:.3f} | 1.00x | "
        f"{cores_one:.2f} |",
        f"| run_sweep, workers=2, fresh store | {t_two:.2f} | {t_two / n:.3f} | "
        f"**{speedup:.2f}x** | {cores_two:.2f} |",
        f"| sleep-bound points ({SLEEP_S} s, no CPU), workers=1, store | {t_sleep_one:.2f} | "
        f"{t_sleep_one / n:.3f} | - | - |",
        f"| sleep-bound points ({SLEEP_S} s, no CPU), workers=2, store | {t_sleep_two:.2f} | "
        f"{t_sleep_two / n:.3f} | {t_sleep_one / t_sleep_two:.2f}x (vs sleep, workers=1) | - |",
        f"| run_sweep, workers=2, all cached | {t_cached:.3f} | {t_cached / n:.4f} | "
        f"{t_one / t_cached:.0f}x | - |",
        "",
        "cores used = CPU seconds spent in the evaluations (measured inside each evaluation, "
        "in whichever process ran it) / wall time: 1.00 is one fully used core, 2.00 both.",
        "",
        f"- speedup workers=2 vs workers=1: **{speedup:.2f}x** (target >= 1.8x: "
        f"{'met' if speedup >= 1.8 else 'NOT met'}); plain loop / workers=2: "
        f"{t_plain / t_two:.2f}x",
        f"- peak RSS: plain loop {rss_plain:.0f} MiB (this process); after all routes "
        f"{rss_self:.0f} MiB (this process), largest worker process {rss_child:.0f} MiB",
        f"- best of {args.reps} alternating repetitions; all times workers=1: "
        f"{', '.join(f'{t:.2f}' for t in ones)} s; workers=2: "
        f"{', '.join(f'{t:.2f}' for t in twos)} s",
        "- all routes agree to 1e-12 on every point; the store held all points after the "
        "2-process sweep",
        "",
    ]
    if min(parallel_before, parallel_after) < 1.6:
        lines += [
            "- **caveat**: the machine gave this run less than 1.6x parallelism even for a pure "
            "CPU burn (other jobs saturated both cores), so the workers=2 row measures the load, "
            "not the pool; rerun on an idle machine to check the 1.8x target"
            + (
                ". The kernel's autogroup scheduler is on (sched_autogroup_enabled = 1): all "
                "processes of one terminal session share one CPU share, so on a busy machine "
                "extra worker processes do not get extra CPU time. The sleep-bound rows show "
                "the pool's own overhead and dispatch without depending on that share"
                if _autogroup()
                else ""
            ),
            "",
        ]
    lines += _catalog_section(20 if args.quick else 100, args.reps)
    text = "\n".join(lines)
    print(text)
    if not args.quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text("# Sweep benchmark\n\n" + text)
        print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
