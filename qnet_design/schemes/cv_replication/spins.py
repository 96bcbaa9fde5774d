"""Spin chains and atom–cavity arrays driven by a two-mode squeezed bath (paper 004).

Zippilli, Paternostro, Adesso, Illuminati, PRL 110, 040503 (2013); symbols are listed in the
package docstring (:mod:`qnet_design.schemes.cv_replication`).

Two master-equation models, solved for their steady state with QuTiP (small N):

* **XX spin chains** (p. 4): ρ̇ = −i[H_s, ρ] + L_S ρ with
  H_s = ½ Σ_{j=1}^{N−1} Σ_{k∈{0,N}} J_j (σˣ_{k+j}σˣ_{k+j+1} + σʸ_{k+j}σʸ_{k+j+1})
      = Σ_j J_j (σ⁺_{k+j}σ_{k+j+1} + H.c.),
  and L_S the squeezed drive of spins 1 and N+1 (same form as for the cavities, σ for a).
* **Jaynes–Cummings arrays** (p. 1-2): cavities a_j with hopping λ_j, one two-level atom σ_j
  per cavity with coupling g_j, cavity losses κ_j, and the drive L_S on cavities 1 and N+1.
  Three choices of ``method``:

  - ``"exact"``: the full master equation, in practice N = 1 (two cavities + two atoms): the
    sparse LU of the Liouvillian fills in almost completely and N = 2 (4 cavities, 4 atoms)
    is out of reach.
  - ``"effective"``: the effective spin model the paper uses for Fig. 3b (N = 3): cavities
    eliminated at second order in g (Born–Markov, cavity arrays as a Gaussian bath), giving a
    Lamb-shift Hamiltonian (coherent spin–spin couplings) and a collective dissipator; derived and
    checked in :mod:`.effective`, valid for g ≪ Γ, λ (a :class:`WeakCouplingWarning` says when
    not), N ≤ 3.
  - ``"auto"`` (default): exact for N = 1, effective for N ≥ 2; ``PairStates.method`` says
    which was used.

  The XX chains (Fig. 3c) are available for N ≤ 6.

The drive (p. 2, as printed, with amplitude rate Γ):

    L_S ρ = 2Γ m̄ (s₁ρs_{N+1} + s_{N+1}ρs₁ − s₁s_{N+1}ρ − ρs₁s_{N+1} + H.c.)
            + Γ Σ_{j∈{1,N+1}} [(n̄+1)(2s_jρs_j† − {s_j†s_j, ρ}) + n̄(2s_j†ρs_j − {s_js_j†, ρ})].

Γ, κ_j multiply (2LρL† − {L†L, ρ}): they are *amplitude* rates, half the energy decay rate.

Basis and tensor order
----------------------
Each two-level system uses the basis {index 0 = the paper's |1⟩ (ground / the state
annihilated by σ), index 1 = the paper's |2⟩ (excited)}; σ = |0⟩⟨1| = ``qutip.destroy(2)``.
(For the spins the paper calls |1⟩ "spin up" and |2⟩ "spin down"; only the labels differ.)
Qubit states are ordered by site: 1, ..., N (first array), N+1, ..., 2N (second array).

Solving the atom arrays in the squeezed frame
---------------------------------------------
The paper's squeezing transformation U = Π_j exp[θ_j(a_j†a_{N+j}† − a_ja_{N+j})] with
θ_j = (−1)^j r₀ (p. 2; tanh 2r₀ = 2m̄/(2n̄+1)) acts on the cavities only, leaves the hopping
Hamiltonian invariant (the alternating sign makes the Bogoliubov terms cancel when both arrays
have the same λ_j), maps the drive to a thermal bath of n_T = [√((2n̄+1)² − 4m̄²) − 1]/2 photons
(n_T = 0 for a squeezed vacuum) and the atom coupling to g_j[a_j†C_j + a_{N+j}†D_j + H.c.].
The atoms' reduced state is the same in both frames, and in the squeezed frame the cavities hold
few photons, so a small Fock cutoff converges (for the squeezed vacuum the steady state is
exactly vacuum⊗|ψ⟩, Eq. 1). Cavity losses κ_j are transformed with their jump operators
a_j → cosh θ_j a_j + sinh θ_j a_{N+j}†.

Sign decision (documented ambiguity)
------------------------------------
With L_S as printed (+2Γm̄), the transformed-frame atoms reach Eq. (1) exactly, sign
(−1)^{j+1} included. A spin chain driven directly by the same L_S reaches Eq. (1) with every c
replaced by −c (the cavity in between contributes a factor (−i)² to the pair correlation),
i.e. Eq. (1) up to the local unitary Π_j σᶻ_{N+j}; the paper says "coincides with Eq. (1)",
true up to this local phase convention, which leaves every entanglement measure unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import qutip

from ..._checks import check_choice, check_int, check_nonnegative, check_positive, check_vector
from ...errors import ConvergenceError, ParameterError
from ...metrics import concurrence, log_negativity
from ...solvers.blas import serial_blas
from ...solvers.convergence import Convergence
from ._bath import bath_frame, check_bath
from .effective import (
    MAX_SITES as MAX_EFFECTIVE_SITES,
    VALIDITY_THRESHOLD,
    EffectiveSpinModel,
    effective_spin_model,
    steady_state_in_sector,
    warn_if_invalid,
)

__all__ = [
    "PairStates",
    "analytic_pair_state",
    "atom_array_steady_state",
    "spin_chain_steady_state",
]

# Largest Hilbert-space dimension for which a Liouvillian steady state is attempted: the sparse LU
# of these tensor-product Liouvillians fills in almost completely (measured on the 2-core reference
# machine: 2 cavities + 2 atoms at cutoff 8, 256 states, 24 s; cutoff 10, 400 states, 140 s;
# 8 two-level systems + 4 cavities at cutoff 2, 256 states, > 10 min because of the fill-in).
_MAX_DIM = 400


@dataclass(frozen=True)
class PairStates:
    """Steady state of 2N two-level systems (spins or atoms) of paper 004.

    Attributes
    ----------
    kind
        ``"spins"`` (XX chains) or ``"atoms"`` (Jaynes–Cummings arrays).
    sites
        N, the number of sites per array.
    nbar, mbar
        Drive parameters.
    state
        Density matrix of the 2N two-level systems, tensor order 1, ..., 2N (see module doc).
    residual
        ‖𝓛ρ‖ (Frobenius) of the returned steady state, a check on the linear solve.
    convergence
        Fock-cutoff evidence (atoms, exact), weak-coupling evidence (atoms, effective:
        parameter ``"weak_coupling_epsilon"``, value ε = √(γ_max τ_c), change ε² = estimated
        relative size of the neglected O(g⁴) terms, tolerance 0.01) or ``None`` (spins).
    joint_state
        Atoms, exact method only: the cavities+atoms steady state **in the squeezed frame**,
        tensor order cavities 1..2N then atoms 1..2N; ``None`` otherwise.
    method
        ``"exact"`` (master equation: spins, or atoms with cavities) or ``"effective"``
        (atoms, cavity-eliminated spin model of :mod:`.effective`).
    effective
        The :class:`~.effective.EffectiveSpinModel` used (method ``"effective"``), else ``None``.
    """

    kind: str
    sites: int
    nbar: float
    mbar: float
    state: qutip.Qobj = field(repr=False)
    residual: float
    convergence: Convergence | None = None
    joint_state: qutip.Qobj | None = field(default=None, repr=False)
    method: str = "exact"
    effective: EffectiveSpinModel | None = field(default=None, repr=False)

    def pair_state(self, j: int) -> qutip.Qobj:
        """Reduced state of the pair (j, N+j), j = 1..N, tensor order (j, N+j)."""
        j = check_int("j", j)
        if j > self.sites:
            raise ParameterError(f"`j` must be a site 1..{self.sites}, got {j}")
        return self.state.ptrace([j - 1, self.sites + j - 1])

    def pair_log_negativities(self) -> np.ndarray:
        """E_N^(at)[j, N+j] = log₂‖ρ^{PT}_{j,N+j}‖₁ for j = 1..N (paper 004, p. 4: base 2)."""
        pairs = range(1, self.sites + 1)
        return np.array([log_negativity(self.pair_state(j), (1,)) / math.log(2.0) for j in pairs])

    def pair_concurrences(self) -> np.ndarray:
        """Wootters concurrence of each pair (j, N+j)."""
        return np.array([concurrence(self.pair_state(j)) for j in range(1, self.sites + 1)])

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "pair": np.arange(1, self.sites + 1),
                "log_negativity_log2": self.pair_log_negativities(),
                "concurrence": self.pair_concurrences(),
            }
        )

    def __str__(self) -> str:
        en = ", ".join(f"{v:.4f}" for v in self.pair_log_negativities())
        conv = f"; {self.convergence}" if self.convergence is not None else ""
        return (
            f"{self.kind} steady state ({self.method}), N={self.sites}, nbar={self.nbar:g}, "
            f"mbar={self.mbar:g}: "
            f"E_N(j,N+j) [log2] = [{en}]; residual {self.residual:.1e}{conv}"
        )


# --------------------------------------------------------------------------------------------
# building blocks
# --------------------------------------------------------------------------------------------


def _dissipator(op: qutip.Qobj) -> qutip.Qobj:
    """ρ ↦ 2 op ρ op† − {op†op, ρ} (the paper's normalisation, twice qutip's D[op])."""
    return 2.0 * qutip.lindblad_dissipator(op)


def _squeezed_drive(s1: qutip.Qobj, s2: qutip.Qobj, rate: float, nbar: float, mbar: float):
    """The paper's L_S on the pair (s1, s2), term by term as printed (p. 2 and p. 4)."""
    out = 0
    for s in (s1, s2):
        out = out + rate * ((nbar + 1.0) * _dissipator(s) + nbar * _dissipator(s.dag()))
    if mbar != 0.0:
        anomalous = (
            qutip.spre(s1) * qutip.spost(s2)
            + qutip.spre(s2) * qutip.spost(s1)
            - qutip.spre(s1 * s2)
            - qutip.spost(s1 * s2)
        )
        hermitian_partner = (
            qutip.spre(s2.dag()) * qutip.spost(s1.dag())
            + qutip.spre(s1.dag()) * qutip.spost(s2.dag())
            - qutip.spost(s2.dag() * s1.dag())
            - qutip.spre(s2.dag() * s1.dag())
        )
        out = out + 2.0 * rate * mbar * (anomalous + hermitian_partner)
    return out


