"""Benchmark of the cv_replication scheme (paper 004) against plain scipy / QuTiP routes.

Cases
-----
1. Long arrays: E_N of all N pairs of two lossy arrays of N cavities (N = 500, quick 150).
   Toolkit: ``pair_log_negativities`` — the c/d chain decomposition, one engine Lyapunov solve of
   size 2N quadratures. Plain: drift and diffusion of all 2N modes written by hand with numpy,
   one dense ``scipy.linalg.solve_continuous_lyapunov`` of size 4N, E_N per pair.
2. Fig. 3a: 500 disorder realisations at N = 10 (asymmetric arrays, full route in both).
3. Atom pair (N = 1, squeezed-vacuum drive n̄ = 1): toolkit squeezed-frame master equation
   (cutoff widened from 2) against the lab-frame master equation at a fixed Fock cutoff.
4. Spin chains N = 3 (Fig. 3c point): toolkit against ``qutip.steadystate`` with jump operators.

Run ``python benchmarks/bench_cv_replication.py [--quick]``; writes
benchmarks/results/cv_replication.md.
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
import scipy
import scipy.linalg

from qnet_design.schemes import cv_replication as cv

SQ2 = math.sqrt(2.0)


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """Result, wall time (s) and tracemalloc peak (MiB) of one call."""
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    wall = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, wall, peak / 2**20


def _plain_pairs(model: cv.ReplicationArrays) -> np.ndarray:
    """All 2N modes by hand (quadratures x, p per mode; vacuum 𝟙/2), dense Lyapunov, E_N."""
    n = model.sites
    hop = model.hopping_matrix
    h = np.zeros((2 * n, 2 * n))
    for k in range(2):
        i = np.arange(n - 1) + k * n
        h[i, i + 1] = hop[k]
        h[i + 1, i] = hop[k]
    damp = model.losses.copy()  # amplitude rates
    damp[[0, n]] += model.drive_rate
    a = np.zeros((4 * n, 4 * n))
    a[0::2, 1::2] = h  # dx/dt = h p
    a[1::2, 0::2] = -h  # dp/dt = −h x
    a[np.arange(4 * n), np.arange(4 * n)] = -np.repeat(damp, 2)
    d = np.diag(np.repeat(model.losses, 2))  # 2κ (energy rate) × ½
    g, nb, mb = model.drive_rate, model.nbar, model.mbar
    for m in (0, n):
        d[2 * m : 2 * m + 2, 2 * m : 2 * m + 2] += 2 * g * (nb + 0.5) * np.eye(2)
    z = np.diag([1.0, -1.0])
    d[0:2, 2 * n : 2 * n + 2] += 2 * g * (-mb) * z  # ⟨a₁^in a_{N+1}^in⟩ = −m̄ (printed L_S)
    d[2 * n : 2 * n + 2, 0:2] += 2 * g * (-mb) * z
    v = scipy.linalg.solve_continuous_lyapunov(a, -d)
    out = np.empty(n)
    for j in range(n):
        idx = [2 * j, 2 * j + 1, 2 * (n + j), 2 * (n + j) + 1]
        w = v[np.ix_(idx, idx)]
        sig = np.linalg.det(w[:2, :2]) + np.linalg.det(w[2:, 2:]) - 2 * np.linalg.det(w[:2, 2:])
        nu2 = 0.5 * (sig - math.sqrt(max(sig * sig - 4 * np.linalg.det(w), 0.0)))
        out[j] = max(0.0, -math.log(2 * math.sqrt(nu2)))
    return out


def case_long(n: int) -> dict[str, Any]:
    model = cv.ReplicationArrays(n, 1.0, 1.0, 1.0, SQ2, loss=0.1)
    e_t, t_t, m_t = _timed(lambda: cv.pair_log_negativities(model).values)
    e_p, t_p, m_p = _timed(lambda: _plain_pairs(model))
    return {
        "case": f"N = {n} pairs (κ = 0.1): steady state + E_N of all pairs",
        "toolkit_s": t_t,
        "plain_s": t_p,
        "toolkit_mib": m_t,
        "plain_mib": m_p,
        "plain_route": f"hand-built {4 * n}×{4 * n} drift, dense scipy Lyapunov",
        "agreement": f"max |ΔE_N| = {np.abs(e_t - e_p).max():.1e}",
    }


def case_disorder(samples: int) -> dict[str, Any]:
    model = cv.ReplicationArrays(10, 1.0, 1.0, 1.0, SQ2, loss=0.02)

    def plain() -> np.ndarray:
        rng = np.random.default_rng(11)
        out = np.empty((samples, 10))
        for k in range(samples):
            hop = model.hopping_matrix + rng.uniform(-0.15, 0.15, size=(2, 9))
            out[k] = _plain_pairs(model.with_(hopping=hop))
        return (out / (1 + out)).mean(axis=0)

    e_t, t_t, m_t = _timed(lambda: cv.disorder_average(model, 0.3, samples, 11).mean_normalized)
    e_p, t_p, m_p = _timed(plain)
    return {
        "case": f"Fig. 3a: {samples} disorder realisations, N = 10",
        "toolkit_s": t_t,
        "plain_s": t_p,
        "toolkit_mib": m_t,
        "plain_mib": m_p,
        "plain_route": "same draws, hand-built drift + dense Lyapunov per draw",
        "agreement": f"max |Δ mean E_N^(cav)| = {np.abs(e_t - e_p).max():.1e}",
    }


def case_atoms(cutoff: int) -> dict[str, Any]:
    g = 0.05

    def plain() -> qutip.Qobj:
        eye_c, eye_q = qutip.qeye(cutoff), qutip.qeye(2)
        a1 = qutip.tensor(qutip.destroy(cutoff), eye_c, eye_q, eye_q)
        a2 = qutip.tensor(eye_c, qutip.destroy(cutoff), eye_q, eye_q)
        s1 = qutip.tensor(eye_c, eye_c, qutip.destroy(2), eye_q)
        s2 = qutip.tensor(eye_c, eye_c, eye_q, qutip.destroy(2))
        h = g * (s1.dag() * a1 + a1.dag() * s1 + s2.dag() * a2 + a2.dag() * s2)
        r = math.asinh(1.0)  # n̄ = sinh² r = 1; the printed +2Γm̄ is ⟨a₁a₂⟩ = −m̄
        c_ops = [
            math.sqrt(2.0) * (math.cosh(r) * a1 + math.sinh(r) * a2.dag()),
            math.sqrt(2.0) * (math.cosh(r) * a2 + math.sinh(r) * a1.dag()),
        ]
        return qutip.steadystate(h, c_ops).ptrace([2, 3])

    res, t_t, m_t = _timed(lambda: cv.atom_array_steady_state(1, 0.0, g, 1.0, 1.0, SQ2, 2))
    rho_p, t_p, m_p = _timed(plain)
    psi = cv.analytic_pair_state(1, 1.0)
    return {
        "case": f"atom pair, squeezed vacuum n̄ = 1 (toolkit cutoff {res.convergence.value:g})",
        "toolkit_s": t_t,
        "plain_s": t_p,
        "toolkit_mib": m_t,
        "plain_mib": m_p,
        "plain_route": f"lab-frame qutip.steadystate, Fock cutoff {cutoff}",
        "agreement": (
            f"fidelity to Eq. (1): {qutip.expect(res.state, psi):.8f} vs "
            f"{qutip.expect(rho_p, psi):.8f}"
        ),
    }


def case_spins() -> dict[str, Any]:
    n, mbar = 3, 1.3

    def plain() -> qutip.Qobj:
        ops = [
            qutip.tensor([qutip.destroy(2) if k == i else qutip.qeye(2) for k in range(2 * n)])
            for i in range(2 * n)
        ]
        sx = [o + o.dag() for o in ops]
        sy = [-1j * (o - o.dag()) for o in ops]
        h = 0
        for j in range(n - 1):
            for k in (0, n):
                h = h + 0.5 * (sx[k + j] * sx[k + j + 1] + sy[k + j] * sy[k + j + 1])
        n_t, r = cv._bath.bath_frame(1.0, mbar)
        ch, sh = math.cosh(r), math.sinh(r)
        s1, s2 = ops[0], ops[n]
        c_ops = [
            math.sqrt(2 * (n_t + 1)) * (ch * s1 + sh * s2.dag()),
            math.sqrt(2 * (n_t + 1)) * (ch * s2 + sh * s1.dag()),
            math.sqrt(2 * n_t) * (ch * s1.dag() + sh * s2),
            math.sqrt(2 * n_t) * (ch * s2.dag() + sh * s1),
        ]
        return qutip.steadystate(h, c_ops)

    res, t_t, m_t = _timed(lambda: cv.spin_chain_steady_state(n, 1.0, 1.0, 1.0, mbar))
    rho_p, t_p, m_p = _timed(plain)
    return {
        "case": "XX spin chains N = 3, n̄ = 1, m̄ = 1.3 (Fig. 3c point)",
        "toolkit_s": t_t,
        "plain_s": t_p,
        "toolkit_mib": m_t,
        "plain_mib": m_p,
        "plain_route": "qutip.steadystate with σˣσˣ+σʸσʸ and 4 jump operators",
        "agreement": f"trace distance {qutip.tracedist(res.state, rho_p):.1e}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    args = parser.parse_args()
    rows = [
        case_long(150 if args.quick else 500),
        case_disorder(100 if args.quick else 500),
        case_atoms(6 if args.quick else 8),
        case_spins(),
    ]
    header = (
        "| case | toolkit (s) | plain (s) | speed-up | toolkit peak (MiB) | plain peak (MiB) "
        "| plain route | agreement |\n|---|---|---|---|---|---|---|---|"
    )
    lines = [
        f"| {r['case']} | {r['toolkit_s']:.3f} | {r['plain_s']:.3f} | "
        f"{r['plain_s'] / r['toolkit_s']:.1f}× | {r['toolkit_mib']:.1f} | {r['plain_mib']:.1f} "
        f"| {r['plain_route']} | {r['agreement']} |"
        for r in rows
    ]
    for line in lines:
        print(line)
    load = os.getloadavg()[0]
    section = "\n".join(
        [
            "# cv_replication benchmarks",
            "",
            f"## cv_replication benchmark{' (quick)' if args.quick else ''}",
            "",
            f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
            f"- machine: {platform.platform()}, {platform.machine()}, os.cpu_count() = "
            f"{os.cpu_count()}, 1-min load average at the end = {load:.1f}",
            f"- python {platform.python_version()}, numpy {np.__version__}, scipy "
            f"{scipy.__version__}, qutip {qutip.__version__}; OMP_NUM_THREADS = "
            f"{os.environ.get('OMP_NUM_THREADS', 'unset')}",
            "- command: `python benchmarks/bench_cv_replication.py"
            f"{' --quick' if args.quick else ''}`",
            "",
            header,
            *lines,
            "",
            "Peak memory is the tracemalloc peak of Python/NumPy allocations during the call.",
            "The machine is shared with other jobs (see the load average): compare the ratios, "
            "not the absolute times.",
            "",
        ]
    )
    out = Path(__file__).parent / "results" / "cv_replication.md"
    out.write_text(section)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
