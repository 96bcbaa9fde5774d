"""ℒ of the truncated dual-rail network (paper 000, Eq. 11) as a sparse matrix on its charge
blocks: complex (:func:`_block_matrix`) and on the real parameters of Hermitian blocks
(:func:`_real_generator`), the generator of the finite-bandwidth dynamics (:mod:`.dynamics`)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp

from ...solvers.cascaded import Blocks, LindbladModel

#: Entries of the real generator below this fraction of its largest are rounding residue.
ROUNDING_CUT = 1e-13


def _block_rows(full: LindbladModel, lay: Blocks) -> Iterator[sp.csr_matrix]:
    """ℒ of ``full`` on the flat charge-block vector of ``lay``, one block row at a time (the
    rows of block t, every column).

    ℒρ = −i H_eff ρ + i ρ H_eff† + Σ_k C_k ρ C_k†, and a row-major block obeys
    vec(A X B) = (A ⊗ Bᵀ) vec(X): block b gets −i H_b ⊗ 1 + i 1 ⊗ H̄_b, and the jumps taking
    block s to block t add Σ_k C_k,ts ⊗ C̄_k,ts. That sum is formed on the union pattern of
    the C_k,ts (entries p = (i, a), values V_pk): its entry ((i, j), (a, b)) for p = (i, a),
    q = (j, b) is G_pq = Σ_k V_pk V̄_qk, G = V V†, so every entry is written once (the
    cascaded rails' jumps share one pattern: adding each C_k ⊗ C̄_k on its own wrote 4–5×
    as many entries, two thirds of the assembly time and most of its peak memory).
    """
    heff = sp.csr_matrix(full.effective_hamiltonian())
    jumps = [sp.csc_matrix(c) for c in full.jumps]
    into: list[list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]] = [[] for _ in lay.index]
    for s, ix in enumerate(lay.index):  # the entries of every C_k,ts, by target block t
        parts = [sp.coo_matrix(c[:, ix]) for c in jumps]
        row = np.concatenate([m.row for m in parts])
        col = np.concatenate([m.col for m in parts])
        val = np.concatenate([m.data for m in parts])
        which = np.concatenate([np.full(m.nnz, k) for k, m in enumerate(parts)])
        keep = val != 0
        row, col, val, which = row[keep], col[keep], val[keep], which[keep]
        for t in np.unique(lay.block[row]):
            sel = lay.block[row] == t
            into[t].append((s, lay.local[row[sel]] * ix.size + col[sel], which[sel], val[sel]))
    for t, ix in enumerate(lay.index):
        n_t = ix.size
        h = heff[ix][:, ix]
        one = sp.identity(n_t, dtype=complex, format="csr")
        m = sp.coo_matrix(-1j * sp.kron(h, one) + 1j * sp.kron(one, h.conj()))
        rows, cols, vals = [m.row], [m.col + lay.offsets[t]], [m.data]
        for s, key, which, val in into[t]:
            n_s = int(lay.sizes[s])
            ks, k_of = np.unique(which, return_inverse=True)
            pattern, p_of = np.unique(key, return_inverse=True)
            v = np.zeros((pattern.size, ks.size), dtype=complex)
            v[p_of, k_of] = val  # each C_k has one entry per (i, a)
            g = v @ v.conj().T
            i, a = np.divmod(pattern, n_s)
            p, q = np.nonzero(g)
            rows.append(i[p] * n_t + i[q])
            cols.append(a[p] * n_s + a[q] + lay.offsets[s])
            vals.append(g[p, q])
        yield sp.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(n_t * n_t, lay.size),
        )


def _block_matrix(full: LindbladModel, lay: Blocks) -> sp.csr_matrix:
    """ℒ of ``full`` as one complex sparse matrix on the flat charge-block vector of ``lay``."""
    return sp.csr_matrix(sp.vstack(list(_block_rows(full, lay)), format="csr"))


def _unpack_matrix(lay: Blocks) -> sp.csr_matrix:
    """:meth:`Blocks.unpack` as a sparse matrix U: the flat complex blocks X = U r of the
    Hermitian operator whose real parameters (:meth:`Blocks.pack`) are r: X_ii = r_ii,
    X_ij = r_ij + i r_ji above the diagonal, X_ij = r_ji − i r_ij below it."""
    rows, cols = lay.rows.astype(np.int64), lay.cols.astype(np.int64)
    f = np.arange(lay.size)
    g = lay.positions(cols, rows)  # position of the transposed entry
    upper, lower = rows < cols, rows > cols
    tgt = np.concatenate([f, f[upper], f[lower]])
    src = np.concatenate([np.where(lower, g, f), g[upper], f[lower]])
    val = np.concatenate([np.ones(f.size), np.full(upper.sum(), 1j), np.full(lower.sum(), -1j)])
    return sp.csr_matrix((val, (tgt, src)), shape=(lay.size, lay.size))


def _real_generator(full: LindbladModel, lay: Blocks, unpack: sp.csr_matrix) -> sp.csr_matrix:
    """ℒ of ``full`` on the real parameters of a Hermitian block operator: pack ∘ ℒ ∘ unpack.

    ℒ maps Hermitian operators to Hermitian ones, so this real matrix is exact; it has about
    as many nonzeros as ℒ (three pairs: 2.14·10⁶ against 2.12·10⁶), and the Krylov basis of
    the propagation is real: a product takes 0.7× and the Gram–Schmidt a quarter of the
    complex flops (three pairs, 3 photons, 4/γ: 3.2 → 1.1 CPU-s, same states to 5e-13).
    Formed block row by block row, so that the complex ℒ is never held whole.
    """
    lower = lay.rows > lay.cols  # pack keeps Re on and above the diagonal, −Im below it
    parts = []
    for t, rows in enumerate(_block_rows(full, lay)):
        lu = (rows @ unpack).tocsr()
        low = lower[lay.offsets[t] : lay.offsets[t + 1]]
        parts.append(sp.diags(np.where(low, 0.0, 1.0)) @ lu.real - sp.diags(1.0 * low) @ lu.imag)
    real = sp.csr_matrix(sp.vstack(parts, format="csr"))
    # Rounding residue: a fifth of the entries of three twpa pairs' matrix are ≤ 2e-15 (the
    # parts of entries that vanish exactly, e.g. Re of −iH_ii + iH̄_ii, left by the complex
    # arithmetic), against ≥ 1e-3 for every physical rate; dropped, so that the memory-bound
    # products read only ℒ's own entries (−20 % of the nonzeros)
    real.data[np.abs(real.data) < ROUNDING_CUT * np.abs(real.data).max(initial=0.0)] = 0.0
    real.eliminate_zeros()
    return real
