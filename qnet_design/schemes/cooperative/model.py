"""The cooperative-dissipation model of paper 003 (Yang, Wang, Li, Hu, You 2021).

N qubits (two-level systems) with transition frequencies ω + δ_i decay into one common,
zero-temperature reservoir (a waveguide) through the collective jump operator
o⁻ = Σ_i e^{iφ_i} σ_i⁻, and each qubit also decays into its own reservoir ("non-cooperative"
decay α).  Paper 003, Eq. (1)–(2) and the text after Eq. (3):

    dρ/dt = −i[H, ρ] + κ L[o⁻]ρ + α Σ_i L[σ_i⁻]ρ  (+ local dephasing, an extension),
    H = Σ_i (ω + δ_i) σ_i⁺σ_i⁻,
    L[o]ρ = 2 oρo⁺ − o⁺oρ − ρo⁺o                                     (paper Eq. 2).

Rate convention (read this before comparing with other code)
-----------------------------------------------------------
The paper's dissipator carries a factor 2.  With the usual D[o]ρ = oρo† − ½{o†o, ρ} one has
exactly ``L[o] = 2 D[o]``, so

    κ L[o⁻] = 2κ D[o⁻],        α L[σ_i⁻] = 2α D[σ_i⁻].

``kappa`` and ``alpha`` keep the paper's meaning: an isolated excited qubit loses its
population at rate 2(κ + α) (amplitude at κ + α); the bright state |Ψ₊⟩ of two qubits decays in
population at 4κ, which is the imaginary part −2iκ of its eigenvalue in paper Eq. (3)
(an amplitude rate).  A QuTiP collapse operator for the collective channel is therefore
``sqrt(2*kappa) * o``.

Local dephasing (not in the paper) uses the project convention of README, "Units and conventions":
(γ_φ/2) D[σ_i^z] with γ_φ = ``dephasing`` = 1/T_φ, so a single-qubit coherence decays at γ_φ.

Units and frames
----------------
All rates (ω, δ_i, κ, α, γ_φ) are in one common, arbitrary unit; times are in its inverse.
The paper's figures use ω = 1 and κ/ω = 0.001 (times ωt).  Energies are reported in units of
ħω as E = Σ_i (ω + δ_i)/ω · ⟨σ_i⁺σ_i⁻⟩, so |10⟩ has E = 1 and its t → ∞ state E = 0.5 (paper
Fig. 2a); for identical qubits E is the mean excitation number.

The dynamics conserves nothing but is covariant under e^{−iωN̂t} (N̂ the excitation number):
the solvers work exactly in the frame rotating at ω, where H = Σ_i δ_i σ_i⁺σ_i⁻.  Reported
density matrices are in that frame; populations, energies, dark weights, concurrences and
negativities are frame independent (local phase rotations).

Basis conventions
-----------------
Qubit |0⟩ = ground = ``qutip.basis(2, 0)``, |1⟩ = excited = ``qutip.basis(2, 1)``,
σ⁻ = |0⟩⟨1| = ``qutip.destroy(2)``.  Tensor factor i is qubit i (qubit 0 first); the bitstring
"100" means qubit 0 excited (the paper's |10⟩ has the paper's qubit 1 excited, i.e. our
qubit 0, and in Fig. 3(c,d) the paper's qubit 2 — our qubit 1 — carries the detuning δ).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import qutip

from ..._checks import check_int, check_nonnegative, check_positive, check_vector
from ...errors import ParameterError

#: Largest qubit number for which an initial state may be given as a full 2^N ket / matrix.
MAX_FULL_QUBITS = 12


@dataclass(frozen=True)
class CooperativeArray:
    """N qubits decaying cooperatively into a common reservoir (paper 003, Eq. 1–2).

    Parameters
    ----------
    qubits
        Number of qubits N ≥ 2.
    kappa
        Cooperative decay rate κ > 0 in the paper's normalisation κ L[o⁻] = 2κ D[o⁻]
        (see the module docstring: a lone excited qubit decays in population at 2κ).
    alpha
        Non-cooperative (individual) decay rate α ≥ 0, term α Σ_i L[σ_i⁻] = 2α Σ_i D[σ_i⁻]
        (paper, text after Eq. 3).
    detunings
        δ_i: qubit i has frequency ω + δ_i.  A scalar is broadcast to every qubit (a common
        shift, equivalent to changing ω).  The paper's two-qubit detuned case (Fig. 3c,d) is
        ``detunings=(0.0, 0.1)`` with ``omega=1``.
    phases
        φ_i in o⁻ = Σ_i e^{iφ_i} σ_i⁻ (radians; set by the positions along the waveguide).
        The paper uses φ_i = 0.  A scalar is broadcast (a global phase, physically irrelevant).
        A single collective jump operator with phases describes, e.g., emitters in a
        bidirectional waveguide spaced by multiples of λ/2 (φ_i ∈ {0, π}); other spacings also
        produce a waveguide-mediated coherent exchange and a second (backward) channel, which
        this model does not include.
    omega
        Reference qubit frequency ω > 0; energies are reported in units of ħω.
    dephasing
        Local pure-dephasing rate γ_φ ≥ 0 per qubit, term (γ_φ/2) D[σ_i^z] (extension; not in
        the paper).

    Examples
    --------
    >>> model = CooperativeArray(2, kappa=0.001)
    >>> model.identical
    True
    """

    qubits: int
    kappa: float
    alpha: float = 0.0
    detunings: Any = 0.0
    phases: Any = 0.0
    omega: float = 1.0
    dephasing: float = 0.0
    _delta: np.ndarray = field(init=False, repr=False, compare=False)
    _phi: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = check_int("qubits", self.qubits, minimum=2)
        object.__setattr__(self, "qubits", n)
        object.__setattr__(self, "kappa", check_positive("kappa", self.kappa))
        object.__setattr__(self, "alpha", check_nonnegative("alpha", self.alpha))
        object.__setattr__(self, "omega", check_positive("omega", self.omega))
        object.__setattr__(self, "dephasing", check_nonnegative("dephasing", self.dephasing))
        delta = check_vector("detunings", self.detunings, n)
        phi = check_vector("phases", self.phases, n)
        delta.setflags(write=False)
        phi.setflags(write=False)
        object.__setattr__(self, "_delta", delta)
        object.__setattr__(self, "_phi", phi)
        object.__setattr__(self, "detunings", tuple(float(x) for x in delta))
        object.__setattr__(self, "phases", tuple(float(x) for x in phi))

    @property
    def delta(self) -> np.ndarray:
        """Detunings δ_i as a read-only array (same unit as ω)."""
        return self._delta

    @property
    def phi(self) -> np.ndarray:
        """Phases φ_i of the collective jump operator (radians), read-only array."""
        return self._phi

    @property
    def frequencies(self) -> np.ndarray:
        """Qubit frequencies ω + δ_i."""
        return self.omega + self._delta

    @property
    def identical(self) -> bool:
        """True when all qubits have the same frequency (δ_i all equal).

        Then the model is permutation symmetric up to the local phase rotations
        σ_i⁻ → e^{iφ_i} σ_i⁻, which leave α, γ_φ and every local figure of merit unchanged.
        """
        return bool(np.ptp(self._delta) <= 1e-12 * max(1.0, float(np.max(np.abs(self._delta)))))

    # ---- operators in the full 2^N space (for users and for cross-checks) ----
    def lowering(self, i: int) -> qutip.Qobj:
        """σ_i⁻ = |0⟩⟨1| on qubit i (tensor factor i)."""
        ops = [qutip.qeye(2)] * self.qubits
        ops[i] = qutip.destroy(2)
        return qutip.tensor(ops)

    def collective_lowering(self) -> qutip.Qobj:
        """o⁻ = Σ_i e^{iφ_i} σ_i⁻ (paper Eq. 2 with phases)."""
        return sum(
            (np.exp(1j * p) * self.lowering(i) for i, p in enumerate(self._phi)),
            start=0 * self.lowering(0),
        )

    def hamiltonian(self, rotating: bool = True) -> qutip.Qobj:
        """H = Σ_i (ω + δ_i) σ_i⁺σ_i⁻, or Σ_i δ_i σ_i⁺σ_i⁻ in the frame rotating at ω."""
        freqs = self._delta if rotating else self.frequencies
        return sum(
            (f * self.lowering(i).dag() * self.lowering(i) for i, f in enumerate(freqs)),
            start=0 * self.lowering(0),
        )

    def collapse_operators(self) -> list[qutip.Qobj]:
        """QuTiP collapse operators in the standard D[·] normalisation.

        √(2κ) o⁻, √(2α) σ_i⁻ (if α > 0) and √(γ_φ/2) σ_i^z (if γ_φ > 0).
        """
        ops = [np.sqrt(2 * self.kappa) * self.collective_lowering()]
        if self.alpha > 0:
            ops += [np.sqrt(2 * self.alpha) * self.lowering(i) for i in range(self.qubits)]
        if self.dephasing > 0:
            for i in range(self.qubits):
                sm = self.lowering(i)
                sz = 2 * sm.dag() * sm - 1
                ops.append(np.sqrt(self.dephasing / 2) * sz)
        return ops

    def __str__(self) -> str:
        return (
            f"CooperativeArray(N={self.qubits}, kappa={self.kappa:g}, alpha={self.alpha:g}, "
            f"dephasing={self.dephasing:g}, omega={self.omega:g}, "
            f"detunings={list(self.detunings)}, phases={list(self.phases)})"
        )


def bitstring_index(bits: str) -> int:
    """Index of the computational basis state "b_0 b_1 … b_{N−1}" (qubit 0 most significant)."""
    return int(bits, 2)


def parse_initial(initial: object, qubits: int) -> str | np.ndarray:
    """Validate an initial state: a bitstring, a ket or a density matrix of N qubits.

    Returns the bitstring itself, or the density matrix as a dense (2^N, 2^N) array.

    Raises
    ------
    ParameterError
        Naming ``initial``: wrong length/characters, wrong dimension, not Hermitian, not
        positive semidefinite or trace ≠ 1 (tolerance 1e-8).
    """
    if isinstance(initial, str):
        if len(initial) != qubits or set(initial) - {"0", "1"}:
            raise ParameterError(
                f"`initial` must be a bitstring of {qubits} characters '0'/'1' (1 = excited, "
                f"qubit 0 first), got {initial!r}"
            )
        return initial
    if qubits > MAX_FULL_QUBITS:
        raise ParameterError(
            f"`initial` must be a bitstring for N = {qubits} > {MAX_FULL_QUBITS} qubits (a full "
            f"2^N state is too large), got {type(initial).__name__}"
        )
    dim = 2**qubits
    if isinstance(initial, qutip.Qobj):
        arr = initial.full()
        if initial.isket:
            arr = arr.reshape(-1)
    else:
        try:
            arr = np.asarray(initial, dtype=complex)
        except (TypeError, ValueError):
            raise ParameterError(
                f"`initial` must be a bitstring, a qutip ket or a density matrix, got "
                f"{type(initial).__name__}"
            ) from None
        if arr.ndim == 2 and arr.shape[1] == 1:
            arr = arr.reshape(-1)
    if arr.ndim == 1:
        if arr.shape != (dim,):
            raise ParameterError(
                f"`initial` ket must have dimension 2^{qubits} = {dim}, got {arr.shape[0]}"
            )
        norm = float(np.vdot(arr, arr).real)
        if abs(norm - 1.0) > 1e-8:
            raise ParameterError(f"`initial` ket must be normalised, got norm² = {norm:.6g}")
        return np.outer(arr, arr.conj())
    if arr.shape != (dim, dim):
        raise ParameterError(
            f"`initial` density matrix must be {dim}x{dim} (2^{qubits}), got shape {arr.shape}"
        )
    if not np.allclose(arr, arr.conj().T, atol=1e-10):
        raise ParameterError("`initial` is not a density matrix: it is not Hermitian")
    trace = float(np.trace(arr).real)
    if abs(trace - 1.0) > 1e-8:
        raise ParameterError(f"`initial` is not a density matrix: trace {trace:.6g} != 1")
    lowest = float(np.linalg.eigvalsh(0.5 * (arr + arr.conj().T))[0])
    if lowest < -1e-8:
        raise ParameterError(
            f"`initial` is not a density matrix: it has a negative eigenvalue {lowest:.3g}"
        )
    return arr


def bell_state(sign: int = -1) -> qutip.Qobj:
    """|Ψ±⟩ = (|10⟩ ± |01⟩)/√2 (paper, after Eq. 3); ``sign=-1`` gives the dark |Ψ₋⟩."""
    if sign not in (-1, 1):
        raise ParameterError(f"`sign` must be +1 or -1, got {sign!r}")
    k10 = qutip.tensor(qutip.basis(2, 1), qutip.basis(2, 0))
    k01 = qutip.tensor(qutip.basis(2, 0), qutip.basis(2, 1))
    return (k10 + sign * k01).unit()


def product_state(bits: str) -> qutip.Qobj:
    """The computational basis ket of a bitstring (1 = excited, qubit 0 first)."""
    if not bits or set(bits) - {"0", "1"}:
        raise ParameterError(f"`bits` must be a non-empty string of '0'/'1', got {bits!r}")
    return qutip.tensor([qutip.basis(2, int(b)) for b in bits])


def dicke_state(qubits: int, excitations: int) -> qutip.Qobj:
    """Symmetric Dicke ket with k excitations: the normalised sum of all C(N, k) bitstrings."""
    n = check_int("qubits", qubits, minimum=1)
    k = check_int("excitations", excitations, minimum=0)
    if k > n:
        raise ParameterError(f"`excitations` must be <= qubits = {n}, got {k}")
    if n > MAX_FULL_QUBITS:
        raise ParameterError(f"`qubits` must be <= {MAX_FULL_QUBITS} for a full ket, got {n}")
    vec = np.zeros(2**n)
    for b in range(2**n):
        if bin(b).count("1") == k:
            vec[b] = 1.0
    return qutip.Qobj(vec / np.linalg.norm(vec), dims=[[2] * n, [1] * n])
