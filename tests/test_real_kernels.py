"""The real route of the charge-block cascade (qnet_design.solvers._real_kernels): where ℒ
commutes with complex conjugation (the dual rail at zero detuning) the Krylov stages solve for
the entries i ≤ j of a real symmetric ρ′. Its kernels against the sparse-product ℒ and as
explicit matrices, the route against the Hermitian one, and which models take it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
import pytest

from qnet_design.schemes import dual_rail as dr
from qnet_design.solvers._real_kernels import SymmetricKernels, is_real
from qnet_design.solvers.cascaded import BlockLiouvillian, Blocks, cascaded_block_states
from qnet_design.solvers.krylov import krylov_solve, split_solve

# zero detuning with every other imperfection: dephasing (diagonal jumps), local loss (γ′),
# lossy links (several collective jumps per rail), β_A ≠ β_B and a permutation
MODEL = dr.DualRail(
    2, 1.0, permutation=(1, 0), beta=6.0, beta_b=8.0, gamma_phi=0.03, gamma_loss=0.05, p_loss=0.1
)
DETUNED = dr.DualRail(2, 1.0, delta_a=[0.8, -0.5], beta=6.0, gamma_phi=0.03)


def _stage(qubits: int, photons: int | None, model: dr.DualRail = MODEL):  # type: ignore[no-untyped-def]
    m = dr._prefix_model(model, qubits, photons)
    lay = Blocks(m.charges, m.dim)
    op = BlockLiouvillian(m, lay)
    return lay, op


def _symmetric(lay: Blocks, rng: np.random.Generator) -> np.ndarray:
    flat = rng.normal(size=lay.size)
    for blk in lay.views(flat):
        blk[...] = blk + blk.T
    return flat


def _matrix(f, n: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The matrix of a linear map on n unknowns, column by column."""
    return np.array([f(np.eye(1, n, c).ravel()).copy() for c in range(n)]).T


def test_model_at_zero_detuning_is_real_and_a_detuned_one_is_not() -> None:
    assert is_real(_stage(4, 2)[1])
    assert is_real(_stage(4, None, dr.DualRail(2, 1.0, gamma_phi=0.03))[1])  # broadband too
    assert not is_real(_stage(4, 2, DETUNED)[1])


@pytest.mark.parametrize("part", ["diagonal", "hamiltonian", "jump"])
def test_one_nonzero_imaginary_part_refuses_the_real_route(part: str) -> None:
    # The check is exact: the smallest non-zero imaginary part (real part of H) anywhere in
    # the assembled blocks keeps the Hermitian route.
    _, op = _stage(4, 2)
    if part == "diagonal":
        op.diag[7] += 1e-300j
    elif part == "hamiltonian":
        op.h[3].data[0] += 1e-300
    else:
        op.jumps[2][2].data[0] += 1e-300j
    assert not is_real(op)


def test_real_liouvillian_matches_sparse_products() -> None:
    # R ℒ X on the unknowns (entries i ≤ j, base entries aside) for a random real symmetric X:
    # entry-wise real kernel vs the complex sparse × dense products of BlockLiouvillian.apply.
    lay, op = _stage(4, 2)
    kern = SymmetricKernels(op, 2)
    x = _symmetric(lay, np.random.default_rng(3))
    ref = op.apply(x.astype(complex))
    assert np.max(np.abs(ref.imag)) < 1e-13 * np.max(np.abs(ref))
    got = kern.apply_blocks(x, np.empty(kern.size))
    want = kern.gather(ref)
    assert got.size == want.size < 0.5 * lay.size
    assert np.max(np.abs(got - want)) < 1e-12 * np.max(np.abs(want))
    # and E: gather(embed(u)) = u, the base entries minus the diagonal-type unknowns
    u = np.random.default_rng(4).normal(size=kern.size)
    assert np.array_equal(kern.gather(kern.embed(u).copy()), u)
    for blk in lay.views(kern.work):
        assert np.array_equal(blk, blk.T)


