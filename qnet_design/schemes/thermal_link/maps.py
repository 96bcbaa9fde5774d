r"""Steady-state concurrence maps over (n_th, κ) by a batched matrix continued fraction (App. B).

The hierarchy of :mod:`.hierarchy` is block-tridiagonal in n = min(p, q): with the unknowns
σⁿ = (μ^{n,m})_{m=−2..2} restricted to their charge sectors (16 numbers, Eq. B6 with m = ±2
kept explicitly) it reads Aₙσⁿ + Bₙσⁿ⁻¹ + Cₙσⁿ⁺¹ = 0. Truncating at n ≤ n_max and recursing
downwards, σⁿ⁺¹ = Sₙ₊₁σⁿ with Sₙ = −(Aₙ + CₙSₙ₊₁)⁻¹Bₙ, leaves (A₀ + C₀S₁)σ⁰ = 0 (Eq. B12-B13)
for the physical ρ_q = μ^{0,0}. Only the drive superoperators (∝ √κ) and the damping κ(2n+|m|)
depend on κ, so one recursion handles a whole row of κ values at once with batched 16 × 16
solves. Every row is computed at two truncations and widened until the largest change of
C + Tr ρ² over the row is below the tolerance.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import ParameterError
from ...solvers.convergence import widen_until_converged
from ._liouville import qubit_superops
from ._numerics import sup_change_figure
from .model import ThermalLink
from .results import concurrences

_MS = (-2, -1, 0, 1, 2)


@dataclass(frozen=True)
class ConcurrenceMap:
    """Steady-state concurrence on a grid; ``concurrence[i, j]`` at (n_th[i], kappa[j]).

    ``levels[i]`` is the n_max used for row i and ``change[i]`` the largest change of
    C + Tr ρ² over that row at the previous truncation (tolerance ``tolerance``).
    """

    base: ThermalLink
    n_th: np.ndarray
    kappa: np.ndarray
    concurrence: np.ndarray
    levels: np.ndarray
    change: np.ndarray
    tolerance: float
    method: str = "hierarchy-mcf"

    def __str__(self) -> str:
        i, j = np.unravel_index(np.argmax(self.concurrence), self.concurrence.shape)
        return (
            f"ConcurrenceMap[{self.method}] {len(self.n_th)} x {len(self.kappa)} points, "
            f"n_th in [{self.n_th[0]:g}, {self.n_th[-1]:g}], kappa in [{self.kappa[0]:g}, "
            f"{self.kappa[-1]:g}]; max C = {self.concurrence[i, j]:.4f} at "
            f"n_th={self.n_th[i]:g}, kappa={self.kappa[j]:g}; n_max up to {self.levels.max()}"
        )

    def to_frame(self) -> pd.DataFrame:
        nn, kk = np.meshgrid(self.n_th, self.kappa, indexing="ij")
        return pd.DataFrame(
            {
                "n_th": nn.ravel(),
                "kappa_per_gamma": kk.ravel(),
                "concurrence": self.concurrence.ravel(),
                "n_max": np.repeat(self.levels, len(self.kappa)),
            }
        )


def _level_blocks(
    lplus: np.ndarray, lminus: np.ndarray, kept: dict[int, np.ndarray], n_max: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Drive couplings for s√κ = 1: same-level G_A, lower G_B, upper G_C, and λ/κ = 2n+|m|."""
    sizes = [len(kept[m]) for m in _MS]
    off = dict(zip(_MS, np.cumsum([0, *sizes[:-1]]), strict=True))
    dim = sum(sizes)
    levels = n_max + 1
    ga = np.zeros((levels, dim, dim), dtype=complex)
    gb = np.zeros((levels, dim, dim), dtype=complex)
    gc = np.zeros((levels, dim, dim), dtype=complex)
    lam = np.zeros((levels, dim))
    n = np.arange(levels, dtype=float)
    for m in _MS:
        r = slice(off[m], off[m] + sizes[m + 2])
        lam[:, r] = (2 * n + abs(m))[:, None]
        # (n2 − n, coefficient(n), operator, m2) from the derivation in hierarchy.py
        if m >= 0:
            terms = [
                (0, np.sqrt(n + m + 1), lplus, m + 1),
                (-1, np.sqrt(n), lplus, m + 1),
                (1, np.sqrt(n + 1), lminus, m - 1) if m > 0 else (0, np.sqrt(n + 1), lminus, m - 1),
                (0, np.sqrt(n + m), lminus, m - 1) if m > 0 else (-1, np.sqrt(n), lminus, m - 1),
            ]
        else:
            a = abs(m)
            terms = [
                (1, np.sqrt(n + 1), lplus, m + 1),
                (0, np.sqrt(n + a), lplus, m + 1),
                (0, np.sqrt(n + a + 1), lminus, m - 1),
                (-1, np.sqrt(n), lminus, m - 1),
            ]
        for shift, coef, op, m2 in terms:
            if m2 not in kept:
                continue
            c = slice(off[m2], off[m2] + sizes[m2 + 2])
            sub = op[np.ix_(kept[m], kept[m2])]
            target = {0: ga, -1: gb, 1: gc}[shift]
            target[:, r, c] += coef[:, None, None] * sub[None]
    return ga, gb, gc, lam