def _steady(liouvillian: qutip.Qobj) -> tuple[qutip.Qobj, float]:
    with serial_blas():
        rho = qutip.steadystate(liouvillian, method="direct")
    rho = 0.5 * (rho + rho.dag())
    rho = rho / rho.tr()
    residual = float(np.linalg.norm((liouvillian * qutip.operator_to_vector(rho)).full()))
    return rho, residual


def _check_common(sites: object, drive_rate: object, nbar: object, mbar: object):
    n = check_int("sites", sites)
    rate = check_positive("drive_rate", drive_rate)
    nb, mb = check_bath(nbar, mbar)
    return n, rate, nb, mb


def _check_bonds(name: str, value: object, sites: int) -> np.ndarray:
    """Nearest-neighbour couplings: a scalar or N−1 values, shared by both arrays."""
    if sites == 1:
        arr = np.asarray(value, dtype=float) if not isinstance(value, str) else None
        if arr is None or arr.ndim > 1 or not np.all(np.isfinite(arr)):
            raise ParameterError(f"`{name}` must be a finite number, got {value!r}")
        return np.zeros(0)
    return check_vector(name, value, sites - 1)


# --------------------------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------------------------


def analytic_pair_state(sites: int, nbar: float) -> qutip.Qobj:
    """Paper 004, Eq. (1): ⊗_j [√(1−c²)|1,1⟩ + (−1)^{j+1} c|2,2⟩]_{j,N+j}, c = √(n̄/(2n̄+1)).

    Parameters
    ----------
    sites
        N ≥ 1 sites per array.
    nbar
        Occupation n̄ ≥ 0 of the squeezed-vacuum drive (m̄ = √(n̄(n̄+1))).

    Returns
    -------
    qutip.Qobj
        Ket of 2N qubits, tensor order 1, ..., 2N; index 0 = |1⟩ (ground), 1 = |2⟩ (excited).

    Examples
    --------
    >>> psi = analytic_pair_state(1, 1.0)
    >>> [round(float(abs(x)) ** 2, 6) for x in psi.full().ravel()]
    [0.666667, 0.0, 0.0, 0.333333]
    """
    n = check_int("sites", sites)
    nb = check_nonnegative("nbar", nbar)
    c = math.sqrt(nb / (2.0 * nb + 1.0))
    # build pair by pair in the order (1, N+1), (2, N+2), ... then permute to 1..2N
    kets = []
    for j in range(1, n + 1):
        sign = (-1.0) ** (j + 1)
        kets.append(
            math.sqrt(1.0 - c * c) * qutip.tensor(qutip.basis(2, 0), qutip.basis(2, 0))
            + sign * c * qutip.tensor(qutip.basis(2, 1), qutip.basis(2, 1))
        )
    psi = qutip.tensor(kets)
    # factor 2(j−1) is site j, factor 2(j−1)+1 is site N+j
    order = [2 * (j - 1) for j in range(1, n + 1)] + [2 * (j - 1) + 1 for j in range(1, n + 1)]
    return psi.permute(order)


