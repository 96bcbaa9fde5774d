"""The shared linear-generator numerics: time propagation and the pinned steady state."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp

from qnet_design.errors import ConvergenceError, ParameterError
from qnet_design.solvers.propagate import METHODS, propagate
from qnet_design.solvers.steady import null_vector, steady_density_matrix


def _qubit_liouvillian(n: float, delta: float = 0.3) -> np.ndarray:
    """−i[Δσᶻ/2, ρ] + (n+1)D[σ⁻]ρ + nD[σ⁺]ρ, column stacking, basis |g⟩, |e⟩."""
    sm = np.array([[0.0, 1.0], [0.0, 0.0]])
    eye = np.eye(2)

    def diss(c: np.ndarray) -> np.ndarray:
        cdc = c.T @ c
        return np.kron(c.conj(), c) - 0.5 * (np.kron(eye, cdc) + np.kron(cdc.T, eye))

    h = 0.5 * delta * np.diag([-1.0, 1.0])
    return -1j * (np.kron(eye, h) - np.kron(h.T, eye)) + (n + 1) * diss(sm) + n * diss(sm.T)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "times", [np.linspace(0.0, 3.0, 7), np.array([0.5, 0.7, 2.0, 2.0, 5.0])], ids=["uniform", "any"]
)
def test_propagate_equals_the_dense_exponential(method: str, times: np.ndarray) -> None:
    # Reference: scipy.linalg.expm of the dense 4 × 4 generator at each time. Every method
    # works to ~1e-10 (Krylov's step tolerance) or better.
    gen = _qubit_liouvillian(0.7)
    x0 = np.array([0.2, 0.1 + 0.3j, 0.1 - 0.3j, 0.8])
    got = propagate(sp.csr_matrix(gen), x0, times, method=method)
    want = np.array([sla.expm(gen * t) @ x0 for t in times])
    np.testing.assert_allclose(got, want, atol=1e-9)


def test_krylov_takes_a_callable_generator() -> None:
    gen = _qubit_liouvillian(0.2)
    x0 = np.array([1.0, 0.0, 0.0, 0.0], dtype=complex)
    times = np.arange(5) * 0.25
    got = propagate(lambda v: gen @ v, x0, times, method="krylov")
    np.testing.assert_allclose(got[-1], sla.expm(gen) @ x0, atol=1e-10)


def test_propagate_refuses_an_unknown_method() -> None:
    with pytest.raises(ParameterError, match="method"):
        propagate(sp.eye(2), np.ones(2), np.zeros(1), method="euler")


@pytest.mark.parametrize("n", [0.0, 0.4, 3.0])
def test_steady_state_is_the_thermal_state(n: float) -> None:
    # Closed form: excited population n/(2n + 1), no coherence.
    rho = steady_density_matrix(_qubit_liouvillian(n), 2)
    np.testing.assert_allclose(rho, np.diag([(n + 1) / (2 * n + 1), n / (2 * n + 1)]), atol=1e-14)
    rho_sparse = steady_density_matrix(sp.csr_matrix(_qubit_liouvillian(n)), 2)
    np.testing.assert_allclose(rho_sparse, rho, atol=1e-14)


def test_null_vector_is_pinned_and_a_vanishing_pin_is_refused() -> None:
    gen = _qubit_liouvillian(0.0)  # steady state |g⟩⟨g|: the excited population vanishes
    x = null_vector(gen, 0)
    assert x[0] == 1.0
    np.testing.assert_allclose(gen @ x, 0.0, atol=1e-14)
    with pytest.raises((ConvergenceError, np.linalg.LinAlgError)):
        steady_density_matrix(gen, 2, pin=3)


def test_krylov_reports_each_step_under_its_label(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "qnet_design.solvers.propagate.progress",
        lambda stage, detail="": seen.append((stage, detail)),
    )
    gen = sp.csr_matrix(_qubit_liouvillian(0.5))
    propagate(
        gen, np.eye(4)[0].astype(complex), np.arange(4) * 0.5, method="krylov", label="T_prep"
    )
    assert seen == [("T_prep", f"step {k}/3") for k in (1, 2, 3)]


def test_krylov_grid_serves_many_grid_points_from_one_basis() -> None:
    # A slowly relaxing generator (a 40-site chain with hopping 1 and decay 0.05 per site):
    # late bases reach several grid points; every state equals expm to the step tolerance, and
    # fewer products are spent than one basis per grid point would need.
    from qnet_design.solvers.propagate import krylov_grid

    n = 40
    gen = -1j * (np.eye(n, k=1) + np.eye(n, k=-1)) - 0.05 * np.eye(n)
    x0 = np.exp(-0.5 * (np.arange(n) - 20.0) ** 2).astype(complex)
    calls = [0]

    def apply(v: np.ndarray) -> np.ndarray:
        calls[0] += 1
        return gen @ v

    grid = krylov_grid(apply, x0, 0.25, 1e-10, count=40)
    got = np.array(list(grid))
    want = np.array([sla.expm(gen * 0.25 * k) @ x0 for k in range(1, 41)])
    np.testing.assert_allclose(got, want, atol=1e-8)
    single = propagate(gen, x0, np.array([0.0, 0.25]), method="krylov")  # one basis, one point
    assert np.allclose(single[-1], want[0], atol=1e-10)
    assert calls[0] < 40 * 8  # one basis per grid point takes ≥ 8 products here


def test_krylov_grid_on_the_real_halves_product_matches_expm_multiply() -> None:
    # the dual rail's route: a real generator as RealCsrProduct, whose products are written
    # into the basis rows (RealCsrProduct.into) and projected in two halves in place; an
    # independent reference: scipy's expm_multiply (Al-Mohy & Higham) on the same matrix
    import scipy.sparse.linalg as spla

    from qnet_design.solvers import _halves
    from qnet_design.solvers.propagate import krylov_grid

    rng = np.random.default_rng(11)
    n = 30_000  # above MIN_SPLIT: two threads
    rows, cols = rng.integers(0, n, (2, 6 * n))
    off = sp.csr_matrix((rng.standard_normal(6 * n), (rows, cols)), shape=(n, n))
    gen = (off - off.T - sp.diags(rng.uniform(0.5, 20.0, n))).tocsr()  # a stiff, decaying G
    x0 = rng.standard_normal(n)
    want = spla.expm_multiply(gen, x0, start=0.0, stop=2.0, num=9, endpoint=True)[1:]
    prod = _halves.RealCsrProduct(gen)
    for window in (None, 4):  # full and incomplete orthogonalisation (the dual rail's T_prep)
        got = np.array(list(krylov_grid(prod, x0, 0.25, 1e-10, count=8, window=window)))
        assert np.max(np.abs(got - want)) < 1e-9 * np.max(np.abs(x0))


def test_two_halves_give_the_serial_result_bitwise() -> None:
    # the product and the Gram–Schmidt pass split in two halves on two threads add the same
    # numbers in the same order as without the split (MIN_SPLIT patched): bitwise equal
    from qnet_design.solvers import _halves

    rng = np.random.default_rng(3)
    rows, cols = rng.integers(0, 30_000, (2, 300_000))
    mat = sp.csr_matrix((rng.standard_normal(300_000), (rows, cols)), shape=(30_000, 30_000))
    x = rng.standard_normal(30_000)
    basis = rng.standard_normal((12, 30_000))
    prod = _halves.RealCsrProduct(mat)
    out = {}
    for split in (1, 10**9):
        _halves.MIN_SPLIT, old = split, _halves.MIN_SPLIT
        try:
            w, w2 = x.copy(), x.copy()
            coef = _halves.project(basis, 12, w)
            coef2 = _halves.project(basis, 12, w2, np.full(30_000, np.nan))  # through scratch
            into = prod.into(x, np.full(30_000, np.nan))  # into a buffer (not zeroed before)
            out[split] = (prod(x), w, coef, into, w2, coef2)
        finally:
            _halves.MIN_SPLIT = old
    for a, b in zip(out[1], out[10**9], strict=True):
        assert np.array_equal(a, b)
    for a, b in zip(out[1][:3], out[1][3:], strict=True):  # buffers change no bit either
        assert np.array_equal(a, b)
    assert np.array_equal(out[1][0], mat @ x)  # scipy's own product: the same sums
    np.testing.assert_allclose(out[1][2], basis @ x, rtol=1e-12)


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_two_halves_work_in_a_forked_child() -> None:
    # a process-pool sweep forks after the parent has used the halves' worker thread: the
    # child must start its own (the copied pool's thread does not exist there) — not hang
    import multiprocessing as mp

    from qnet_design.solvers import _halves

    rng = np.random.default_rng(5)
    rows, cols = rng.integers(0, 30_000, (2, 100_000))
    mat = sp.csr_matrix((rng.standard_normal(100_000), (rows, cols)), shape=(30_000, 30_000))
    x = rng.standard_normal(30_000)
    want = _halves.RealCsrProduct(mat)(x)  # the parent's worker thread now exists
    ctx = mp.get_context("fork")
    with ctx.Pool(1) as pool:
        got = pool.apply_async(_product_in_child, (mat, x)).get(timeout=30)  # hung before
    assert np.array_equal(got, want)


def _product_in_child(mat: sp.csr_matrix, x: np.ndarray) -> np.ndarray:
    from qnet_design.solvers import _halves

    return _halves.RealCsrProduct(mat)(x)


def test_the_halves_worker_and_the_prep_time_run_use_one_blas_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The propagation's products already use both cores (two halves); OpenBLAS's default
    # threads on top oversubscribed them: the twpa budget took 32 s instead of 11 s on the
    # idle 2-core machine. The thread-local setter returns the count it replaces.
    import threading

    from qnet_design.schemes.dual_rail import DualRail, dynamics
    from qnet_design.solvers import _halves, blas

    setters = blas._thread_local_setters()
    if not setters:
        pytest.skip("no OpenBLAS with thread-local thread counts here")

    # a new worker thread starts by setting one BLAS thread for itself
    started: list[str] = []

    def initializer() -> None:
        started.append(threading.current_thread().name)
        blas.one_blas_thread()

    monkeypatch.setattr(_halves, "_pool", None)
    monkeypatch.setattr(_halves, "one_blas_thread", initializer)
    _halves._both(lambda: None, lambda: None)
    assert len(started) == 1 and started[0].startswith("qnet-design-halves")

    # the T_prep run holds one BLAS thread in the calling thread, whatever the user's default
    seen: list[list[int]] = []

    def first_step(threshold: float) -> float:  # the first thing _prep_time_run does
        seen.append([int(fn(1)) for fn in setters])
        raise KeyboardInterrupt

    monkeypatch.setattr(dynamics, "_check_threshold", first_step)
    before = [int(fn(2)) for fn in setters]  # a user's default on the 2-core machine
    try:
        with pytest.raises(KeyboardInterrupt):
            dynamics._prep_time_run(DualRail(1, 1.0, beta=10.0), 1e-3, 0.05, 1)
    finally:
        for fn, n in zip(setters, before, strict=True):
            fn(n)
    assert seen == [[1] * len(setters)]
