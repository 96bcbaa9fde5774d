"""Compiled kernels of the charge-block cascade (qnet_design.solvers._block_kernels): ℒ on
packed Hermitian operators against the sparse-product route, the Gauss–Seidel preconditioner
of the Krylov stages (linear, and what it buys), and its Eisenstat form (an exact splitting,
the same on one or two threads)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numba
import numpy as np
import pytest
import scipy.sparse as sp

from qnet_design.schemes import dual_rail as dr
from qnet_design.solvers._block_kernels import HermitianKernels
from qnet_design.solvers.cascaded import (
    BlockLiouvillian,
    Blocks,
    _embed,
    _extension,
    cascaded_block_states,
)
from qnet_design.solvers.krylov import krylov_solve, split_solve

# detuned, permuted, β_A ≠ β_B, every imperfection: complex diagonal of ℒ, diagonal jumps
# (dephasing), several collective jumps per rail (p_loss), local loss (γ′)
MODEL = dr.DualRail(
    2,
    1.0,
    delta_a=[0.8, -0.5],
    permutation=(1, 0),
    beta=6.0,
    beta_b=8.0,
    gamma_phi=0.03,
    gamma_loss=0.05,
    p_loss=0.1,
)


def _stage(qubits: int, photons: int, charges: bool = True, gauge: bool = False):  # type: ignore[no-untyped-def]
    model = dr._prefix_model(MODEL, qubits, photons)
    if not charges:
        model = replace(model, charges=None)
    if gauge:
        model = _gauged(model)
    lay = Blocks(model.charges, model.dim)
    op = BlockLiouvillian(model, lay)
    return model, lay, op, HermitianKernels(op, model.dims[-1])


def _gauged(model):  # type: ignore[no-untyped-def]
    """The model in the basis U|g⟩, U = ⊗ diag(e^(iφ)) a product of random phases per factor:
    H and the jumps get complex entries off the diagonal (the dual rail's are real or
    imaginary), the kernels' complex-coefficient route; charges and factors stay."""
    rng = np.random.default_rng(11)
    phase = np.ones(1, dtype=complex)
    for d in model.dims:
        phase = np.kron(phase, np.exp(2j * np.pi * rng.random(d)))
    u = sp.diags(phase)

    def conj(a: sp.csr_matrix) -> sp.csr_matrix:
        return sp.csr_matrix(u @ a @ u.conj())

    return replace(
        model, hamiltonian=conj(model.hamiltonian), jumps=tuple(conj(c) for c in model.jumps)
    )


def test_block_liouvillian_blocks_are_the_slices_of_its_operators() -> None:
    # BlockLiouvillian takes the blocks of H_eff's off-diagonal part and of every jump from one
    # grouping of their entries: each must be the slice op[index[t]][:, index[s]] of the
    # operator array for array (explicit zeros included: the σz jumps built by kron hold some),
    # for the dual-rail stage and the gauged one (complex entries everywhere), and with the
    # stored entries of a jump in non-canonical order.
    for gauge in (False, True):
        model, lay, op, _ = _stage(4, 2, gauge=gauge)
        jumps = list(model.jumps)
        last = sp.csr_matrix(jumps[-1], copy=True)  # its columns reversed in every row
        for r in range(last.shape[0]):
            row = slice(last.indptr[r], last.indptr[r + 1])
            last.indices[row], last.data[row] = last.indices[row][::-1], last.data[row][::-1]
        last.data[np.flatnonzero(last.data)[::7]] = 0.0  # explicit zeros
        last.has_sorted_indices = False
        jumps[-1] = last
        model = replace(model, jumps=tuple(jumps))
        op = BlockLiouvillian(model, lay)
        heff = sp.csr_matrix(model.effective_hamiltonian())
        off = sp.csr_matrix(heff - sp.diags(heff.diagonal()))
        off.eliminate_zeros()
        expect_h = [sp.csr_matrix(off[ix][:, ix]) for ix in lay.index]
        expect_jumps = []
        q = lay.charges
        for c in model.jumps:
            cc = c.tocoo()
            if np.all(cc.row[cc.data != 0] == cc.col[cc.data != 0]):
                continue
            shift = np.unique(q[cc.row[cc.data != 0]] - q[cc.col[cc.data != 0]])[0]
            for s, value in enumerate(lay.values):
                t = np.searchsorted(lay.values, value + shift)
                if t < lay.values.size and lay.values[t] == value + shift:
                    blk = sp.csr_matrix(c[lay.index[t]][:, lay.index[s]])
                    if blk.nnz:
                        expect_jumps.append((t, s, blk))
        assert len(op.h) == len(expect_h) and len(op.jumps) == len(expect_jumps) > 10
        pairs = [(h, e) for h, e in zip(op.h, expect_h, strict=True)]
        pairs += [(hb, e.conj()) for hb, e in zip(op.hbar, expect_h, strict=True)]
        for (t, s, c, cbar), (et, es, e) in zip(op.jumps, expect_jumps, strict=True):
            assert (t, s) == (et, es)
            pairs += [(c, e), (cbar, e.conj())]
        assert sum(np.sum(c.data == 0) for _, _, c, _ in op.jumps) == np.sum(last.data == 0)
        for got, want in pairs:
            assert got.shape == want.shape
            np.testing.assert_array_equal(got.indptr, want.indptr)
            np.testing.assert_array_equal(got.indices, want.indices)
            np.testing.assert_array_equal(got.data, want.data)