def spin_chain_steady_state(
    sites: int, coupling: float | np.ndarray, drive_rate: float, nbar: float, mbar: float
) -> PairStates:
    """Steady state of two XX spin chains driven at spins 1 and N+1 (paper 004, p. 4).

    Parameters
    ----------
    sites
        N ≥ 1 spins per chain.
    coupling
        J_j, a scalar or N−1 values (the same in both chains), in units of the reference rate.
    drive_rate
        Γ > 0, amplitude rate of L_S.
    nbar, mbar
        Drive statistics, m̄² ≤ n̄(n̄+1).

    Returns
    -------
    PairStates
        ``state`` holds the 2N spins in order 1..2N (module docstring). For a squeezed-vacuum
        drive it equals Eq. (1) up to the local unitary Π_j σᶻ_{N+j} (module docstring).

    Examples
    --------
    >>> res = spin_chain_steady_state(2, 1.0, 1.0, 1.0, 2 ** 0.5)
    >>> [round(float(v), 4) for v in res.pair_log_negativities()]
    [0.9581, 0.9581]
    """
    n, rate, nb, mb = _check_common(sites, drive_rate, nbar, mbar)
    bonds = _check_bonds("coupling", coupling, n)
    if 2 * n > 12:
        raise ParameterError(f"`sites` must be <= 6 for the exact spin master equation, got {n}")
    sm = [qutip.destroy(2)] * 1
    ops = [
        qutip.tensor([sm[0] if k == i else qutip.qeye(2) for k in range(2 * n)])
        for i in range(2 * n)
    ]
    h = 0 * ops[0]
    for j in range(n - 1):
        for k in (0, n):
            hop = ops[k + j].dag() * ops[k + j + 1]
            h = h + bonds[j] * (hop + hop.dag())
    liou = qutip.liouvillian(h) + _squeezed_drive(ops[0], ops[n], rate, nb, mb)
    rho, residual = _steady(liou)
    return PairStates("spins", n, nb, mb, rho, residual)


