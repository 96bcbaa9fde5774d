"""Benchmark of the cv_routing scheme (paper 002) against plain scipy / QuTiP routes.

Cases
-----
1. Long chain: steady state and all E_N(0, m) of a 1000-node forward chain. Toolkit: exact
   cascaded block solver (O(M²) vectorised 4×4-block Sylvester solves). Plain: one dense
   ``scipy.linalg.solve_continuous_lyapunov`` on the same drift (O(M³)).
2. Fig. 3 map: 50 × 50 grid over (r, j) at M = 10. Toolkit: ``routing_map`` (A linear in r, j;
   one batched cascaded solve). Plain: per-point model build + eigenvalue check + dense
   Lyapunov solve + E_N profile.
3. Tiny chain: M = 1 (two modes) against ``qutip.steadystate`` of the truncated Fock model.

Run ``python benchmarks/bench_cv.py [--quick]``; writes benchmarks/results/cv_routing.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import qutip
import scipy.linalg

from qnet_design.metrics.gaussian import gaussian_log_negativity
from qnet_design.schemes import cv_routing as cr
from qnet_design.solvers import gaussian

PAPER = {"gamma": 0.8, "gamma_out": 0.002, "omega": 1.0}


def _timed(fn: Callable[[], Any], separate_memory_run: bool = True) -> tuple[Any, float, float]:
    """Result, wall time (s) and tracemalloc peak (MiB).

    tracemalloc slows down code with many small allocations (the toolkit's vectorised loops) by
    several times, so by default the time comes from a clean run and the peak from a second,
    traced run. The plain routes are single long LAPACK calls: one traced run serves both.
    """
    if separate_memory_run:
        t0 = time.perf_counter()
        out = fn()
        wall = time.perf_counter() - t0
    tracemalloc.start()
    t0 = time.perf_counter()
    traced = fn()
    if not separate_memory_run:
        out, wall = traced, time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, wall, peak / 2**20


def case_long_chain(nodes: int) -> dict[str, Any]:
    model = cr.RoutingChain(nodes, r=0.3, j=0.6, **PAPER)  # type: ignore[arg-type]

    def toolkit() -> np.ndarray:
        cr._covariance_cached.cache_clear()
        return cr.log_negativity_profile(model).log_negativity

    def plain() -> np.ndarray:
        a, d = cr._drift_diffusion(model)
        v = scipy.linalg.solve_continuous_lyapunov(a, -d)
        blocks = np.stack([gaussian.reduced(v, [0, m]) for m in range(1, nodes + 1)])
        return np.asarray(gaussian_log_negativity(blocks))

    en_t, t_t, m_t = _timed(toolkit)
    en_p, t_p, m_p = _timed(plain, separate_memory_run=False)
    return {
        "case": f"{nodes}-node chain: steady state + all E_N(0,m)",
        "toolkit_s": t_t,
        "plain_s": t_p,
        "toolkit_mib": m_t,
        "plain_mib": m_p,
        "plain_route": "dense scipy solve_continuous_lyapunov",
        "agreement": f"max |ΔE_N| = {np.abs(en_t - en_p).max():.1e}",
    }


def case_map(points: int) -> dict[str, Any]:
    base = cr.RoutingChain(10, r=0.0, j=0.0, **PAPER)  # type: ignore[arg-type]
    rs = np.linspace(0.0, 1.2, points)
    js = np.linspace(0.0, 1.2, points)

    def toolkit() -> np.ndarray:
        return cr.routing_map(base, rs, js).max_entangled_node

    def plain() -> np.ndarray:
        out = np.full((points, points), -1)
        for a, r in enumerate(rs):
            for b, j in enumerate(js):
                model = cr.RoutingChain(10, r=float(r), j=float(j), **PAPER)  # type: ignore[arg-type]
                am, dm = cr._drift_diffusion(model)
                if np.linalg.eigvals(am).real.max() >= 0:
                    continue
                v = scipy.linalg.solve_continuous_lyapunov(am, -dm)
                en = np.array(
                    [gaussian_log_negativity(gaussian.reduced(v, [0, m])) for m in range(1, 11)]
                )
                hit = np.flatnonzero(en > cr.ENTANGLEMENT_THRESHOLD)
                out[a, b] = hit.max() + 1 if hit.size else 0
        return out

    mt, t_t, m_t = _timed(toolkit)
    mp, t_p, m_p = _timed(plain, separate_memory_run=False)
    return {
        "case": f"{points}×{points} map over (r, j), M = 10 (M_max, E_N(0,2), n̄)",
        "toolkit_s": t_t,
        "plain_s": t_p,
        "toolkit_mib": m_t,
        "plain_mib": m_p,
        "plain_route": "per-point build + eigvals + dense Lyapunov",
        "agreement": f"M_max maps identical: {bool(np.array_equal(mt, mp))}",
    }


def case_qutip(cutoff: int) -> dict[str, Any]:
    model = cr.RoutingChain(1, r=0.15, j=0.3, gamma=0.8, gamma_out=0.05)

    def toolkit() -> float:
        cr._covariance_cached.cache_clear()
        return cr.log_negativity(model, 0, 1)

    def plain() -> float:
        a = [qutip.tensor(qutip.destroy(cutoff), qutip.qeye(cutoff))]
        a.append(qutip.tensor(qutip.qeye(cutoff), qutip.destroy(cutoff)))
        ham = a[0].dag() * a[0] + a[1].dag() * a[1]
        ham += model.j * (a[0].dag() * a[1] + a[1].dag() * a[0])
        ham += 1j * model.r / 2 * (a[0] * a[0] - a[0].dag() * a[0].dag())
        c_ops = [math.sqrt(model.gamma_out) * op for op in a]
        # dense LAPACK route: qutip's sparse default (SuperLU) is erratically slow here
        liouv = qutip.liouvillian(ham, c_ops).to("dense")
        rho = qutip.steadystate(liouv, method="direct", solver="solve")
        return float(np.log(qutip.partial_transpose(rho, [0, 1]).norm("tr")))

    e_t, t_t, m_t = _timed(toolkit)
    e_p, t_p, m_p = _timed(plain, separate_memory_run=False)
    return {
        "case": f"M = 1 (two modes) E_N(0,1) vs QuTiP Fock cutoff {cutoff}",
        "toolkit_s": t_t,
        "plain_s": t_p,
        "toolkit_mib": m_t,
        "plain_mib": m_p,
        "plain_route": "qutip.steadystate (dense Liouvillian) + partial transpose",
        "agreement": f"E_N {e_t:.6f} vs {e_p:.6f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (300 nodes, 20×20)")
    args = parser.parse_args()
    nodes, points = (300, 20) if args.quick else (1000, 50)
    rows = [case_long_chain(nodes), case_map(points), case_qutip(8)]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        f"## cv_routing benchmark ({'quick' if args.quick else 'full'})",
        "",
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"os.cpu_count() = {os.cpu_count()}, 1-min load average at the end = {load:.1f}",
        f"- python {platform.python_version()}, numpy {np.__version__}, "
        f"scipy {scipy.__version__}, qutip {qutip.__version__}",
        "- command: `python benchmarks/bench_cv.py" + (" --quick`" if args.quick else "`"),
        "",
        "| case | toolkit (s) | plain (s) | speed-up | toolkit peak (MiB) | plain peak (MiB) "
        "| plain route | agreement |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['case']} | {r['toolkit_s']:.3f} | {r['plain_s']:.3f} | "
            f"{r['plain_s'] / r['toolkit_s']:.1f}× | {r['toolkit_mib']:.1f} | "
            f"{r['plain_mib']:.1f} | {r['plain_route']} | {r['agreement']} |"
        )
    lines += [
        "",
        "Peak memory is the tracemalloc peak of Python/NumPy allocations during the call "
        "(toolkit: timed in a clean run, memory from a second traced run).",
        "The machine is shared with other jobs: the load average above inflates all times.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    out = Path(__file__).parent / "results" / "cv_routing.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("# cv_routing benchmarks\n\n" + text, encoding="utf-8")


if __name__ == "__main__":
    main()