def _hermitian(lay: Blocks, rng: np.random.Generator) -> np.ndarray:
    flat = rng.normal(size=lay.size) + 1j * rng.normal(size=lay.size)
    for blk in lay.views(flat):
        blk[...] = blk + blk.conj().T
    return flat


@pytest.mark.parametrize(
    ("charges", "gauge"),
    [(True, False), (False, False), (True, True)],
    ids=["charge-blocks", "one-block", "complex-coefficients"],
)
def test_kernel_liouvillian_matches_sparse_products(charges: bool, gauge: bool) -> None:
    # Same ℒ, two implementations: entry-wise compiled kernel on the packed real parameters vs
    # sparse × dense products on complex blocks. Sums of ~50 terms of size O(1): round-off.
    # The kernels run on real K = −i H and jumps where they are real (the dual rail), complex
    # ones otherwise (the gauged model).
    _, lay, op, kern = _stage(4, 2, charges, gauge)
    assert (kern.h[2].dtype == complex) == gauge and (kern.c[5].dtype == complex) == gauge
    # the kernels leave out H_eff's rounding residue (the cascade's upstream terms, which cancel
    # to ~1e-16): 272 of its 512 stored entries here
    assert kern.h[2].size < 0.6 * sum(h.nnz for h in op.h)
    x = _hermitian(lay, np.random.default_rng(3))
    ref = lay.pack(op.apply(x), np.empty(lay.size))
    got = kern.apply(lay.pack(x, np.empty(lay.size)), np.empty(lay.size))
    assert np.max(np.abs(got - ref)) < 1e-12 * np.max(np.abs(ref))


def test_gauss_seidel_preconditioner_is_linear_and_cuts_the_products() -> None:
    # IDR needs a fixed linear preconditioner: M⁻¹(a v + b w) = a M⁻¹v + b M⁻¹w to round-off.
    # And it must pay: on the last extension step of this two-pair network (2598 unknowns) the
    # symmetric Gauss–Seidel sweeps need less than half the ℒ-products of Jacobi (measured 33
    # vs 139; on the β = 10, r = 1 benchmark's k = 3 last stage 37 vs 165).
    model, lay, op, kern = _stage(4, 3)
    *_, (prev, _) = cascaded_block_states(lambda m: dr._prefix_model(MODEL, m, 3), 3)
    base, unknown, diag_type, targets, values = _extension(model, prev, lay)
    index = (base, unknown, diag_type, targets)
    rng = np.random.default_rng(5)
    v, w = (rng.normal(size=unknown.size) for _ in range(2))
    buf = np.zeros(lay.size)

    def prec(u: np.ndarray) -> np.ndarray:
        buf[unknown] = u
        u[:] = kern.sweeps(buf, np.empty(lay.size))[unknown]
        return u

    combo = prec(2.0 * v - 3.0 * w)
    assert np.allclose(combo, 2.0 * prec(v.copy()) - 3.0 * prec(w.copy()), rtol=0, atol=1e-12)

    rho = np.zeros(lay.size, dtype=complex)
    rho[base] = values
    rhs = -kern.apply(lay.pack(rho, np.empty(lay.size)), np.empty(lay.size))[unknown]
    xbuf, out = np.zeros(lay.size), np.zeros(lay.size)

    def matvec(u: np.ndarray) -> np.ndarray:
        return kern.apply(_embed(u, xbuf, index), out)[unknown]

    dg = (op.diag + op.jump_diag)[unknown]
    _, jacobi = krylov_solve(matvec, rhs, lambda u: u / dg.real, None, 1e-10, stage=4)
    _, gauss = krylov_solve(matvec, rhs, prec, None, 1e-10, stage=4)
    assert gauss < 0.5 * jacobi