def atom_array_steady_state(
    sites: int,
    hopping: float | np.ndarray,
    coupling_g: float | np.ndarray,
    drive_rate: float,
    nbar: float,
    mbar: float,
    cutoff: int,
    *,
    method: str = "auto",
    loss: float | np.ndarray = 0.0,
    tolerance: float = 1e-5,
    population_tolerance: float = 1e-3,
    max_cutoff: int | None = None,
) -> PairStates:
    """Steady state of two Jaynes–Cummings arrays driven by the squeezed bath (paper 004, p. 1-2).

    ``method="exact"`` solves the full master equation in the squeezed frame (module docstring;
    N = 1) and traces the cavities out. ``method="effective"`` solves the cavity-eliminated
    spin model of :mod:`.effective` (paper p. 4, Fig. 3b; g ≪ Γ, λ; N ≤ 3). ``"auto"`` picks
    exact for N = 1 and effective for N ≥ 2; the result's ``method`` says which was used.

    Parameters
    ----------
    sites
        N ≥ 1 cavity+atom sites per array.
    hopping
        λ_j, a scalar or N−1 values, the same in both arrays (the frame needs equal arrays).
    coupling_g
        g_j, a scalar or N values (site j and N+j share g_j, as in H_cs of p. 2).
    drive_rate
        Γ > 0.
    nbar, mbar
        Drive statistics, m̄² ≤ n̄(n̄+1).
    cutoff
        Fock cutoff (number of levels) per cavity, ≥ 2, to start from. The cutoff is widened by
        one until the atoms' state changes by at most ``tolerance`` in trace distance. Validated
        but unused by the effective method (no Fock space).
    method
        ``"auto"`` (default), ``"exact"`` or ``"effective"`` (see above).
    loss
        κ_j ≥ 0, scalar or 2N values (default 0, as in Fig. 3b).
    tolerance
        Exact method: trace-distance tolerance between the atomic states at cutoffs c and c+1.
    population_tolerance
        Exact method: largest allowed population of the top Fock level of any cavity (squeezed
        frame). Both
        criteria must hold: for weak g the atoms can look converged at two successive, equally
        wrong cutoffs (seen at n̄ = 1, m̄ = 1: change 5e-6 between cutoffs 2 and 3 with 10 % in
        the top level).
    max_cutoff
        Exact method: largest cutoff tried (default: the largest that keeps the Hilbert space
        ≤ 400 states, i.e. cutoff 10 for N = 1; N ≥ 2 is out of reach of the exact method).

    Raises
    ------
    ConvergenceError
        Exact method: if the atoms' state has not converged at ``max_cutoff``.

    Warns
    -----
    WeakCouplingWarning
        Effective method with ε = √(γ_max τ_c) > 0.1 (:mod:`.effective`): the neglected order
        exceeds ~1 %; for N = 1, n̄ = 1, λ = 0 this is g > 0.041Γ.

    Examples
    --------
    >>> res = atom_array_steady_state(1, 0.0, 0.1, 1.0, 1.0, 2 ** 0.5, cutoff=2)
    >>> round(float(res.pair_log_negativities()[0]), 4), res.method
    (0.9581, 'exact')
    >>> res = atom_array_steady_state(3, 1.0, 0.01, 1.0, 1.0, 2 ** 0.5, cutoff=2)
    >>> [round(float(v), 4) for v in res.pair_log_negativities()], res.method
    ([0.9581, 0.9581, 0.9581], 'effective')
    """
    n, rate, nb, mb = _check_common(sites, drive_rate, nbar, mbar)
    how = check_choice("method", method, ("auto", "exact", "effective"))
    bonds = _check_bonds("hopping", hopping, n)
    g = check_vector("coupling_g", coupling_g, n)
    kappa = check_vector("loss", loss, 2 * n)
    if np.any(kappa < 0):
        raise ParameterError(f"`loss` must be >= 0 for every cavity, got {kappa.tolist()}")
    c0 = check_int("cutoff", cutoff, minimum=2)
    tol = check_positive("tolerance", tolerance)
    pop_tol = check_positive("population_tolerance", population_tolerance)
    if how == "effective" or (how == "auto" and n >= 2):
        return _atom_array_effective(n, bonds, g, kappa, rate, nb, mb)
    largest = math.floor((_MAX_DIM / 4**n) ** (1.0 / (2 * n)) + 1e-9)
    if largest < 3:
        raise ParameterError(
            f"`sites` must be 1 for the exact atom–cavity master equation (N={n} needs more than "
            f"{_MAX_DIM} states at a Fock cutoff of 3 per cavity, whose Liouvillian cannot be "
            f"factorised in reasonable time), got sites={n}; use method='effective' (g ≪ Γ, λ)"
        )
    limit = largest if max_cutoff is None else check_int("max_cutoff", max_cutoff, minimum=2)
    if c0 + 1 > limit:
        raise ParameterError(
            f"`cutoff` must leave room for a convergence check: cutoff+1 <= {limit} "
            f"(Hilbert space <= {_MAX_DIM} states for N={n}), got cutoff={c0}"
        )
    n_t, r0 = bath_frame(nb, mb)

    def solve(c: int) -> tuple[qutip.Qobj, qutip.Qobj, float, float]:
        joint, residual = _atom_array_squeezed_frame(n, bonds, g, kappa, rate, n_t, r0, c)
        atoms = joint.ptrace(list(range(2 * n, 4 * n)))
        cav_top = max(float(joint.ptrace(i).diag()[c - 1].real) for i in range(2 * n))
        return joint, atoms, residual, cav_top

    previous = solve(c0)
    c = c0
    while True:
        if c + 1 > limit:
            raise ConvergenceError(
                f"atom array: Fock cutoff did not converge up to {limit} (N={n}, nbar={nb}, "
                f"mbar={mb}); widen `max_cutoff` or use fewer sites"
            )
        current = solve(c + 1)
        change = 0.5 * float(np.sum(np.abs(np.linalg.eigvalsh((current[1] - previous[1]).full()))))
        if change <= tol and current[3] <= pop_tol:
            conv = Convergence(
                "fock_cutoff",
                c + 1,
                change,
                tol,
                f"trace distance of the atoms vs cutoff {c}; top-level population "
                f"{current[3]:.1e} (squeezed frame, n_T={n_t:.3g}, r0={r0:.3g})",
            )
            return PairStates(
                "atoms", n, nb, mb, current[1], current[2], conv, current[0], method="exact"
            )
        previous, c = current, c + 1


