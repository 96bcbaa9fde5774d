"""Element-wise passes over the charge blocks of :mod:`._block_kernels`: packing a Hermitian
operator into its real parameters and back, and the pivot scalings of Eisenstat's product.

Packing of a Hermitian block (row-major, local indices): r_ij = Re X_ij for i ≤ j and
r_ij = Im X_ji for i > j; the complex blocks hold both triangles.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, fastmath=True)
def unpack(r: np.ndarray, x: np.ndarray, sizes: np.ndarray, offsets: np.ndarray) -> None:
    """x = the Hermitian complex blocks of the packed real ``r``."""
    for b in range(sizes.size):
        n = sizes[b]
        o = offsets[b]
        for i in range(n):
            x[o + i * n + i] = r[o + i * n + i]
            for j in range(i + 1, n):
                z = complex(r[o + i * n + j], r[o + j * n + i])
                x[o + i * n + j] = z
                x[o + j * n + i] = z.conjugate()


@njit(cache=True, fastmath=True)
def pack(x: np.ndarray, r: np.ndarray, sizes: np.ndarray, offsets: np.ndarray) -> None:
    """r = the packed real parameters of the complex blocks ``x`` (upper triangles read)."""
    for b in range(sizes.size):
        n = sizes[b]
        o = offsets[b]
        for i in range(n):
            r[o + i * n + i] = x[o + i * n + i].real
            for j in range(i + 1, n):
                z = x[o + i * n + j]
                r[o + i * n + j] = z.real
                r[o + j * n + i] = z.imag


@njit(cache=True, fastmath=True)
def scaled_pack(
    x: np.ndarray, out: np.ndarray, add: bool, layout: tuple, sizes: np.ndarray, offs: np.ndarray
) -> None:
    """out (+)= pack(D X) on the unknowns, D the pivots of :func:`gauss_seidel` (1/``dinv``;
    base entries: 0)."""
    bstart, dinv, sub = layout[1], layout[4], layout[5]
    for b in range(sizes.size):
        n = sizes[b]
        o = offs[b]
        g0 = bstart[b]
        for i in range(n):
            for j in range(i, n):
                p = o + i * n + j
                if sub[g0 + i] == 0 and sub[g0 + j] == 0:
                    val = 0j
                elif j == i:
                    val = complex(x[p].real / dinv[p].real, 0.0)
                else:
                    val = x[p] / complex(dinv[p])
                if add:
                    out[p] += val.real
                    if j > i:
                        out[o + j * n + i] += val.imag
                else:
                    out[p] = val.real
                    if j > i:
                        out[o + j * n + i] = val.imag


@njit(cache=True, fastmath=True)
def eisenstat_middle(
    x: np.ndarray,
    out: np.ndarray,
    w: np.ndarray,
    layout: tuple,
    sizes: np.ndarray,
    offs: np.ndarray,
    diag: np.ndarray,
) -> None:
    """out = pack(D X) and w −= pack((2D − Dg) X) on the unknowns, in one pass (D the pivots
    1/``dinv``, Dg the diagonal of R ℒ E; base entries of ``out``: 0): the first half of the
    result and the right side of the forward solve in Eisenstat's product."""
    bstart, dinv, sub = layout[1], layout[4], layout[5]
    for b in range(sizes.size):
        n = sizes[b]
        o = offs[b]
        g0 = bstart[b]
        for i in range(n):
            for j in range(i, n):
                p = o + i * n + j
                if sub[g0 + i] == 0 and sub[g0 + j] == 0:
                    out[p] = 0.0
                    if j > i:
                        out[o + j * n + i] = 0.0
                elif j == i:
                    d = 1.0 / dinv[p].real
                    out[p] = d * x[p].real
                    w[p] -= (2.0 * d - diag[p].real) * x[p].real
                else:
                    d = 1.0 / complex(dinv[p])
                    val = d * x[p]
                    rhs = (2.0 * d - diag[p]) * x[p]
                    out[p] = val.real
                    out[o + j * n + i] = val.imag
                    w[p] -= rhs.real
                    w[o + j * n + i] -= rhs.imag
