"""Unitless model of the thermally driven quantum link (paper 001).

Agustí, Schneider, Fedorov, Filipp, Rabl (2025), "Non-Markovian thermal reservoirs for
autonomous entanglement distribution" (README, "The papers").

Two qubits on a waveguide are driven by the output of a two-sided filter cavity (frequency
ω_c, same loss rate κ on both sides) whose hot side sees a thermal occupation n_th.
All rates are in units of the waveguide decay rate γ₁ of qubit 1 (γ₁ ≡ 1), all times in 1/γ₁.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..._checks import (
    check_choice,
    check_nonnegative,
    check_positive,
    check_probability,
    check_real,
)
from ...errors import ParameterError

GEOMETRIES = ("chiral", "bidirectional")


@dataclass(frozen=True)
class ThermalLink:
    r"""Two qubits driven by filtered thermal noise (paper 001, Eq. 1-8, 48, 49-53).

    Parameters (all unitless, in units of γ₁ = 1)
    ----------------------------------------------
    n_th
        Thermal occupation of the hot reservoir, n_th = 1/(exp(ħω_c/k_BT) − 1). The filter
        cavity itself holds ⟨a†a⟩ = n_th/2 (Eq. 2: hot and cold side at equal rates).
    kappa
        Filter half-bandwidth κ/γ₁: the cavity's **total** energy decay rate is 2κ = ω_c/Q
        (Eq. 2, κ(n_th+1)D[a] + κ n_th D[a†] + κ D[a]); its output field correlation decays as
        e^{−κτ} (Eq. 24).
    gamma2
        Waveguide decay rate γ₂/γ₁ of qubit 2 (Eq. 3).
    delta1, delta2
        Detunings Δ_i = ω_{q,i} − ω_c (Eq. 3, H_i = Δ_i σ_i^z/2), in units of γ₁.
    gamma_phi
        Pure dephasing rate γ_φ of each qubit, model term (γ_φ/2)·D[σ_z] (README, "Units and
        conventions"), so
        that 1/T₂ = γ/2 + γ_φ and γ_φ = 1/T_φ.
    gamma_loss1, gamma_loss2
        Decay rates γ′₁, γ′₂ of each qubit into modes other than the intended direction of the
        waveguide, model term γ′ᵢ·D[σᵢ⁻] (Sec. II: "the qubits decay only into the waveguide
        and other losses ... are neglected"; Sec. V adds them as extra dissipators like the
        dephasing term). This covers intrinsic (non-guided) decay, 1/T1 − γ_rad, and — in the
        chiral geometry — the power a finitely directional coupler radiates the wrong way,
        (1 − d)γ_rad with directionality d: that emission never reaches the other qubit in
        the cascaded model, so it is a loss, and γᵢ is the intended-direction rate d·γ_rad.
        (The backward emission of qubit 2 that would pass qubit 1 is neglected: a second,
        weak cascade 2 → 1 of strength (1 − d)γ that the paper's chiral model does not have.)
    n_link
        Residual thermal occupation of the guided waveguide modes at the qubit frequencies
        (the link's own temperature, Sec. II assumes T₀ ≪ ħω_q/k_B, i.e. n_link = 0). Chiral
        geometry only. A broadband thermal field of occupation n_link flowing through the
        cascade enters exactly as the white thermal drive of Eq. 17:
        (n_link + 1)·𝓛_wg + n_link·𝓛_wg[σ → σ⁺] with 𝓛_wg the waveguide dissipators of
        Eq. 3-4/48 (the cascaded Hamiltonian is unchanged). The filtered drive is then the
        *excess* n_th of the hot side over n_link: the field behind a two-sided filter cavity
        whose waveguide port sees n_link has the spectrum n_link + (n_hot − n_link)|t(ω)|², a
        Gaussian state identical to white noise n_link plus the output of the cavity model of
        Eq. 2 with n_th = n_hot − n_link. The translator does this subtraction.
    p_loss
        Probability that a photon is lost between qubit 1 and qubit 2 (Eq. 48), in [0, 1).
        Only used by the chiral geometry. Following Eq. 48 literally, only the qubit → qubit
        cascade is attenuated, √(γ₁γ₂(1 − p_loss)); the thermal drive of qubit 2 is not
        (a physical lossy segment would also attenuate it — an ambiguity of the paper).
    geometry
        ``"chiral"`` — unidirectional waveguide, cascaded master equation Eq. 1-8;
        ``"bidirectional"`` — semi-infinite phononic waveguide, Eq. 49-53 and App. C.
    positions
        Bidirectional geometry only: the phases (k₀z₁, k₀z₂) of the qubit positions measured
        from the waveguide's end (Eq. 49-53). ``None`` means nodes at (2π, 4π) as in Fig. 6(a).

    Notes
    -----
    Bidirectional geometry: at the nodes Eq. 49 gives the qubits the classical drive
    i(√(κγ)/2)(α*S − αS†) (Eq. 52, half the chiral one of Eq. 16), so the chiral dark state of
    Eq. 19 is reproduced for δ_a = γ/4, not γ/2 as stated below Eq. 50; with δ_a = γ/2 (used in
    Fig. 6) one gets the same state at flux Φ/4. Eq. 50's numerator is off by this factor 2.

    Signs: Δ_i > 0 means qubit i above the cavity frequency. The common and asymmetric
    detunings are δ_s = (Δ₁ + Δ₂)/2 and δ_a = (Δ₁ − Δ₂)/2, so that Δ₁ = Δ₂ = δ_s (Fig. 4c) and
    Δ₁ = −Δ₂ = δ_a (Sec. II B, Sec. V B) reproduce the paper's definitions.

    Examples
    --------
    >>> m = ThermalLink(n_th=1220, kappa=1e-3)
    >>> round(m.flux, 2)
    0.61
    """

    n_th: float
    kappa: float
    gamma2: float = 1.0
    delta1: float = 0.0
    delta2: float = 0.0
    gamma_phi: float = 0.0
    p_loss: float = 0.0
    geometry: str = "chiral"
    positions: tuple[float, float] | None = None
    gamma_loss1: float = 0.0
    gamma_loss2: float = 0.0
    n_link: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "n_th", check_nonnegative("n_th", self.n_th))
        object.__setattr__(self, "kappa", check_positive("kappa", self.kappa))
        object.__setattr__(self, "gamma2", check_nonnegative("gamma2", self.gamma2))
        object.__setattr__(self, "delta1", check_real("delta1", self.delta1))
        object.__setattr__(self, "delta2", check_real("delta2", self.delta2))
        object.__setattr__(self, "gamma_phi", check_nonnegative("gamma_phi", self.gamma_phi))
        object.__setattr__(self, "p_loss", check_probability("p_loss", self.p_loss))
        for name in ("gamma_loss1", "gamma_loss2", "n_link"):
            object.__setattr__(self, name, check_nonnegative(name, getattr(self, name)))
        geometry = check_choice("geometry", self.geometry, GEOMETRIES)
        object.__setattr__(self, "geometry", geometry)
        if self.positions is not None:
            if geometry == "chiral":
                raise ParameterError(
                    "`positions` are only defined for geometry='bidirectional' (Eq. 49-53); "
                    f"got positions={self.positions!r} with geometry='chiral'"
                )
            try:
                pos = tuple(check_real("positions", p) for p in self.positions)
            except TypeError:
                raise ParameterError(
                    f"`positions` must be two phases (k0*z1, k0*z2), got {self.positions!r}"
                ) from None
            if len(pos) != 2:
                raise ParameterError(
                    f"`positions` must be two phases (k0*z1, k0*z2), got {len(pos)} values"
                )
            object.__setattr__(self, "positions", (pos[0], pos[1]))
        if geometry == "bidirectional" and self.p_loss != 0.0:
            raise ParameterError(
                "`p_loss` is only modelled for geometry='chiral' (Eq. 48), "
                f"got p_loss={self.p_loss!r} with geometry='bidirectional'"
            )
        if geometry == "bidirectional" and self.n_link != 0.0:
            raise ParameterError(
                "`n_link` (a thermally occupied waveguide) is only modelled for geometry='chiral', "
                f"got n_link={self.n_link!r} with geometry='bidirectional'"
            )

    @property
    def gamma1(self) -> float:
        """Reference rate γ₁ = 1 (every other rate is in units of it)."""
        return 1.0

    @property
    def flux(self) -> float:
        """Photon flux Φ/γ₁ = κ n_th / 2 driving the qubits (Sec. II)."""
        return 0.5 * self.kappa * self.n_th

    @property
    def delta_s(self) -> float:
        """Common detuning δ_s = (Δ₁ + Δ₂)/2 (Fig. 4c uses Δ₁ = Δ₂ = δ_s)."""
        return 0.5 * (self.delta1 + self.delta2)

    @property
    def delta_a(self) -> float:
        """Asymmetric detuning δ_a = (Δ₁ − Δ₂)/2 (Sec. II B, V B use Δ₁ = −Δ₂ = δ_a)."""
        return 0.5 * (self.delta1 - self.delta2)

    @property
    def kz(self) -> tuple[float, float]:
        """Position phases (k₀z₁, k₀z₂) of the bidirectional geometry (default nodes 2π, 4π)."""
        if self.positions is None:
            import math

            return (2 * math.pi, 4 * math.pi)
        return self.positions

    @property
    def is_symmetric(self) -> bool:
        """γ₂ = γ₁, no dephasing, no loss, cold link: the ideal chiral model of Eq. 6-8."""
        return (
            self.gamma2 == 1.0
            and self.gamma_phi == 0.0
            and self.p_loss == 0.0
            and self.gamma_loss1 == 0.0
            and self.gamma_loss2 == 0.0
            and self.n_link == 0.0
        )

    def __str__(self) -> str:
        s = (
            f"ThermalLink(n_th={self.n_th:g}, kappa={self.kappa:g}, gamma2={self.gamma2:g}, "
            f"delta1={self.delta1:g}, delta2={self.delta2:g}, gamma_phi={self.gamma_phi:g}, "
            f"p_loss={self.p_loss:g}, geometry={self.geometry!r}"
        )
        if self.gamma_loss1 or self.gamma_loss2:
            s += f", gamma_loss=({self.gamma_loss1:g}, {self.gamma_loss2:g})"
        if self.n_link:
            s += f", n_link={self.n_link:g}"
        if self.geometry == "bidirectional":
            s += f", positions=({self.kz[0]:.4g}, {self.kz[1]:.4g})"
        return s + f"; flux={self.flux:g} [units of gamma1])"


__all__ = ["GEOMETRIES", "ThermalLink"]