def _atom_array_effective(
    n: int,
    bonds: np.ndarray,
    g: np.ndarray,
    kappa: np.ndarray,
    rate: float,
    nb: float,
    mb: float,
) -> PairStates:
    """Atoms from the effective spin model (:mod:`.effective`), with validity evidence."""
    if n > MAX_EFFECTIVE_SITES:
        raise ParameterError(
            f"`sites` must be <= {MAX_EFFECTIVE_SITES} for the effective spin model (its "
            f"steady-state sector has C(4N, 2N) = {math.comb(4 * n, 2 * n)} elements, solved "
            f"densely), got sites={n}"
        )
    model = effective_spin_model(n, bonds, g, rate, nb, mb, kappa)
    warn_if_invalid(model, float(np.max(np.abs(g))), stacklevel=4)
    with serial_blas():
        rho, residual = steady_state_in_sector(model.liouvillian(), n)
    eps = model.small_parameter
    conv = Convergence(
        "weak_coupling_epsilon",
        eps,
        eps * eps,
        VALIDITY_THRESHOLD**2,
        f"epsilon^2 = gamma_max*tau_c estimates the neglected O(g^4) order (measured N=1 error "
        f"~0.1 epsilon^2); tau_c={model.correlation_time:.3g}, "
        f"min Kossakowski eigenvalue before clipping {model.min_kossakowski_eigenvalue:.1e}",
    )
    return PairStates(
        "atoms", n, nb, mb, rho, residual, conv, None, method="effective", effective=model
    )