def test_real_eisenstat_product_is_the_split_preconditioned_operator() -> None:
    # As for the Hermitian kernels: split_apply = D (D + L)⁻¹ A (D + U)⁻¹ with the three maps
    # built independently, as explicit matrices; A itself from the sparse products (R ℒ E,
    # E by the kernel's embedding, ℒ by BlockLiouvillian.apply), not from the real kernel.
    lay, op = _stage(4, 1)
    kern = SymmetricKernels(op, 2)
    assert kern.exact_split and 0 < kern.cut[0] < kern.cut[1] < lay.sizes.size
    n = kern.size
    a = _matrix(lambda e: kern.gather(op.apply(kern.embed(e).astype(complex))), n)
    assert np.max(np.abs(_matrix(lambda e: kern.apply(e, np.empty(n)), n) - a)) < 1e-12
    lower = _matrix(lambda e: kern.lower(e, np.empty(n)), n)
    upper = _matrix(lambda e: kern.upper(e, np.empty(n)), n)
    split = _matrix(lambda e: kern.split_apply(e.copy(), np.empty(n)), n)
    ref = lower @ a @ upper
    assert np.max(np.abs(split - ref)) < 1e-12 * np.max(np.abs(ref))
    # the sweeps of the right-preconditioned route: a linear map that makes the solve converge
    v, w = np.random.default_rng(5).normal(size=(2, n))
    combo = kern.sweeps(2.0 * v - 3.0 * w, np.empty(n))
    assert np.allclose(combo, 2.0 * kern.sweeps(v, np.empty(n)) - 3.0 * kern.sweeps(w, np.empty(n)))
    x, _ = krylov_solve(lambda u: a @ u, v, lambda u: kern.sweeps(u, u), None, 1e-11, stage=4)
    assert np.max(np.abs(x - np.linalg.solve(a, v))) < 1e-9 * np.max(np.abs(x))


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
def test_real_split_solve_is_the_same_on_one_and_two_threads() -> None:
    _, op = _stage(4, 3)
    kern = SymmetricKernels(op, 2)
    n = kern.size
    rhs = np.random.default_rng(6).normal(size=n)

    def matvec(u: np.ndarray) -> np.ndarray:
        return kern.apply(u, np.empty(n))

    split = (
        lambda v: kern.split_apply(v.copy(), np.empty(n)),
        lambda v: kern.lower(v, np.empty(n)),
        lambda v: kern.upper(v, np.empty(n)),
    )
    threads = numba.get_num_threads()
    solutions, products = [], []
    assert 0 < kern.halves < kern.sizes.size  # ℒ: both threads have blocks
    try:
        for t in (1, 2):
            numba.set_num_threads(t)
            u, _ = split_solve(matvec, split, rhs, None, 1e-10, prec=lambda v: v, stage=4)
            solutions.append(u)
            products.append(matvec(rhs))
    finally:
        numba.set_num_threads(threads)
    assert np.array_equal(solutions[0], solutions[1])
    assert np.array_equal(products[0], products[1])
    assert np.linalg.norm(rhs - matvec(solutions[0])) <= 1e-10 * np.linalg.norm(rhs)
    # off the main thread the chains are swept one after the other: the same product
    kerns = [SymmetricKernels(op, 2) for _ in range(2)]
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(k.split_apply, rhs.copy(), np.zeros(n)) for k in kerns]
        ref = kern.split_apply(rhs.copy(), np.zeros(n))
        for f in futures:
            assert np.array_equal(f.result(), ref)
        futures = [pool.submit(k.apply, rhs, np.zeros(n)) for k in kerns]
        ref = kern.apply(rhs, np.zeros(n))
        for f in futures:
            assert np.array_equal(f.result(), ref)


def _cascade(model: dr.DualRail, photons: int, real: bool):  # type: ignore[no-untyped-def]
    # direct_limit 0: every stage a Krylov stage, at sizes of seconds
    out = list(
        cascaded_block_states(
            lambda m: dr._prefix_model(model, m, photons),
            2 * model.pairs,
            direct_limit=0,
            rtol=1e-12,
            real=real,
        )
    )
    state = out[-1][0]
    return state.reduce(state.dim // 4**model.pairs), [info for _, info in out[1:]]


@pytest.mark.parametrize("pairs", [1, 2])
def test_real_route_equals_the_hermitian_route(pairs: int) -> None:
    # The same steady state by two routes (different unknowns, kernels and Krylov iterates),
    # each to a relative residual of 1e-12 per stage: the qubits' states agree to 1e-10.
    model = dr.DualRail(pairs, 1.0, beta=6.0, gamma_phi=0.03, gamma_loss=0.05, p_loss=0.1)
    real, infos = _cascade(model, 3, True)
    herm, ref = _cascade(model, 3, False)
    assert all("real symmetric" in i.method for i in infos)
    assert all("Hermitian" in i.method for i in ref)
    for m, (i, r) in enumerate(zip(infos, ref, strict=True), 1):  # i ≤ j: half, and diagonals
        assert 2 * i.unknowns == r.unknowns + dr._prefix_model(model, m, 3).dim // 2
    assert np.max(np.abs(real - herm)) < 1e-10
    assert np.max(np.abs(real.imag)) == 0.0


def test_detuned_model_takes_the_hermitian_route() -> None:
    _, infos = _cascade(dr.DualRail(1, 1.0, delta_a=[0.5], beta=6.0), 2, True)
    assert all("Hermitian" in i.method for i in infos)


def test_the_size_guard_knows_the_route() -> None:
    # zero detuning: the real route and its smaller estimate; one detuned qubit in the last
    # pair only (the first pairs' blocks are real): the Hermitian route and its estimate
    from qnet_design.schemes.dual_rail.steady import steady_state_bytes, takes_real_route

    assert takes_real_route(MODEL, 2)
    assert takes_real_route(dr.DualRail(3, 1.0, gamma_phi=0.03), 3)  # broadband
    late = dr.DualRail(2, 1.0, delta_a=[0.0, 0.3], beta=6.0)
    assert takes_real_route(late, 1) and not takes_real_route(late, 2)
    assert steady_state_bytes(4, 7, True) < 0.75 * steady_state_bytes(4, 7)
    assert steady_state_bytes(5, 7, True) < 16 * 2**30 < steady_state_bytes(5, 7)