def _matrix(f, unknown: np.ndarray, size: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The matrix of a linear map on the unknowns, column by column."""
    cols = []
    for c in unknown:
        e = np.zeros(size)
        e[c] = 1.0
        cols.append(f(e)[unknown])
    return np.array(cols).T


@pytest.mark.parametrize("gauge", [False, True], ids=["real-coefficients", "complex-coefficients"])
def test_eisenstat_product_is_the_split_preconditioned_operator(gauge: bool) -> None:
    # Eisenstat's trick holds only if the forward and backward solves split A = R ℒ E exactly:
    # A = (D + L) + (D + U) − (2D − Dg). Then split_apply = D (D + L)⁻¹ A (D + U)⁻¹ with the
    # three maps built independently (lower, the ℒ kernel, upper), as matrices, to round-off;
    # any term a sweep reads too early or too late breaks it (reading (ℒX)_ii of the backward
    # sweep before its row has changed, as the right-preconditioned sweep does: off by 0.45
    # relative). The blocks are swept as two chains and a middle block (the two-thread order).
    model, lay, _, kern = _stage(4, 2, gauge=gauge)
    assert kern.exact_split and 0 < kern.cut[0] < kern.cut[1] < lay.sizes.size
    *_, (prev, _) = cascaded_block_states(lambda m: dr._prefix_model(MODEL, m, 2), 3)
    base, unknown, diag_type, targets, _ = _extension(model, prev, lay)
    index = (base, unknown, diag_type, targets)
    xbuf, out = np.zeros(lay.size), np.zeros(lay.size)
    a = _matrix(lambda e: kern.apply(_embed(e[unknown], xbuf, index), out), unknown, lay.size)
    lower = _matrix(lambda e: kern.lower(e, out), unknown, lay.size)
    upper = _matrix(lambda e: kern.upper(e, out), unknown, lay.size)
    split = _matrix(lambda e: kern.split_apply(e.copy(), out), unknown, lay.size)
    ref = lower @ a @ upper
    assert np.max(np.abs(split - ref)) < 1e-12 * np.max(np.abs(ref))
    # the one-block model (jumps inside the block) does not split exactly: the sweeps of the
    # right-preconditioned route are used there
    assert not _stage(4, 2, charges=False)[3].exact_split


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
def test_split_solve_is_the_same_on_one_and_two_threads() -> None:
    # The two chains of blocks never touch each other, so one thread or two do the same
    # arithmetic; and the split solve solves A u = b (its true residual, from the ℒ kernel).
    model, lay, _, kern = _stage(4, 3)
    *_, (prev, _) = cascaded_block_states(lambda m: dr._prefix_model(MODEL, m, 3), 3)
    base, unknown, diag_type, targets, values = _extension(model, prev, lay)
    index = (base, unknown, diag_type, targets)
    rho = np.zeros(lay.size, dtype=complex)
    rho[base] = values
    rhs = -kern.apply(lay.pack(rho, np.empty(lay.size)), np.empty(lay.size))[unknown]
    xbuf, vbuf = np.zeros(lay.size), np.zeros(lay.size)

    def matvec(u: np.ndarray) -> np.ndarray:
        return kern.apply(_embed(u, xbuf, index), vbuf)[unknown]

    def through(f):  # type: ignore[no-untyped-def]
        def g(v: np.ndarray) -> np.ndarray:
            xbuf[:] = 0.0
            xbuf[unknown] = v
            return f(xbuf, vbuf)[unknown]

        return g

    split = (through(kern.split_apply), through(kern.lower), through(kern.upper))
    threads = numba.get_num_threads()
    solutions = []
    try:
        for t in (1, 2):
            numba.set_num_threads(t)
            u, _ = split_solve(matvec, split, rhs, None, 1e-10, prec=lambda v: v, stage=4)
            solutions.append(u)
    finally:
        numba.set_num_threads(threads)
    assert np.max(np.abs(solutions[0] - solutions[1])) <= 1e-12 * np.max(np.abs(solutions[0]))
    assert np.linalg.norm(rhs - matvec(solutions[0])) <= 1e-10 * np.linalg.norm(rhs)
    # Off the main thread the chains are swept one after the other (numba's pool may not be
    # entered from two threads at once): two such solves at the same time, the same answer.
    xbuf[:] = 0.0
    xbuf[unknown] = rhs
    kerns = [_stage(4, 3)[3] for _ in range(2)]
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(k.split_apply, xbuf.copy(), np.zeros(lay.size)) for k in kerns]
        ref = kern.split_apply(xbuf.copy(), np.zeros(lay.size))
        for f in futures:
            assert np.max(np.abs(f.result() - ref)[unknown]) <= 1e-12 * np.max(np.abs(ref))


@pytest.mark.parametrize("dtype", [float, complex])
def test_krylov_solve_matches_a_dense_solve(dtype: type) -> None:
    # IDR(s) on compiled vector loops, real and complex, against LAPACK on a nonsymmetric,
    # diagonally dominant system (condition number ~3): 1e-10 relative residual gives ~1e-9.
    rng = np.random.default_rng(7)
    n = 300
    a = rng.normal(size=(n, n)) / np.sqrt(n) + 3.0 * np.eye(n)
    b = rng.normal(size=n)
    if dtype is complex:
        a = a + 1j * rng.normal(size=(n, n)) / np.sqrt(n)
        b = b + 1j * rng.normal(size=n)
    x, products = krylov_solve(lambda v: a @ v, b, lambda v: v, None, 1e-10, stage=1)
    assert 0 < products < n
    assert np.max(np.abs(x - np.linalg.solve(a, b))) < 1e-8 * np.max(np.abs(x))
