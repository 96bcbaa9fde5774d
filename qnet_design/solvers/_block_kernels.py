"""Compiled kernels of the charge-block cascade: ℒ on a Hermitian operator and a Gauss–Seidel
sweep, both entry by entry on the packed real parameters (:meth:`.cascaded.Blocks.pack`).

Entry (i, j) of ℒX in a charge block is

    (ℒX)_ij = Dg_ij X_ij − i Σ_k H_ik X_kj + i Σ_l X_il H̄_jl + Σ_C Σ_kl C_ik X_kl C̄_jl,

with H the off-diagonal part of H_eff inside the block, Dg the diagonal of ℒ and C the jump
blocks that end in this block (:class:`.cascaded.BlockLiouvillian`). For a Hermitian X only the
entries i ≤ j are computed, (ℒX)_ji is their conjugate. Computing one entry at a time is what
lets a Gauss–Seidel sweep update the entries in place; it also avoids the complex temporaries
of sparse × dense products.

Packing of a Hermitian block (row-major, local indices): r_ij = Re X_ij for i ≤ j and
r_ij = Im X_ji for i > j.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

if TYPE_CHECKING:
    from .cascaded import BlockLiouvillian


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


# ``ops`` (HermitianKernels._args): sizes, offsets, diag, then H as stacked CSR (h_ptr, h_idx,
# h_val; block b's rows from row h_row0[b]), then the jump blocks: those ending in block b are
# jl_ptr[b] … jl_ptr[b + 1] − 1, jump q starts from block j_src[q], its rows from row j_row0[q]
# of the stacked CSR (c_ptr, c_idx, c_val). Column indices are block-local.


@njit(cache=True, fastmath=True)
def _jump_products(x, z, b, ops):
    """Z_q = X_src C_q† (n_src × n_b, row-major, one after the other in ``z``) for every jump
    block q ending in block b."""
    sizes, offsets = ops[0], ops[1]
    jl_ptr, j_src, j_row0, c_ptr, c_idx, c_val = ops[7:]
    n = sizes[b]
    zo = 0
    for q in range(jl_ptr[b], jl_ptr[b + 1]):
        src = j_src[q]
        ns = sizes[src]
        os_ = offsets[src]
        cr = j_row0[q]
        for k in range(ns):
            row = os_ + k * ns
            for j in range(n):
                acc = 0j
                for u in range(c_ptr[cr + j], c_ptr[cr + j + 1]):
                    acc += x[row + c_idx[u]] * c_val[u].conjugate()
                z[zo + k * n + j] = acc
        zo += ns * n


@njit(cache=True, fastmath=True)
def _row_h(x, y, o, n, i, j0, ops, hr):
    """y[j] += (−i H X)_ij for j ≥ j0, row i of the block at offset o (size n, rows of H from
    row hr)."""
    h_ptr, h_idx, h_val = ops[3], ops[4], ops[5]
    for t in range(h_ptr[hr + i], h_ptr[hr + i + 1]):
        c = h_val[t]
        c = complex(c.imag, -c.real)  # −i h
        row = o + h_idx[t] * n
        for j in range(j0, n):
            y[j] += c * x[row + j]


@njit(cache=True, fastmath=True)
def _row_jumps(y, z, b, i, ops):
    """y[j] += (Σ C X C†)_ij for j ≥ i in row i of block b, Z = X C† from
    :func:`_jump_products` in ``z``."""
    sizes = ops[0]
    jl_ptr, j_src, j_row0, c_ptr, c_idx, c_val = ops[7:]
    n = sizes[b]
    zo = 0
    for q in range(jl_ptr[b], jl_ptr[b + 1]):
        ns = sizes[j_src[q]]
        cr = j_row0[q]
        for t in range(c_ptr[cr + i], c_ptr[cr + i + 1]):
            c = c_val[t]
            row = zo + c_idx[t] * n
            for j in range(i, n):
                y[j] += c * z[row + j]
        zo += ns * n


@njit(cache=True, fastmath=True, inline="always")
def _right_h(x, o, n, i, j, ops, hr):
    """(i X H†)_ij of block (o, n)."""
    h_ptr, h_idx, h_val = ops[3], ops[4], ops[5]
    s = 0j
    for t in range(h_ptr[hr + j], h_ptr[hr + j + 1]):
        s += x[o + i * n + h_idx[t]] * h_val[t].conjugate()
    return complex(-s.imag, s.real)


@njit(cache=True, fastmath=True)
def hermitian_apply(
    x: np.ndarray,
    out: np.ndarray,
    y: np.ndarray,
    z: np.ndarray,
    ops: tuple,
) -> None:
    """out = pack(ℒX) for the Hermitian complex X in ``x`` (all blocks; ``ops`` as
    :meth:`HermitianKernels._args`). ``y`` holds K = −i H X of one block (then i X H† = K†, as
    X = X†), ``z`` the X C† of one block."""
    sizes, offsets, diag, h_row0 = ops[0], ops[1], ops[2], ops[6]
    for b in range(sizes.size):
        n = sizes[b]
        o = offsets[b]
        hr = h_row0[b]
        _jump_products(x, z, b, ops)
        for i in range(n):
            k = y[i * n : (i + 1) * n]
            k[:] = 0.0
            _row_h(x, k, o, n, i, 0, ops, hr)
        for i in range(n):
            row = y[n * n : n * n + n]
            for j in range(i, n):
                row[j] = diag[o + i * n + j] * x[o + i * n + j] + y[i * n + j]
                row[j] += y[j * n + i].conjugate()
            _row_jumps(row, z, b, i, ops)
            for j in range(i, n):
                out[o + i * n + j] = row[j].real
                if j > i:
                    out[o + j * n + i] = row[j].imag


@njit(cache=True, fastmath=True)
def gauss_seidel(
    x: np.ndarray,
    v: np.ndarray,
    y: np.ndarray,
    z: np.ndarray,
    backward: bool,
    layout: tuple,
    ops: tuple,
) -> None:
    """One Gauss–Seidel sweep for R ℒ E u = v on the Hermitian unknowns, in place on the
    complex X = E u in ``x`` (``v`` packed; ``y``, ``z`` scratch as for hermitian_apply).

    Visits the unknowns (i, j), i ≤ j, row by row and block by block in the storage order
    (``backward``: reversed) and sets X_ij += (V_ij − (ℒX)_ij)/ℒ_(ij),(ij) (``dinv``),
    X_ji = X̄_ij. The terms of ℒX from other rows (H X, C X C†) are formed once per row (per
    block for X C†), i X H† entry by entry, so the entries of a row see each other's updates.
    The base entry |p0⟩⟨q0| of a diagonal-type unknown |pa⟩⟨qa| (new factor of dimension
    ``d``) is kept at minus their sum, as E does. ``glob`` is the global basis index of every
    block-local state (block b from ``bstart[b]``); ``block``/``local`` locate a global index
    (``layout`` = d, glob, bstart, block, local, dinv).
    """
    d, glob, bstart, block, local, dinv = layout
    sizes, offsets, diag, h_row0 = ops[0], ops[1], ops[2], ops[6]
    nb = sizes.size
    for bi in range(nb):
        b = nb - 1 - bi if backward else bi
        n = sizes[b]
        o = offsets[b]
        g0 = bstart[b]
        hr = h_row0[b]
        _jump_products(x, z, b, ops)
        for ii in range(n):
            i = n - 1 - ii if backward else ii
            gi = glob[g0 + i]
            si = gi % d
            for j in range(i, n):  # the terms of ℒX from other rows, before this row's updates
                y[j] = diag[o + i * n + j] * x[o + i * n + j]
            _row_h(x, y, o, n, i, i, ops, hr)
            _row_jumps(y, z, b, i, ops)
            for jj in range(n - i):
                j = n - 1 - jj if backward else i + jj
                gj = glob[g0 + j]
                sj = gj % d
                if si == 0 and sj == 0:
                    continue  # a base entry: not an unknown
                p = o + i * n + j
                yv = y[j] + _right_h(x, o, n, i, j, ops, hr)
                if j > i:
                    delta = complex(v[p] - yv.real, v[o + j * n + i] - yv.imag) * dinv[p]
                else:
                    delta = complex((v[p] - yv.real) * dinv[p].real, 0.0)
                x[p] += delta
                if j > i:
                    x[o + j * n + i] += delta.conjugate()
                if si == sj:  # diagonal type: the base entry follows (ker Tr_s)
                    gb = gi - si
                    hb = gj - si
                    bb = block[gb]
                    nbb = sizes[bb]
                    ob = offsets[bb]
                    x[ob + local[gb] * nbb + local[hb]] -= delta
                    if j > i:
                        x[ob + local[hb] * nbb + local[gb]] -= delta.conjugate()


class HermitianKernels:
    """The arrays of a :class:`.cascaded.BlockLiouvillian` laid out for the kernels above, and
    the two operations the Krylov stages need: ℒ on packed Hermitian operators and the
    symmetric Gauss–Seidel preconditioner (a forward then a backward sweep from zero)."""

    def __init__(self, op: BlockLiouvillian, d: int) -> None:
        lay = op.lay
        self.d = d
        self.sizes = lay.sizes.astype(np.int64)
        self.offsets = lay.offsets.astype(np.int64)
        self.bstart = np.concatenate([[0], np.cumsum(self.sizes)]).astype(np.int64)
        self.glob = np.concatenate(lay.index).astype(np.int64)
        self.block = lay.block.astype(np.int64)
        self.local = lay.local.astype(np.int64)
        self.diag = op.diag
        self.work = np.zeros(lay.size, dtype=complex)  # X as complex blocks
        dg = op.diag + op.jump_diag
        dg[np.abs(dg) < 1e-12] = 1.0
        self.dinv = np.reciprocal(dg).astype(np.complex64)  # a preconditioner: 8 bytes do
        del dg
        self.h = (*_stack(op.h), self.bstart[:-1].copy())
        order = sorted(range(len(op.jumps)), key=lambda q: op.jumps[q][0])
        jumps = [op.jumps[q] for q in order]
        counts = np.bincount([t for t, *_ in jumps], minlength=self.sizes.size)
        jl_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        j_src = np.array([s for _, s, *_ in jumps], dtype=np.int64)
        blocks = [c for _, _, c, _ in jumps]
        j_row0 = np.concatenate([[0], np.cumsum([c.shape[0] for c in blocks])])[:-1]
        self.c = (jl_ptr, j_src, j_row0.astype(np.int64), *_stack(blocks))
        big = int(self.sizes.max())
        self.row = np.zeros(big, dtype=complex)
        self.k = np.zeros(big * big + big, dtype=complex)  # −i H X of one block, and a row
        zsize = np.zeros(self.sizes.size, dtype=np.int64)
        for t, src, *_ in jumps:
            zsize[t] += self.sizes[t] * self.sizes[src]
        self.z = np.zeros(int(zsize.max(initial=0)), dtype=complex)  # X C† of one block

    def _args(self) -> tuple:
        h_ptr, h_idx, h_val, h_row0 = self.h
        return (self.sizes, self.offsets, self.diag, h_ptr, h_idx, h_val, h_row0, *self.c)

    def apply(self, r: np.ndarray, out: np.ndarray) -> np.ndarray:
        """out = pack(ℒX), X the packed Hermitian operator ``r``."""
        unpack(r, self.work, self.sizes, self.offsets)
        hermitian_apply(self.work, out, self.k, self.z, self._args())
        return out

    def sweeps(self, v: np.ndarray, r: np.ndarray) -> np.ndarray:
        """r = M⁻¹v (packed) for the symmetric Gauss–Seidel M of R ℒ E: a forward and a
        backward sweep from zero (``v`` packed on the same layout)."""
        self.work[:] = 0.0
        lay = (self.d, self.glob, self.bstart, self.block, self.local, self.dinv)
        gauss_seidel(self.work, v, self.row, self.z, False, lay, self._args())
        gauss_seidel(self.work, v, self.row, self.z, True, lay, self._args())
        pack(self.work, r, self.sizes, self.offsets)
        return r


def _stack(mats: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row pointers, column indices and values of CSR matrices stacked on top of each other."""
    if not mats:
        return np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, complex)
    nnz = np.cumsum([0] + [m.nnz for m in mats])
    ptr = np.concatenate(
        [mats[0].indptr[:1]] + [m.indptr[1:] + nnz[q] for q, m in enumerate(mats)]
    ).astype(np.int64)
    idx = np.concatenate([m.indices for m in mats]).astype(np.int32)
    val = np.concatenate([m.data for m in mats]).astype(complex)
    return ptr, idx, val
