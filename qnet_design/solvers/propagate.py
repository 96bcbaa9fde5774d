"""Time propagation x(t) = exp(G t) x₀ of a linear generator (Lindbladian, hierarchy, …).

One entry point, :func:`propagate`, with the method as an option:

* ``"taylor"`` — a uniform grid is stepped with one fixed, substepped Taylor propagator
  (:func:`_taylor_steps`): the algorithm of ``expm_multiply`` without its per-step norm
  estimates, which dominate the cost for the ~10³-dimensional thermal-link hierarchies.
* ``"expm"`` — a uniform grid is done in one call of scipy's ``expm_multiply`` (Al-Mohy &
  Higham 2011: double precision with sparse mat-vecs only; the norm estimates are shared).
* ``"krylov"`` — Arnoldi steps from one time to the next (:func:`_krylov_steps`); on a
  uniform grid from 0 one basis serves as many grid points as pays (:func:`krylov_grid`). The
  generator may be a callable v ↦ Gv, so ℒ need never be assembled (dual rail).

On a non-uniform grid ``"taylor"`` and ``"expm"`` apply ``expm_multiply`` from one time to the
next. Times are in the generator's inverse units.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import ConvergenceError, ParameterError
from ..progress import progress
from ._halves import MIN_SPLIT, project

__all__ = ["KRYLOV_VECTORS", "METHODS", "krylov_grid", "propagate"]

METHODS = ("taylor", "expm", "krylov")
#: Largest Krylov basis of one step; a step needing more is halved (at most ten times).
KRYLOV_VECTORS = 80
#: A Gram–Schmidt pass is repeated only when it cancelled w to below this fraction of its
#: norm: one classical pass leaves the new vector orthogonal to ~eps·‖w_before‖/‖w_after‖, so
#: at most ~100 eps here (the dual rail's bases stay orthogonal to 6e-14 with one pass; the
#: second pass cost a tenth of the propagation).
REORTHOGONALIZE = 1e-2
#: Cost of orthogonalising one new vector against one basis vector, in generator products:
#: classical Gram–Schmidt reads the basis vector twice (16 B per entry), a product of the dual
#: rail's real generator reads ~41 nonzeros per row (12 B each): 16/500 ≈ 0.03. It only steers
#: how many grid points one basis serves (:func:`_arnoldi_grid`), never the accuracy.
GRAM_SCHMIDT_COST = 0.03
#: Most grid points one Arnoldi basis serves (:func:`krylov_grid`).
GRID_POINTS = 16

#: G as a (sparse) matrix or, for the Krylov method, a callable v ↦ Gv
Generator = Any


def propagate(
    generator: Generator,
    x0: np.ndarray,
    times: np.ndarray,
    *,
    method: str = "taylor",
    tolerance: float | None = None,
    hint: str = "",
    label: str = "",
) -> np.ndarray:
    """Rows x(t_k) = exp(G t_k) x₀ for sorted ``times`` ≥ 0 (x₀ is the state at t = 0).

    Parameters
    ----------
    generator
        G as a (sparse) matrix; for ``method="krylov"`` also a callable v ↦ Gv.
    method
        ``"taylor"``, ``"expm"`` or ``"krylov"`` (see the module notes).
    tolerance
        ``"taylor"``: Taylor terms are added until they fall below this fraction of the
        running sum (sup norm; default 1e-14). ``"krylov"``: bound on the a-posteriori error
        estimate of each step (default 1e-10). ``"expm"`` works to double precision.
    hint
        Appended to the :class:`ConvergenceError` of a too stiff Krylov step (what the
        caller's user can change).
    label
        ``"krylov"``: report every step as a progress line under this name (a step of a large
        network takes seconds); ``"taylor"`` always reports its steps as "time evolution".
    """
    if method not in METHODS:
        raise ParameterError(f"`method` must be one of {METHODS}, got {method!r}")
    times = np.asarray(times, dtype=float)
    if method == "krylov":
        apply = generator if callable(generator) else generator.__matmul__
        tol = 1e-10 if tolerance is None else tolerance
        # real arithmetic only for a real x₀ and a real matrix (a callable answers for itself)
        dtype = np.result_type(x0, np.float64, getattr(generator, "dtype", np.float64))
        v = np.asarray(x0, dtype=dtype)
        steps = np.diff(times)
        if len(times) > 1 and times[0] == 0 and steps[0] > 0 and np.all(steps == steps[0]):
            out = np.empty((len(times), v.size), dtype=dtype)
            out[0] = v
            grid = krylov_grid(apply, v, float(steps[0]), tol, hint, label, len(times) - 1)
            for k, state in enumerate(grid, start=1):
                out[k] = state
            return out
        return _krylov_steps(apply, v, times, tol, hint, label)
    mat = sp.csr_matrix(generator)
    x = np.asarray(x0, dtype=np.result_type(x0, mat.dtype))
    n = len(times)
    steps = np.diff(times)
    uniform = n > 2 and steps[0] > 0 and np.allclose(steps, steps[0], rtol=1e-9, atol=0)
    if uniform:
        if times[0] > 0:
            x = spla.expm_multiply(mat * times[0], x)
        if method == "expm":
            return np.asarray(
                spla.expm_multiply(
                    mat, x, start=0.0, stop=float(times[-1] - times[0]), num=n, endpoint=True
                )
            )
        return _taylor_steps(mat, x, float(steps[0]), n - 1, tolerance or 1e-14)
    out = np.empty((n, x.size), dtype=x.dtype)
    t_prev = 0.0
    for k, t in enumerate(times):
        if t > t_prev:
            x = spla.expm_multiply(mat * (t - t_prev), x)
        t_prev = t
        out[k] = x
    return out


def _taylor_steps(
    mat: sp.csr_matrix, x: np.ndarray, h: float, count: int, tol: float
) -> np.ndarray:
    """``count`` successive products exp(M h)ⁿ x by substepped Taylor series.

    The step is split into s = ⌈‖M h‖₁/4⌉ substeps (terms peak at 4⁴/4! ≈ 10, so at most one
    digit is lost to cancellation); terms are added until they fall below ``tol`` of the
    running sum (sup norm).
    """
    norm1 = float(abs(mat).sum(axis=0).max()) * h
    sub = max(1, math.ceil(norm1 / 4.0))
    scaled = (mat * (h / sub)).tocsr()
    x = x.astype(np.result_type(x, scaled.dtype))
    out = np.empty((count + 1, x.size), dtype=x.dtype)
    out[0] = x
    for step in range(count):
        progress("time evolution", f"step {step + 1} of {count}, {sub} substeps each, dim {len(x)}")
        for _ in range(sub):
            term = x
            acc = x.copy()
            for j in range(1, 60):
                term = (scaled @ term) / j
                acc += term
                if np.max(np.abs(term)) <= tol * np.max(np.abs(acc)):
                    break
            x = acc
        out[step + 1] = x
    return out


def _krylov_steps(
    apply: Callable[[np.ndarray], np.ndarray],
    v: np.ndarray,
    times: np.ndarray,
    tol: float,
    hint: str,
    label: str,
) -> np.ndarray:
    """exp(G t)v on the grid ``times`` by one Arnoldi step per interval.

    Each step builds a Krylov basis until the standard a-posteriori error estimate
    β h_{m+1,m} |[exp(dt H_m)]_{m,0}| falls below ``tol`` (at most :data:`KRYLOV_VECTORS`
    vectors); a step that needs more is done as two half steps (a stiff generator gets short
    steps), down to dt/2¹⁰, below which :class:`ConvergenceError` is raised. For the dual
    rail, where ‖ℒ‖ ~ 100γ, explicit Runge-Kutta needs ~300 products per 1/γ; Krylov steps of
    0.25/γ need a few tens each. The basis has v's dtype: a real generator on a real vector
    (the dual rail's Hermitian parameters) costs a quarter of the complex Gram–Schmidt flops.
    """
    dtype = v.dtype  # float64 (a real generator on a real vector) or complex128
    # one basis for every step, passed down (a nested recursive function holding it would be
    # a reference cycle: each call's basis would live until the next garbage collection)
    basis = np.empty((KRYLOV_VECTORS + 1, v.size), dtype=dtype)
    scratch = np.empty(v.size, dtype=dtype)
    out = np.empty((len(times), v.size), dtype=dtype)
    t_prev = 0.0
    for k, t in enumerate(times):
        if t > t_prev:
            if label:
                progress(label, f"step {k}/{len(times) - 1}")
            v = _arnoldi_step(apply, v, float(t - t_prev), basis, scratch, tol, hint)
        t_prev = t
        out[k] = v
    return out


def _orthogonalize(
    basis: np.ndarray, m: int, w: np.ndarray, column: np.ndarray, scratch: np.ndarray
) -> tuple[np.ndarray, float]:
    """w orthogonalised against the first ``m`` basis vectors by classical Gram–Schmidt (a
    second pass only after a cancellation below REORTHOGONALIZE), its coefficients added to
    ``column``; returns w and its norm. A real basis of MIN_SPLIT entries or more is projected
    in place, in two halves on two threads (:func:`._halves.project`, through ``scratch``):
    ``w`` is then the basis row the product was written into (:func:`_product`) or a new
    array."""
    norm = float(np.linalg.norm(w))
    split = basis.dtype == np.float64 and w.size >= MIN_SPLIT
    for _ in range(2):
        if split:
            coef = project(basis, m, w, scratch)
        else:
            coef = (basis[:m] @ w.conj()).conj()  # no conjugated copy of the basis
            w = w - coef @ basis[:m]
        column[:m] += coef
        norm, before = float(np.linalg.norm(w)), norm
        if norm > REORTHOGONALIZE * before:
            break
    return w, norm


def _product(apply: Callable[[np.ndarray], np.ndarray], basis: np.ndarray, j: int) -> np.ndarray:
    """G·basis[j]: into the free row basis[j + 1] when ``apply`` can write into a buffer (an
    ``into(x, out)`` method, :class:`._halves.RealCsrProduct`: no new vector per product), else
    a new array (a real one for a real basis)."""
    into = getattr(apply, "into", None)
    if into is not None and basis.dtype == np.float64:
        return np.asarray(into(basis[j], basis[j + 1]))
    w = np.asarray(apply(basis[j]))
    owned = w.flags.c_contiguous and w.flags.writeable and w.base is None
    if basis.dtype == np.float64 and w.size >= MIN_SPLIT and not owned:
        w = np.array(w, dtype=np.float64)  # projected in place: never the caller's buffer
    return w


def krylov_grid(
    apply: Callable[[np.ndarray], np.ndarray],
    v: np.ndarray,
    dt: float,
    tol: float,
    hint: str = "",
    label: str = "",
    count: int | None = None,
    window: int | None = None,
) -> Iterator[np.ndarray]:
    """exp(G k·dt)v for k = 1, 2, … (``count`` of them, or without end: the caller stops).

    One Arnoldi basis of v serves every grid point it reaches, each with the a-posteriori
    error estimate of :func:`_krylov_steps` below ``tol`` (:func:`_arnoldi_grid`): a basis
    twice as long reaches much more than twice as far once the fast modes have decayed
    (dual rail, three pairs, 4 source photons, state at 8/γ: 16 products reach 0.25/γ, 46
    reach 2/γ). A grid step that no basis of KRYLOV_VECTORS reaches is taken by halving, as
    in :func:`_krylov_steps`. ``label`` reports every grid point as progress.

    ``window`` = q orthogonalises each new vector against the previous q only (incomplete
    orthogonalisation, KIOPS: S. Gaudreault, G. Rainwater, M. Tokman, J. Comput. Phys. 372, 236
    (2018)): Gram–Schmidt then reads q vectors per product instead of the whole basis. The
    error estimate is unchanged and still valid: it bounds the residual of the Arnoldi relation
    G V_m = V_m H_m + h_{m+1,m} v_{m+1} e_mᵀ, which holds for any basis built this way
    (orthogonal or not, each v of norm 1); a non-orthogonal basis may only need more vectors.
    """
    basis = np.empty((KRYLOV_VECTORS + 1, v.size), dtype=v.dtype)
    scratch = np.empty(v.size, dtype=v.dtype)
    k = 0
    while count is None or k < count:
        left = GRID_POINTS if count is None else min(GRID_POINTS, count - k)
        states = _arnoldi_grid(apply, v, dt, left, basis, scratch, tol, window)
        if states is None:  # not even one grid step: halve it
            states = _arnoldi_step(apply, v, dt, basis, scratch, tol, hint)[None, :]
        for state in states:
            k += 1
            if label:
                progress(label, f"step {k}" + ("" if count is None else f"/{count}"))
            yield state
        v = states[-1]


def _arnoldi_grid(
    apply: Callable[[np.ndarray], np.ndarray],
    v: np.ndarray,
    dt: float,
    points: int,
    basis: np.ndarray,
    scratch: np.ndarray,
    tol: float,
    window: int | None = None,
) -> np.ndarray | None:
    """Rows exp(G i·dt)v, i = 1 … r ≤ ``points``, from one Arnoldi basis of v (None when no
    basis of ``basis``' size reaches i = 1).

    The basis grows while it pays: after each vector the farthest grid point whose error
    estimate β h_{m+1,m} |[exp(τ H_m)]_{m,0}| τ is below ``tol`` is found (every nearer one
    passed at this or a shorter basis). From the second grid point on, the basis stops when
    the next one, predicted at the basis growth the last one needed, would cost more per grid
    point than those reached now, the cost of m vectors being m(1 + GRAM_SCHMIDT_COST·m)
    products (the first grid point costs the most vectors, so a second is always tried), or
    m(1 + GRAM_SCHMIDT_COST·min(m, ``window``)) with incomplete orthogonalisation
    (:func:`krylov_grid`).
    """
    m_max = basis.shape[0] - 1
    beta = np.linalg.norm(v)
    if beta == 0:
        return np.repeat(v[None, :], points, axis=0)
    hess = np.zeros((m_max + 1, m_max), dtype=basis.dtype)
    basis[0] = v / beta
    reach, needed = 0, [0]  # needed[i]: the basis size at which grid point i was reached

    def cost(m: float) -> float:
        return m * (1.0 + GRAM_SCHMIDT_COST * (m if window is None else min(m, window)))

    for j in range(m_max):
        lo = 0 if window is None else max(0, j + 1 - window)
        w = _product(apply, basis, j)
        w, norm = _orthogonalize(basis[lo:], j + 1 - lo, w, hess[lo:, j], scratch)
        hess[j + 1, j] = norm
        m = j + 1
        exact = norm < 1e-14  # an invariant subspace: every time is exact
        while reach < points:
            tau = (reach + 1) * dt
            small = sla.expm(tau * hess[:m, :m])
            if not (exact or beta * norm * abs(small[m - 1, 0]) * tau < tol):
                break
            reach += 1
            needed.append(m)
        if reach and (reach == points or exact or m == m_max):
            break
        if reach > 1:  # (the first grid point costs the most vectors: always try a second)
            nxt = max(m + 1, 2 * needed[-1] - needed[-2])
            if cost(nxt) / (reach + 1) >= cost(m) / reach:
                break
        if m < m_max:
            np.divide(w, norm, out=basis[m])  # (w may be basis[m] itself)
    else:
        return None
    if reach == 0:
        return None
    one = sla.expm(dt * hess[:m, :m])  # exp(i·dt·H) e₀ by repeated products with exp(dt·H)
    coef = np.empty((m, reach), dtype=one.dtype)
    col = np.zeros(m, dtype=one.dtype)
    col[0] = beta
    for i in range(reach):
        col = one @ col
        coef[:, i] = col
    return np.asarray(coef.T @ basis[:m])


def _arnoldi_step(
    apply: Callable[[np.ndarray], np.ndarray],
    v: np.ndarray,
    h: float,
    basis: np.ndarray,
    scratch: np.ndarray,
    tol: float,
    hint: str,
    depth: int = 0,
) -> np.ndarray:
    """exp(G h)v by one Arnoldi basis in ``basis`` (see :func:`_krylov_steps`), or by two
    half steps when it needs more than KRYLOV_VECTORS vectors."""
    m_max = basis.shape[0] - 1
    beta = np.linalg.norm(v)
    if beta == 0:
        return v
    hess = np.zeros((m_max + 1, m_max), dtype=basis.dtype)
    basis[0] = v / beta
    for j in range(m_max):
        w, norm = _orthogonalize(basis, j + 1, _product(apply, basis, j), hess[:, j], scratch)
        hess[j + 1, j] = norm
        small = sla.expm(h * hess[: j + 1, : j + 1])
        err = beta * abs(hess[j + 1, j]) * abs(small[j, 0]) * h
        if err < tol or hess[j + 1, j] < 1e-14:
            return np.asarray(beta * (small[:, 0] @ basis[: j + 1]))
        np.divide(w, norm, out=basis[j + 1])  # (w may be basis[j + 1] itself)
    if depth >= 10:
        raise ConvergenceError(
            f"a Krylov time step of length {h:.2e} needs more than {m_max} vectors: "
            "the model is too stiff for the propagator" + (f"; {hint}" if hint else "")
        )
    half = _arnoldi_step(apply, v, h / 2, basis, scratch, tol, hint, depth + 1)
    return _arnoldi_step(apply, half, h / 2, basis, scratch, tol, hint, depth + 1)