def _atom_array_squeezed_frame(
    n: int,
    bonds: np.ndarray,
    g: np.ndarray,
    kappa: np.ndarray,
    rate: float,
    n_t: float,
    r0: float,
    cutoff: int,
) -> tuple[qutip.Qobj, float]:
    """Cavities+atoms steady state in the squeezed frame, order cavities 1..2N, atoms 1..2N."""
    dims = [cutoff] * (2 * n) + [2] * (2 * n)
    local = [qutip.destroy(d) for d in dims]

    def embed(i: int) -> qutip.Qobj:
        return qutip.tensor([local[i] if k == i else qutip.qeye(dims[k]) for k in range(len(dims))])

    a = [embed(i) for i in range(2 * n)]
    s = [embed(2 * n + i) for i in range(2 * n)]
    # Bogoliubov images of the cavity operators, U† a_j U = cosh θ_j a_j + sinh θ_j a_{N+j}†
    theta = [(-1.0) ** j * r0 for j in range(1, n + 1)]
    a_img = [0 * a[0]] * (2 * n)
    for j in range(n):
        ch, sh = math.cosh(theta[j]), math.sinh(theta[j])
        a_img[j] = ch * a[j] + sh * a[n + j].dag()
        a_img[n + j] = ch * a[n + j] + sh * a[j].dag()
    h = 0 * a[0]
    for j in range(n - 1):
        for k in (0, n):
            # invariant under U (equal arrays, alternating θ_j): written with the bare operators
            h = h + bonds[j] * (a[k + j].dag() * a[k + j + 1] + a[k + j + 1].dag() * a[k + j])
    for j in range(n):
        for k in (0, n):
            # H̃_cs = g_j[a_j† C_j + a_{N+j}† D_j + H.c.] = U† H_cs U
            term = s[k + j].dag() * a_img[k + j]
            h = h + g[j] * (term + term.dag())
    liou = qutip.liouvillian(h)
    # drive: thermal (n_T) in the squeezed frame, on cavities 1 and N+1
    liou = liou + _squeezed_drive(a[0], a[n], rate, n_t, 0.0)
    for i in range(2 * n):
        if kappa[i] > 0:
            liou = liou + kappa[i] * _dissipator(a_img[i])
    return _steady(liou)
