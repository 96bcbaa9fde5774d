"""The Krylov extension step of the charge-block cascade (:func:`.cascaded.cascaded_block_states`)
on its two routes: the Hermitian route (:func:`hermitian_extension`, the real parameters of a
Hermitian ρ′, :mod:`._block_kernels`) for any charge-conserving ℒ, and the real route
(:func:`real_extension`, the entries i ≤ j of a real symmetric ρ′, :mod:`._real_kernels`) where
ℒ commutes with complex conjugation (the dual rail at zero detuning): half the unknowns and
real instead of complex arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ._block_kernels import HermitianKernels
from ._real_kernels import SymmetricKernels
from .krylov import krylov_solve, split_solve

if TYPE_CHECKING:
    from .cascaded import BlockLiouvillian

__all__ = ["hermitian_extension", "real_extension"]


def _embed(
    u: np.ndarray, flat: np.ndarray, index: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
) -> np.ndarray:
    """ρ′ = E u into ``flat``: the unknowns, diagonal-type ones also entering their base entry
    with −1 (``index`` = base, unknown, diag_type, targets of :func:`_extension`)."""
    base, unknown, diag_type, targets = index
    flat[base] = 0.0
    flat[unknown] = u
    flat[targets] -= flat[diag_type]  # one diagonal-type entry per base entry for d = 2
    return flat


def hermitian_extension(
    op: BlockLiouvillian,
    base_values: np.ndarray,
    x0: np.ndarray | None,
    index: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    rtol: float,
    *,
    stage: int,
    hint: str,
) -> tuple[np.ndarray, int]:
    """Krylov solution of R ℒ E u = −R ℒ ρ₀ (ρ₀ = ``base_values`` on the base entries, ``x0``
    an optional packed guess of u); returns ρ′ = E u packed (:meth:`Blocks.pack`) and the
    number of ℒ-products.

    The unknowns are the real parameters of a Hermitian ρ′ (:meth:`Blocks.pack`): ℒ maps
    Hermitian operators to Hermitian ones, so the solve is real and its vectors hold 8 bytes per
    stored entry instead of 16. ℒ and the preconditioner are the compiled kernels of
    :class:`~._block_kernels.HermitianKernels`: a symmetric Gauss–Seidel sweep (forward, then
    backward, in the storage order of the blocks) instead of Jacobi cuts the products 3–6×
    (more on the later stages: 98 → 28 on the last of two pairs, 242 → … of four) for about
    two ℒ-products of work. Where the sweeps split R ℒ E exactly (the dual rail) the same
    preconditioner runs in Eisenstat's form (:func:`.krylov.split_solve`): a preconditioned
    product then costs a backward and a forward solve, no ℒ-product.
    """
    lay = op.lay
    base, unknown = index[:2]
    kern = HermitianKernels(op, op.d)
    kern.work[:] = 0.0
    kern.work[base] = base_values
    xbuf = lay.pack(kern.work, np.zeros(lay.size))  # embedded, packed X (matvec in, GS iterate)
    vbuf = kern.apply(xbuf, np.zeros(lay.size))  # packed ℒX (matvec output, GS right side)
    rhs = -vbuf[unknown]

    def prec(v: np.ndarray) -> np.ndarray:
        vbuf[unknown] = v
        v[:] = kern.sweeps(vbuf, xbuf)[unknown]
        return v

    def matvec(u: np.ndarray) -> np.ndarray:
        return kern.apply(_embed(u, xbuf, index), vbuf)[unknown]

    def through(f: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> Callable:
        def g(v: np.ndarray) -> np.ndarray:  # f on the unknowns (other entries of xbuf: 0)
            xbuf[base] = 0.0
            xbuf[unknown] = v
            return f(xbuf, vbuf)[unknown]

        return g

    if kern.exact_split:  # Eisenstat's form of the same preconditioner
        split = (through(kern.split_apply), through(kern.lower), through(kern.upper))
        u, products = split_solve(matvec, split, rhs, x0, rtol, prec=prec, stage=stage, hint=hint)
    else:
        u, products = krylov_solve(matvec, rhs, prec, x0, rtol, stage=stage, hint=hint)
    return _embed(u, xbuf, index), products


def real_extension(
    kern: SymmetricKernels,
    base: np.ndarray,
    base_values: np.ndarray,
    x0: np.ndarray | None,
    rtol: float,
    *,
    stage: int,
    hint: str,
) -> tuple[np.ndarray, int]:
    """:func:`hermitian_extension` on the real route: R ℒ E u = −R ℒ ρ₀ for the unknowns u of
    a real symmetric ρ′ (:class:`._real_kernels.SymmetricKernels`, ``x0`` its optional guess
    of u); returns ρ = ρ₀ + E u as complex blocks (imaginary parts zero) and the number of
    ℒ-products. ρ₀ is the real part of ``base_values`` (the previous stage's state, real up to
    the round-off of its own solve) on the flat positions ``base``."""
    kern.work[:] = 0.0
    kern.work[base] = base_values.real
    rhs = -kern.apply_blocks(kern.work, np.empty(kern.size))
    wbuf, obuf = np.empty(kern.size), np.empty(kern.size)

    def matvec(u: np.ndarray) -> np.ndarray:  # a new vector: GMRES may keep it
        return kern.apply(u, np.empty(kern.size))

    def prec(v: np.ndarray) -> np.ndarray:  # in place: the sweeps read v before it is written
        return kern.sweeps(v, v)

    def split_op(v: np.ndarray) -> np.ndarray:  # obuf is consumed before the next product
        wbuf[:] = v
        return kern.split_apply(wbuf, obuf)

    if kern.exact_split:
        split = (
            split_op,
            lambda v: kern.lower(v, np.empty(kern.size)),
            lambda v: kern.upper(v, np.empty(kern.size)),
        )
        u, products = split_solve(matvec, split, rhs, x0, rtol, prec=prec, stage=stage, hint=hint)
    else:
        u, products = krylov_solve(matvec, rhs, prec, x0, rtol, stage=stage, hint=hint)
    del rhs
    x = kern.embed(u)
    del u
    rho = x.astype(complex)
    rho[base] += base_values  # E u leaves ρ₀ out of the base entries
    return rho, products
