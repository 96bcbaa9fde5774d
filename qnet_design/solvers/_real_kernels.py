"""The real route of the charge-block cascade: ℒ and the Gauss–Seidel sweeps on real symmetric
operators, for a Liouvillian that commutes with complex conjugation.

If K = −i H (H the off-diagonal part of H_eff inside the blocks), the diagonal Dg of ℒ and every
jump block C are real (:func:`is_real`; the dual rail at zero detuning: the cascade couplings
are i(a†b − b†a), the decay −(i/2)ΣL†L and the jumps are real in the Fock/Bogoliubov basis),
then ℒ maps real symmetric operators onto themselves,

    (ℒX)_ij = Dg_ij X_ij + Σ_k K_ik X_kj + Σ_l X_il K_jl + Σ_C Σ_kl C_ik X_kl C_jl,

and the unique steady state is real symmetric: the imaginary half of the packed Hermitian
unknowns (:mod:`._block_kernels`) stays zero. Here the Krylov unknowns are only the entries
i ≤ j of every block that are not base entries (half of the Hermitian route's: n(n + 1)/2
per block of n states instead of n², base entries aside), in the order block, row i,
column j ≥ i; the kernels hold X as full real symmetric blocks (both triangles, 8 bytes per
stored entry instead of 16) and read and write the unknowns by running counters, so no index
array is stored. The arithmetic is that of :mod:`._block_kernels` with real numbers: the same
exact split, Eisenstat product, two chains on two threads and block order, so one and two
threads give identical results. ℒ runs on two threads too, each on its half of the blocks
(every block writes only its own unknowns: the same result on one or two threads).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from ._block_kernels import BlockStructure, _main_thread, _skipped

if TYPE_CHECKING:
    from .cascaded import BlockLiouvillian


def is_real(op: BlockLiouvillian) -> bool:
    """Whether ℒ commutes with complex conjugation on the blocks: Dg, K = −iH and every jump
    block real — checked exactly on the assembled operator, whatever the model."""
    if np.any(op.diag.imag) or np.any(np.imag(op.jump_diag)):
        return False
    if any(np.any(h.data.real) for h in op.h):
        return False
    return not any(np.any(c.data.imag) for _, _, c, _ in op.jumps)


@njit(cache=True, fastmath=True)
def _base(sub, g, i, j):
    """Whether entry (i, j) of the block whose states start at ``g`` is a base entry (the new
    factor in state 0 on both sides: not an unknown)."""
    return sub[g + i] == 0 and sub[g + j] == 0


@njit(cache=True, fastmath=True)
def row_starts(sizes: np.ndarray, bstart: np.ndarray, sub: np.ndarray) -> np.ndarray:
    """Index of the first unknown of every block row (global row ``bstart[b] + i``), and the
    number of unknowns at the end."""
    out = np.zeros(bstart[-1] + 1, dtype=np.int64)
    t = 0
    for b in range(sizes.size):
        n = sizes[b]
        g = bstart[b]
        for i in range(n):
            out[g + i] = t
            for j in range(i, n):
                if not _base(sub, g, i, j):
                    t += 1
    out[-1] = t
    return out


@njit(cache=True, fastmath=True)
def gather(x: np.ndarray, u: np.ndarray, sizes, offsets, bstart, sub) -> None:
    """u = the unknowns (entries i ≤ j, base entries aside) of the blocks ``x`` (read as real)."""
    t = 0
    for b in range(sizes.size):
        n = sizes[b]
        o = offsets[b]
        g = bstart[b]
        for i in range(n):
            for j in range(i, n):
                if not _base(sub, g, i, j):
                    u[t] = x[o + i * n + j].real
                    t += 1


@njit(cache=True, fastmath=True)
def embed(u: np.ndarray, x: np.ndarray, layout: tuple, sizes, offsets) -> None:
    """x = E u as full symmetric blocks: the unknowns and their mirror images, and every base
    entry minus the diagonal-type unknowns |pa⟩⟨qa| (a ≥ 1) that enter it (ker Tr_s)."""
    glob, bstart, block, local, _, sub = layout
    for b in range(sizes.size):
        n = sizes[b]
        o = offsets[b]
        g = bstart[b]
        for i in range(n):
            if sub[g + i] == 0:
                for j in range(n):
                    if sub[g + j] == 0:
                        x[o + i * n + j] = 0.0
    t = 0
    for b in range(sizes.size):
        n = sizes[b]
        o = offsets[b]
        g = bstart[b]
        for i in range(n):
            si = sub[g + i]
            for j in range(i, n):
                sj = sub[g + j]
                if si == 0 and sj == 0:
                    continue
                val = u[t]
                t += 1
                x[o + i * n + j] = val
                x[o + j * n + i] = val
                if si == sj:
                    gb = glob[g + i] - si
                    hb = glob[g + j] - si
                    bb = block[gb]
                    nbb = sizes[bb]
                    ob = offsets[bb]
                    x[ob + local[gb] * nbb + local[hb]] -= val
                    if j > i:
                        x[ob + local[hb] * nbb + local[gb]] -= val


# ``ops`` (SymmetricKernels._args): as in _block_kernels, with real values: sizes, offsets,
# diag (Dg), K as stacked CSR (k_ptr, k_idx, k_val; block b's rows from row k_row0[b]), then the
# jump blocks (jl_ptr, j_src, j_row0, c_ptr, c_idx, c_val).


@njit(cache=True, fastmath=True)
def _jump_products(x, z, b, ops, skip, rank, sub, bstart):
    """Z_q = X_src C_qᵀ for every jump block q ending in block b (as
    :func:`._block_kernels._jump_products`, real)."""
    sizes, offsets = ops[0], ops[1]
    jl_ptr, j_src, j_row0, c_ptr, c_idx, c_val = ops[7:]
    n = sizes[b]
    zo = 0
    for q in range(jl_ptr[b], jl_ptr[b + 1]):
        src = j_src[q]
        ns = sizes[src]
        os_ = offsets[src]
        cr = j_row0[q]
        if _skipped(rank[src], rank[b], skip):
            zo += ns * n
            continue
        for k in range(ns):
            row = os_ + k * ns
            base_row = skip != 0 and sub[bstart[src] + k] == 0
            for j in range(n):
                if base_row and sub[bstart[b] + j] == 0:
                    continue
                acc = 0.0
                for u in range(c_ptr[cr + j], c_ptr[cr + j + 1]):
                    acc += x[row + c_idx[u]] * c_val[u]
                z[zo + k * n + j] = acc
        zo += ns * n


@njit(cache=True, fastmath=True)
def _row_k(x, y, o, n, i, j0, ops, hr, sub, skip):
    """y[j] += (K X)_ij for j ≥ j0, row i of the block at offset o; with ``skip`` ≠ 0 without
    the rows k that hold zeros in a solve from zero (as :func:`._block_kernels._row_h_lean`)."""
    k_ptr, k_idx, k_val = ops[3], ops[4], ops[5]
    for t in range(k_ptr[hr + i], k_ptr[hr + i + 1]):
        k = k_idx[t]
        if skip != 0 and sub[k] != 0 and (k - i) * skip > 0:
            continue
        c = k_val[t]
        row = o + k * n
        for j in range(j0, n):
            y[j] += c * x[row + j]


@njit(cache=True, fastmath=True)
def _col_k(x, o, n, i, ops, hr):
    """(K X)_ii read now, from row i (X_ki = X_ik: a row instead of a strided column)."""
    k_ptr, k_idx, k_val = ops[3], ops[4], ops[5]
    s = 0.0
    for t in range(k_ptr[hr + i], k_ptr[hr + i + 1]):
        s += k_val[t] * x[o + i * n + k_idx[t]]
    return s


@njit(cache=True, fastmath=True, inline="always")
def _right_k(x, o, n, i, j, ops, hr, sub, skip, ksplit):
    """(X Kᵀ)_ij of block (o, n); with ``skip`` ≠ 0 (a sweep from zero) without the entries
    X_il still zero: l after j in the sweep direction (``skip`` = 1: l > j, −1: l < j) unless
    X_il is a base entry (those may have changed while other blocks were swept). Row j of K
    holds its columns l < j (base columns last), then l > j (base columns first), split at
    ``ksplit`` = (first base column before j, first column after j, end of the base columns
    after j), so that no term is tested."""
    k_ptr, k_idx, k_val = ops[3], ops[4], ops[5]
    r = hr + j
    lo, hi = k_ptr[r], k_ptr[r + 1]
    if skip > 0:
        hi = ksplit[2, r] if sub[i] == 0 else ksplit[1, r]
    elif skip < 0:
        lo = ksplit[0, r] if sub[i] == 0 else ksplit[1, r]
    s = 0.0
    for t in range(lo, hi):
        s += x[o + i * n + k_idx[t]] * k_val[t]
    return s


@njit(cache=True, fastmath=True)
def _row_jumps(y, z, b, i, ops, skip, rank):
    """y[j] += (Σ C X Cᵀ)_ij for j ≥ i in row i of block b, Z = X Cᵀ in ``z``."""
    sizes = ops[0]
    jl_ptr, j_src, j_row0, c_ptr, c_idx, c_val = ops[7:]
    n = sizes[b]
    zo = 0
    for q in range(jl_ptr[b], jl_ptr[b + 1]):
        ns = sizes[j_src[q]]
        cr = j_row0[q]
        if _skipped(rank[j_src[q]], rank[b], skip):
            zo += ns * n
            continue
        for t in range(c_ptr[cr + i], c_ptr[cr + i + 1]):
            c = c_val[t]
            row = zo + c_idx[t] * n
            for j in range(i, n):
                y[j] += c * z[row + j]
        zo += ns * n


@njit(cache=True, fastmath=True)
def _apply_block(x, out, y, z, b, layout, ops, starts):
    """The unknowns of (ℒX) in block b (from ``starts[bstart[b]]`` on in ``out``) for the real
    symmetric X in ``x`` (full blocks). ``y`` holds K X of the block (then X Kᵀ = (K X)ᵀ)
    and a row, ``z`` the X Cᵀ of the block."""
    bstart, sub = layout[1], layout[5]
    sizes, offsets, diag, k_row0 = ops[0], ops[1], ops[2], ops[6]
    n = sizes[b]
    o = offsets[b]
    g = bstart[b]
    hr = k_row0[b]
    t = starts[g]
    _jump_products(x, z, b, ops, 0, sizes, sub, bstart)
    for i in range(n):
        k = y[i * n : (i + 1) * n]
        k[:] = 0.0
        _row_k(x, k, o, n, i, 0, ops, hr, sub, 0)
    row = y[n * n : n * n + n]
    for i in range(n):
        for j in range(i, n):
            row[j] = diag[o + i * n + j] * x[o + i * n + j] + y[i * n + j] + y[j * n + i]
        _row_jumps(row, z, b, i, ops, 0, sizes)
        for j in range(i, n):
            if not _base(sub, g, i, j):
                out[t] = row[j]
                t += 1


@njit(cache=True, fastmath=True, parallel=True)
def symmetric_apply(x, out, ys, zs, halves, layout, ops, starts) -> None:
    """out = R ℒ X, the blocks in two halves (``halves``: the first block of the second) on two
    threads: every block writes only its own unknowns, so one or two threads give the same
    result. ``ys``, ``zs``: the scratch of :func:`_apply_block`, one row per thread."""
    nb = ops[0].size
    for h in prange(2):
        lo = 0 if h == 0 else halves
        hi = halves if h == 0 else nb
        for b in range(lo, hi):
            _apply_block(x, out, ys[h], zs[h], b, layout, ops, starts)


@njit(cache=True, fastmath=True)
def serial_apply(x, out, y, z, layout, ops, starts) -> None:
    """:func:`symmetric_apply` on the calling thread."""
    for b in range(ops[0].size):
        _apply_block(x, out, y, z, b, layout, ops, starts)


@njit(cache=True, fastmath=True)
def gauss_seidel(x, v, y, z, backward, exact, order, rank, rows, layout, ops) -> None:
    """One Gauss–Seidel sweep for R ℒ E u = v in place on the real symmetric X = E u in ``x``
    (``v`` on the unknowns; ``rows`` = :func:`row_starts` and :attr:`SymmetricKernels.ksplit`):
    :func:`._block_kernels.gauss_seidel` with real numbers, the blocks in ``order``."""
    nb = order.size
    for bi in range(nb):
        b = order[nb - 1 - bi] if backward else order[bi]
        _sweep_block(x, v, y, z, b, backward, exact, rank, rows, layout, ops)


@njit(cache=True, fastmath=True)
def _sweep_block(x, v, y, z, b, backward, exact, rank, rows, layout, ops):
    """The sweep of :func:`gauss_seidel` through block b (as :func:`._block_kernels.
    _sweep_block`; the unknown of entry (i, j) is found by a counter from the row starts)."""
    glob, bstart, block, local, dinv, sub = layout
    starts, ksplit = rows
    sizes, offsets, diag, k_row0 = ops[0], ops[1], ops[2], ops[6]
    skip = 0
    if exact:
        skip = -1 if backward else 1
    n = sizes[b]
    o = offsets[b]
    g0 = bstart[b]
    hr = k_row0[b]
    sb = sub[g0 : g0 + n]
    _jump_products(x, z, b, ops, skip, rank, sub, bstart)
    for ii in range(n):
        i = n - 1 - ii if backward else ii
        gi = glob[g0 + i]
        si = sb[i]
        if exact:  # row i holds zeros still (base entries aside, which are not unknowns)
            y[i:n] = 0.0
            _row_k(x, y, o, n, i, i + 1 if backward else i, ops, hr, sb, skip)
        else:
            for j in range(i, n):  # the terms of ℒX from other rows, before this row's updates
                y[j] = diag[o + i * n + j] * x[o + i * n + j]
            _row_k(x, y, o, n, i, i, ops, hr, sb, 0)
        _row_jumps(y, z, b, i, ops, skip, rank)
        t = starts[g0 + i + 1] - 1 if backward else starts[g0 + i]
        step = -1 if backward else 1
        for jj in range(n - i):
            j = n - 1 - jj if backward else i + jj
            sj = sb[j]
            if si == 0 and sj == 0:
                continue  # a base entry: not an unknown
            p = o + i * n + j
            yv = y[j] + _right_k(x, o, n, i, j, ops, hr, sb, skip, ksplit)
            if exact and backward and j == i:
                yv += _col_k(x, o, n, i, ops, hr)
            delta = (v[t] - yv) * dinv[p]
            t += step
            x[p] += delta
            if j > i:
                x[o + j * n + i] += delta
            if si == sj:  # diagonal type: the base entry follows (ker Tr_s)
                gb = gi - si
                hb = glob[g0 + j] - si
                bb = block[gb]
                nbb = sizes[bb]
                ob = offsets[bb]
                x[ob + local[gb] * nbb + local[hb]] -= delta
                if j > i:
                    x[ob + local[hb] * nbb + local[gb]] -= delta


@njit(cache=True, fastmath=True, parallel=True)
def exact_sweep(x, v, ys, zs, backward, order, rank, cut, rows, layout, ops) -> None:
    """:func:`gauss_seidel` with ``exact``, two chains on two threads, then the rest (as
    :func:`._block_kernels.exact_sweep`; the same result on one or two threads)."""
    nb = order.size
    if backward:
        for bi in range(nb - 1, cut[1] - 1, -1):
            _sweep_block(x, v, ys[0], zs[0], order[bi], True, True, rank, rows, layout, ops)
    for t in prange(2):
        lo = 0 if t == 0 else cut[0]
        hi = cut[0] if t == 0 else cut[1]
        for bi in range(hi - lo):
            b = order[hi - 1 - bi] if backward else order[lo + bi]
            _sweep_block(x, v, ys[t], zs[t], b, backward, True, rank, rows, layout, ops)
    if not backward:
        for bi in range(cut[1], nb):
            _sweep_block(x, v, ys[0], zs[0], order[bi], False, True, rank, rows, layout, ops)


@njit(cache=True, fastmath=True)
def scaled_gather(x, out, w, mode, layout, sizes, offsets, diag) -> None:
    """On the unknowns, with D = 1/``dinv`` (the pivots): out = D X (``mode`` 0), out += D X (1),
    or out = D X and w −= (2D − Dg) X (2: after the backward solve of Eisenstat's product, the
    right side of its forward solve, in the same pass)."""
    bstart, dinv, sub = layout[1], layout[4], layout[5]
    t = 0
    for b in range(sizes.size):
        n = sizes[b]
        o = offsets[b]
        g = bstart[b]
        for i in range(n):
            for j in range(i, n):
                if _base(sub, g, i, j):
                    continue
                p = o + i * n + j
                d = 1.0 / dinv[p]
                if mode == 1:
                    out[t] += d * x[p]
                else:
                    out[t] = d * x[p]
                if mode == 2:
                    w[t] -= (2.0 * d - diag[p]) * x[p]
                t += 1


class SymmetricKernels(BlockStructure):
    """:class:`._block_kernels.HermitianKernels` for a real ℒ (:func:`is_real`) on the real
    symmetric unknowns (module docstring): ℒ, the symmetric Gauss–Seidel sweeps and, where the
    sweeps split R ℒ E exactly, Eisenstat's product, all on vectors of :attr:`size` unknowns."""

    def __init__(self, op: BlockLiouvillian, d: int) -> None:
        super().__init__(op, d)
        self.diag = np.ascontiguousarray(op.diag.real)
        dg = self.diag + np.real(op.jump_diag)
        dg[np.abs(dg) < 1e-12] = 1.0
        self.dinv = np.reciprocal(dg).astype(np.float32)  # a preconditioner: 4 bytes do
        del dg
        self.kr, self.ksplit = self._k_rows()
        self.cr = (*self.c[:-1], np.ascontiguousarray(self.c[-1].real))
        self.starts = row_starts(self.sizes, self.bstart, self.sub)
        self.size = int(self.starts[-1])
        self.work = np.zeros(op.lay.size)  # X as full real symmetric blocks
        big = self.big
        self.ks = np.zeros((2, big * big + big))  # K X of one block and a row, per thread
        self.zs = np.zeros((2, self.zsize))  # X Cᵀ of one block, per thread
        self.k, self.z = self.ks[0], self.zs[0]
        self.ys = np.zeros((2, big))  # row scratch of the two threads
        middle = self.offsets[: self.sizes.size] + self.sizes.astype(np.int64) ** 2 // 2
        self.halves = int(np.searchsorted(middle, op.lay.size // 2))  # blocks of the 2nd thread

    def _k_rows(self) -> tuple[tuple, np.ndarray]:
        """K = −iH (stacked CSR, from :class:`._block_kernels.BlockStructure`; real here) with
        every row ordered as :func:`_right_k` reads it, and its split points."""
        h_ptr, h_idx, h_val, h_row0 = self.h
        row = np.repeat(np.arange(h_ptr.size - 1), np.diff(h_ptr))  # = the global basis position
        local = row - self.bstart[self.block[self.glob[row]]]  # j, the row within its block
        after = h_idx > local
        base = self.sub[row - local + h_idx] == 0
        order = np.lexsort((h_idx, after != base, after, row))  # base last before j, first after
        count = np.bincount
        rows = h_ptr.size - 1
        lo = h_ptr[:-1]
        mid = lo + count(row[~after], minlength=rows)
        ksplit = np.array([mid - count(row[~after & base], minlength=rows), mid, mid])
        ksplit[2] += count(row[after & base], minlength=rows)
        kr = (h_ptr, h_idx[order], np.ascontiguousarray(np.real(h_val)[order]), h_row0)
        return kr, ksplit.astype(np.int64)

    def _args(self) -> tuple:
        return (self.sizes, self.offsets, self.diag, *self.kr, *self.cr)

    def gather(self, flat: np.ndarray) -> np.ndarray:
        """The unknowns of the blocks ``flat`` (real parts of its entries i ≤ j)."""
        u = np.empty(self.size)
        gather(flat, u, self.sizes, self.offsets, self.bstart, self.sub)
        return u

    def embed(self, u: np.ndarray) -> np.ndarray:
        """:attr:`work` = E u (full symmetric blocks, base entries included)."""
        embed(u, self.work, self._layout(), self.sizes, self.offsets)
        return self.work

    def apply_blocks(self, x: np.ndarray, out: np.ndarray) -> np.ndarray:
        """out = R ℒ X for full real symmetric blocks ``x`` (two threads from the main thread)."""
        lay, ops = self._layout(), self._args()
        if _main_thread():
            symmetric_apply(x, out, self.ks, self.zs, self.halves, lay, ops, self.starts)
        else:
            serial_apply(x, out, self.k, self.z, lay, ops, self.starts)
        return out

    def apply(self, u: np.ndarray, out: np.ndarray) -> np.ndarray:
        """out = R ℒ E u."""
        return self.apply_blocks(self.embed(u), out)

    def sweeps(self, v: np.ndarray, out: np.ndarray) -> np.ndarray:
        """out = M⁻¹v for the symmetric Gauss–Seidel M of R ℒ E (a forward and a backward
        sweep from zero)."""
        self.work[:] = 0.0
        rows = (self.starts, self.ksplit)
        args = (self.natural, self.natural, rows, self._layout(), self._args())
        gauss_seidel(self.work, v, self.k, self.z, False, False, *args)
        gauss_seidel(self.work, v, self.k, self.z, True, False, *args)
        return self._scaled(out, add=False, pivots=False)

    def _scaled(self, out: np.ndarray, add: bool, pivots: bool = True) -> np.ndarray:
        if pivots:
            lay = self._layout()
            scaled_gather(self.work, out, out, int(add), lay, self.sizes, self.offsets, self.diag)
        else:
            gather(self.work, out, self.sizes, self.offsets, self.bstart, self.sub)
        return out

    def _solve(self, v: np.ndarray, backward: bool) -> None:
        """work = (D + L)⁻¹V (forward) or (D + U)⁻¹V (backward), embedded by E; needs
        :attr:`exact_split`. Two threads from the main thread, else one (same result)."""
        self.work[:] = 0.0
        lay, ops, order, rank = self._layout(), self._args(), self.order, self.rank
        rows = (self.starts, self.ksplit)
        if _main_thread():
            exact_sweep(
                self.work, v, self.ys, self.zs, backward, order, rank, self.cut, rows, lay, ops
            )
        else:  # numba's workqueue pool must not be entered from two threads at once
            y, z = self.ys[0], self.zs[0]
            gauss_seidel(self.work, v, y, z, backward, True, order, rank, rows, lay, ops)

    def lower(self, v: np.ndarray, out: np.ndarray) -> np.ndarray:
        """out = D (D + L)⁻¹ v."""
        self._solve(v, False)
        return self._scaled(out, add=False)

    def upper(self, v: np.ndarray, out: np.ndarray) -> np.ndarray:
        """out = (D + U)⁻¹ v."""
        self._solve(v, True)
        return self._scaled(out, add=False, pivots=False)

    def split_apply(self, w: np.ndarray, out: np.ndarray) -> np.ndarray:
        """out = D (D + L)⁻¹ A (D + U)⁻¹ w by Eisenstat's trick (``w`` is overwritten; as
        :meth:`._block_kernels.HermitianKernels.split_apply`)."""
        lay, sizes, offsets = self._layout(), self.sizes, self.offsets
        self._solve(w, True)
        scaled_gather(self.work, out, w, 2, lay, sizes, offsets, self.diag)
        self._solve(w, False)
        scaled_gather(self.work, out, w, 1, lay, sizes, offsets, self.diag)
        return out
