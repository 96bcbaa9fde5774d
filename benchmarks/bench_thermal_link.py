"""Thermal link (paper 001): exact routes at room temperature vs plain QuTiP where it can go.

Routes, all in one run:

* hierarchy  — ``steady_state(..., method="hierarchy")``: sparse phase-space hierarchy
  (App. B), widened until C + Tr ρ² changes < 1e-7; and ``evolve`` (expm_multiply) to γt = 100;
* map        — ``concurrence_map``: batched matrix continued fraction, 50 × 50 grid
  n_th ∈ [10, 1e4] × κ/γ ∈ [1e-3, 1e-1] (log-spaced), tolerance 1e-6 per row;
* fock       — ``steady_state(..., method="fock")``: full master equation (Eq. 1-4) on the
  U(1) charge sector of the cavity ⊗ qubits, cutoff widened until converged;
* qutip      — plain ``qutip.steadystate`` of the full Liouvillian (cavity cutoff chosen so the
  thermal tail is < 1e-7), at the largest n_th it finishes in minutes.

Sec. V A point: n_th = 1220 (5 GHz, 293 K), κ/γ = 1e-3. BLAS is pinned to one thread (set before
numpy is imported): the machine is shared and threaded BLAS on 16 × 16 blocks only adds
contention. Peak memory: tracemalloc peak of a second (warm) call; wall times are of the first
call without tracemalloc.

Run: ``python benchmarks/bench_thermal_link.py [--quick]`` (``--quick``: small sizes, no file
written).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import datetime as _dt  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import qutip  # noqa: E402

from qnet_design.metrics import concurrence as wootters  # noqa: E402
from qnet_design.schemes.thermal_link import (  # noqa: E402
    ThermalLink,
    concurrence_map,
    evolve,
    steady_state,
)

RESULTS = Path(__file__).parent / "results" / "thermal_link.md"


def measure(fn: Callable[[], Any], memory: bool = True) -> tuple[Any, float, float]:
    """(result, cold wall seconds, tracemalloc peak MiB of a warm repeat or nan)."""
    t0 = time.perf_counter()
    out = fn()
    wall = time.perf_counter() - t0
    peak = float("nan")
    if memory:
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return out, wall, peak


def plain_qutip_steady_state(model: ThermalLink) -> qutip.Qobj:
    """Eq. 1-4 on the full Fock space with QuTiP's own liouvillian + steadystate."""
    nbar = model.n_th / 2
    cutoff = max(6, math.ceil(math.log(1e-7) / math.log(nbar / (1 + nbar))) + 4)
    a = qutip.tensor(qutip.destroy(cutoff), qutip.qeye(2), qutip.qeye(2))
    sm = qutip.Qobj([[0, 1], [0, 0]])
    s1 = qutip.tensor(qutip.qeye(cutoff), sm, qutip.qeye(2))
    s2 = qutip.tensor(qutip.qeye(cutoff), qutip.qeye(2), sm)
    k, n = model.kappa, model.n_th
    liou = qutip.liouvillian(None, [math.sqrt(k * (n + 2)) * a, math.sqrt(k * n) * a.dag()])
    for s in (s1, s2):
        c = math.sqrt(k)
        liou += c * (qutip.sprepost(a, s.dag()) - qutip.spre(s.dag() * a))
        liou += c * (qutip.sprepost(s, a.dag()) - qutip.spost(a.dag() * s))
    liou += qutip.lindblad_dissipator(s1) + qutip.lindblad_dissipator(s2)
    liou += qutip.sprepost(s1, s2.dag()) - qutip.spre(s2.dag() * s1)
    liou += qutip.sprepost(s2, s1.dag()) - qutip.spost(s1.dag() * s2)
    return qutip.steadystate(liou).ptrace([1, 2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, no results file")
    args = parser.parse_args()
    quick = args.quick
    rows: list[tuple[str, str, float, float, str]] = []
    sc = ThermalLink(1220.0, 1e-3)

    # --- steady state at the Sec. V A point -------------------------------------------------
    hss, wall, peak = measure(lambda: steady_state(sc, method="hierarchy"))
    rows.append(
        (
            "hierarchy steady state",
            "n_th=1220, κ=1e-3",
            wall,
            peak,
            f"C = {hss.concurrence:.6f}; {hss.convergence}",
        )
    )
    print(rows[-1])

    # --- C(t) to γt = 100 --------------------------------------------------------------------
    times = np.linspace(0.0, 20.0 if quick else 100.0, 401)
    ev, wall, peak = measure(lambda: evolve(sc, times, method="hierarchy"), memory=not quick)
    c_final = hss.concurrence
    k50 = np.nonzero(ev.concurrence >= 0.5 * c_final)[0]
    k90 = np.nonzero(ev.concurrence >= 0.9 * c_final)[0]
    t50 = float(times[k50[0]]) if k50.size else float("nan")
    t90 = float(times[k90[0]]) if k90.size else float("nan")
    rows.append(
        (
            "hierarchy C(t), 401 times",
            f"γt ≤ {times[-1]:g}",
            wall,
            peak,
            f"C(t_end) = {ev.concurrence[-1]:.4f}; C ≥ 50 % of C_ss at γt ≈ {t50:.2f}, "
            f"90 % at γt ≈ {t90:.2f} (grid 0.25/γ); {ev.convergence}",
        )
    )
    print(rows[-1])

    # --- 50 x 50 map ----------------------------------------------------------------------------
    size = 10 if quick else 50
    n_grid = np.logspace(1, 4, size)
    k_grid = np.logspace(-3, -1, size)
    cmap, wall, _ = measure(lambda: concurrence_map(n_grid, k_grid, workers=2), memory=False)
    rows.append(
        (
            f"map {size}×{size} (batched MCF, 2 processes)",
            "n_th 10..1e4, κ 1e-3..1e-1",
            wall,
            float("nan"),
            f"{cmap}; max row change {cmap.change.max():.1e}",
        )
    )
    print(rows[-1])
    # spot check of the map against the sparse hierarchy
    i, j = size // 2, size // 3
    spot = steady_state(ThermalLink(n_grid[i], k_grid[j]), method="hierarchy").concurrence
    rows.append(
        (
            "map spot check",
            f"n_th={n_grid[i]:.4g}, κ={k_grid[j]:.3g}",
            float("nan"),
            float("nan"),
            f"|C_map − C_hierarchy| = {abs(cmap.concurrence[i, j] - spot):.1e}",
        )
    )

    # --- Fock route at the largest n_th, and against the hierarchy --------------------------
    fock_points = [20.0, 200.0] if quick else [20.0, 200.0, 1220.0]
    for n in fock_points:
        m = ThermalLink(n, 1e-3)
        fss, wall, peak = measure(lambda m=m: steady_state(m, method="fock"), memory=n < 1000)
        hier, hwall, _ = measure(lambda m=m: steady_state(m, method="hierarchy"), memory=False)
        diff = float(np.max(np.abs(fss.rho.full() - hier.rho.full())))
        rows.append(
            (
                "fock steady state",
                f"n_th={n:g}, κ=1e-3",
                wall,
                peak,
                f"C = {fss.concurrence:.6f}; max|ρ_fock − ρ_hier| = {diff:.1e}; hierarchy "
                f"{hwall:.3f} s ({wall / hwall:.0f}x faster); {fss.convergence}",
            )
        )
        print(rows[-1])

    # --- plain QuTiP at the sizes it can do --------------------------------------------------
    for n in [2.0] if quick else [2.0, 10.0, 20.0]:
        m = ThermalLink(n, 0.05)
        rq, wall, peak = measure(lambda m=m: plain_qutip_steady_state(m), memory=n < 5)
        ours, owall, _ = measure(lambda m=m: steady_state(m, method="fock"), memory=False)
        hier, hwall, _ = measure(lambda m=m: steady_state(m, method="hierarchy"), memory=False)
        diff = float(np.max(np.abs(rq.full() - ours.rho.full())))
        rows.append(
            (
                "qutip steadystate (full Liouvillian)",
                f"n_th={n:g}, κ=0.05",
                wall,
                peak,
                f"C = {wootters(rq):.6f}; max|Δρ| vs fock {diff:.1e}; fock {owall:.2f} s "
                f"({wall / owall:.0f}x), hierarchy {hwall:.3f} s ({wall / hwall:.0f}x faster)",
            )
        )
        print(rows[-1])

    text = render(rows, quick)
    print(text)
    if not quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text)


def render(rows: list[tuple[str, str, float, float, str]], quick: bool) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "## thermal_link (paper 001)",
        "",
        f"- date: {now}",
        f"- machine: {platform.platform()}, {platform.machine()}, os.cpu_count() = "
        f"{os.cpu_count()}, load average {load:.1f} at the end (shared machine)",
        "- problem: Sec. V A point n_th = 1220, κ/γ = 1e-3 (chiral, ideal); BLAS pinned to 1 "
        "thread",
        f"- command: `python benchmarks/bench_thermal_link.py{' --quick' if quick else ''}`",
        "",
        "| route | point | wall (s) | peak tracemalloc (MiB) | note |",
        "|---|---|---|---|---|",
    ]
    for name, point, wall, peak, note in rows:
        w = "—" if math.isnan(wall) else f"{wall:.3f}"
        p = "—" if math.isnan(peak) else f"{peak:.1f}"
        lines.append(f"| {name} | {point} | {w} | {p} | {note.replace('|', '/')} |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