def _row(base: ThermalLink, n_th: float, kappas: np.ndarray, n_max: int) -> np.ndarray:
    """Steady states (len(kappas), 4, 4) at one n_th for all κ, truncated at n ≤ n_max."""
    ops = qubit_superops(dataclasses.replace(base, n_th=n_th, kappa=1.0))
    kept = {m: np.nonzero(ops.charge + m == 0)[0] for m in _MS}
    ga, gb, gc, lam = _level_blocks(ops.lplus, ops.lminus, kept, n_max)
    dim = ga.shape[1]
    off0 = sum(len(kept[m]) for m in _MS if m < 0)
    lq = np.zeros((dim, dim), dtype=complex)
    start = 0
    for m in _MS:
        k = kept[m]
        lq[start : start + len(k), start : start + len(k)] = ops.lq[np.ix_(k, k)]
        start += len(k)
    drive = math.sqrt(n_th / 2.0) * np.sqrt(kappas)[:, None, None]  # s √κ
    kap = kappas[:, None]
    s_next = np.zeros((len(kappas), dim, dim), dtype=complex)
    for n in range(n_max, 0, -1):
        a_n = lq[None] - np.einsum("bi,ij->bij", kap * lam[n][None], np.eye(dim)) + drive * ga[n]
        s_next = -np.linalg.solve(a_n + (drive * gc[n]) @ s_next, drive * gb[n])
    m0 = lq[None] - np.einsum("bi,ij->bij", kap * lam[0][None], np.eye(dim)) + drive * ga[0]
    m0 = m0 + (drive * gc[0]) @ s_next
    # μ^{0,0} block: replace the ⟨00|·|00⟩ equation by Tr μ^{0,0} = 1 (the trace is conserved)
    k0 = kept[0]
    diag = [off0 + int(np.nonzero(k0 == d)[0][0]) for d in (0, 5, 10, 15)]
    row = diag[0]
    m0[:, row, :] = 0.0
    m0[:, row, diag] = 1.0
    rhs = np.zeros((len(kappas), dim), dtype=complex)
    rhs[:, row] = 1.0
    x = np.linalg.solve(m0, rhs[..., None])[..., 0]
    vec = np.zeros((len(kappas), 16), dtype=complex)
    vec[:, k0] = x[:, off0 : off0 + len(k0)]
    return vec.reshape(len(kappas), 4, 4).transpose(0, 2, 1)


def concurrence_map(
    n_th: np.ndarray,
    kappa: np.ndarray,
    *,
    base: ThermalLink | None = None,
    tolerance: float = 1e-6,
    limit: int = 20000,
    workers: int = 1,
) -> ConcurrenceMap:
    """Exact steady-state concurrence on the grid n_th × κ (units of γ₁).

    Parameters
    ----------
    n_th, kappa
        1-d arrays of thermal occupations (≥ 0) and filter half-bandwidths (> 0).
    base
        Supplies every other parameter (γ₂, detunings, dephasing, loss, geometry, positions);
        its own n_th and κ are ignored. Default: the ideal chiral link.
    tolerance
        Largest allowed change of C + Tr ρ² over a row between two truncations.
    limit
        Largest n_max tried before :class:`ConvergenceError`.
    workers
        Number of processes; rows are split into contiguous chunks (warm starts stay useful).
    """
    n_arr = np.atleast_1d(np.asarray(n_th, dtype=float))
    k_arr = np.atleast_1d(np.asarray(kappa, dtype=float))
    if n_arr.ndim != 1 or not np.all(np.isfinite(n_arr)) or np.any(n_arr < 0):
        raise ParameterError(f"`n_th` must be a 1-d array of finite values >= 0, got {n_th!r}")
    if k_arr.ndim != 1 or not np.all(np.isfinite(k_arr)) or np.any(k_arr <= 0):
        raise ParameterError(f"`kappa` must be a 1-d array of finite values > 0, got {kappa!r}")
    model = ThermalLink(1.0, 1.0) if base is None else base
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ParameterError(f"`workers` must be an integer >= 1, got {workers!r}")
    chunks = [c for c in np.array_split(np.arange(len(n_arr)), workers) if c.size]
    if workers == 1 or len(chunks) == 1:
        parts = [_rows(model, n_arr, k_arr, tolerance, limit)]
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=len(chunks)) as pool:
            futures = [pool.submit(_rows, model, n_arr[c], k_arr, tolerance, limit) for c in chunks]
            parts = [f.result() for f in futures]
    conc = np.concatenate([p[0] for p in parts])
    levels = np.concatenate([p[1] for p in parts])
    change = np.concatenate([p[2] for p in parts])
    return ConcurrenceMap(model, n_arr, k_arr, conc, levels, change, tolerance)


def _rows(
    model: ThermalLink, n_arr: np.ndarray, k_arr: np.ndarray, tolerance: float, limit: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of the map in order; each row starts its truncation from the level that was
    already converged in the previous row, scaled by √(n_th/n_th,prev) (App. B: n_max ∝ √n_th)."""
    conc = np.zeros((len(n_arr), len(k_arr)))
    levels = np.zeros(len(n_arr), dtype=int)
    change = np.zeros(len(n_arr))
    good: tuple[float, int] | None = None  # (n_th, level that already met the tolerance)
    for i, n in enumerate(n_arr):
        start = math.ceil(3 * math.sqrt(n)) + 4
        if good is not None and good[0] > 0:
            start = max(start, math.ceil(good[1] * math.sqrt(n / good[0])))
        got = widen_until_converged(
            functools.partial(_row, model, float(n), k_arr),
            sup_change_figure(),
            parameter="mcf_n_max",
            start=start,
            step=_next_n_max,
            limit=limit,
            tolerance=tolerance,
        )
        conc[i] = concurrences(got.result)
        levels[i] = int(got.convergence.value)
        change[i] = got.convergence.change
        checked = int(got.convergence.detail.split()[-1])  # "checked against <level>"
        good = (float(n), checked)
    return conc, levels, change


def _next_n_max(n_max: int) -> int:
    return int(1.4 * n_max) + 2


__all__ = ["ConcurrenceMap", "concurrence_map"]
