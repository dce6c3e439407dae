"""Funnel plots: which units (wards, teams) stand out, fairly for their different sizes
(issue 17). Pure: no Django, no numpy.

One measure, one period (or period range), many units: each unit's numerator and
denominator. The method is Spiegelhalter's (D. J. Spiegelhalter, "Funnel plots for comparing
institutional performance", *Statistics in Medicine* 24:1185–1202, 2005), with the normal
approximation:

- the target is the overall rate θ₀ = Σ numerators / Σ denominators;
- each unit's standard error at the target, at its own denominator nᵢ: for proportions
  sᵢ = √(θ₀(1 − θ₀)/nᵢ), for rates per unit of exposure sᵢ = √(θ₀/nᵢ);
- limits θ₀ ± z·sᵢ, drawn as curves of the denominator: a funnel. The issue asks for 2σ and
  3σ limits, so ``z`` defaults to (2, 3); NHS and PHE funnels often use the 95 % and 99.8 %
  normal quantiles (1.959964, 3.090232), which ``z=Z_QUANTILES`` gives. Proportion limits are
  clamped to [0, 1] and rate limits at 0, as PHEindicatormethods and FunnelPlotR do.
- a unit lies outside when its value is strictly beyond a limit (one on the limit is inside).

Over-dispersion (``overdispersion=True``; Spiegelhalter, "Handling over-dispersion of
performance indicators", *Qual Saf Health Care* 14:347–351, 2005; as FunnelPlotR and the NHS
PowerBI funnel visual compute it, on the untransformed scale): when units differ by more
than chance (case mix, coding), plain limits flag most of them. The z-scores zᵢ = (yᵢ − θ₀)/sᵢ
are winsorised at their 10th and 90th percentiles (R's default quantile, type 7: linear at
(I − 1)q on the sorted scores), φ = mean of the winsorised zᵢ², and if Iφ > I − 1 a
between-unit variance τ² = (Iφ − (I − 1)) / (Σwᵢ − Σwᵢ²/Σwᵢ), wᵢ = 1/sᵢ² (DerSimonian–
Laird with φ), is added: limits θ₀ ± z·√(sᵢ² + τ²). Otherwise τ² = 0 and the limits are the
plain ones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .validation import MAX_MAGNITUDE, _as_list, _number

KINDS = ("p", "u")
Z_SIGMA = (2.0, 3.0)
Z_QUANTILES = (1.959963984540054, 3.090232306167813)  # Φ⁻¹(0.975), Φ⁻¹(0.999)
WINSOR = 0.10


@dataclass(frozen=True, slots=True)
class FunnelUnit:
    """One unit: its figures, its z-score and its limits at its own denominator. A unit
    with no figures keeps its place with every other field None."""

    numerator: float | None
    denominator: float | None
    value: float | None
    z: float | None
    lower2: float | None
    upper2: float | None
    lower3: float | None
    upper3: float | None
    outside2: str | None  # "high", "low" or None: beyond the inner (2σ) limits
    outside3: str | None  # beyond the outer (3σ) limits

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class FunnelResult:
    kind: str
    target: float | None  # θ₀, the overall rate (None: no unit has figures)
    units: tuple[FunnelUnit, ...]
    z: tuple[float, float]
    overdispersion: bool
    phi: float | None  # the winsorised φ (None unless overdispersion was asked for)
    tau2: float  # the between-unit variance added to every unit's (0: none)

    def limits_at(self, denominator: float) -> tuple[float, float, float, float]:
        """(lower2, upper2, lower3, upper3) at any denominator: the funnel's curves."""
        if self.target is None or not denominator > 0:
            raise ValueError("Limits need a target and a denominator above 0.")
        return _limits(self.kind, self.target, _se(self.kind, self.target, denominator),
                       self.tau2, self.z)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "target": self.target,
            "z": list(self.z),
            "overdispersion": self.overdispersion,
            "phi": self.phi,
            "tau2": self.tau2,
            "units": [u.to_dict() for u in self.units],
        }


def funnel(numerators, denominators, kind: str = "p", overdispersion: bool = False,
           z: Sequence[float] = Z_SIGMA) -> FunnelResult:
    """Each unit's value and its inner and outer limits about the overall rate.

    ``kind`` "p" for proportions (numerators ≤ denominators), "u" for rates per unit of
    exposure (e.g. incidents per 1,000 occupied bed days: give bed days / 1,000 as the
    denominator). A unit with a missing numerator or denominator, or 0 of 0, keeps its
    place and takes no part. Raises ValueError, in words, for anything it cannot use.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown funnel kind {kind!r}; choose p (proportions) or u (rates).")
    if not isinstance(overdispersion, bool):
        raise ValueError("overdispersion must be true or false.")
    zs = _levels(z)
    nums = [_number(v, "Numerator", i) for i, v in enumerate(_as_list(numerators, "Numerators"))]
    dens = [_number(v, "Denominator", i)
            for i, v in enumerate(_as_list(denominators, "Denominators"))]
    if len(nums) != len(dens):
        raise ValueError(
            f"There are {len(nums)} numerators but {len(dens)} denominators; give one of each "
            "per unit.")
    present = [_check_unit(kind, i, n, d) for i, (n, d) in enumerate(zip(nums, dens, strict=True))]
    used = [i for i, ok in enumerate(present) if ok]
    if not used:
        empty = tuple(_empty(n, d) for n, d in zip(nums, dens, strict=True))
        return FunnelResult(kind, None, empty, zs, overdispersion, None, 0.0)
    target = math.fsum(nums[i] for i in used) / math.fsum(dens[i] for i in used)
    ses = {i: _se(kind, target, dens[i]) for i in used}
    scores = {i: _z(nums[i] / dens[i], target, ses[i]) for i in used}
    phi, tau2 = None, 0.0
    if overdispersion:
        phi, tau2 = _phi_tau2([scores[i] for i in used], [ses[i] for i in used])
    units = []
    for i, (n, d) in enumerate(zip(nums, dens, strict=True)):
        if i not in ses:
            units.append(_empty(n, d))
            continue
        y = n / d
        lo2, up2, lo3, up3 = _limits(kind, target, ses[i], tau2, zs)
        units.append(FunnelUnit(n, d, y, scores[i], lo2, up2, lo3, up3,
                                _side(y, lo2, up2), _side(y, lo3, up3)))
    return FunnelResult(kind, target, tuple(units), zs, overdispersion, phi, tau2)


def _levels(z) -> tuple[float, float]:
    try:
        inner, outer = (float(x) for x in z)
    except (TypeError, ValueError):
        raise ValueError(
            "z must be two numbers, the inner and outer limits' z (e.g. 2, 3)."
        ) from None
    if not (0 < inner < outer) or not math.isfinite(outer):
        raise ValueError("z must be two positive numbers, the inner below the outer.")
    return inner, outer


def _check_unit(kind: str, i: int, n, d) -> bool:
    """True when the unit takes part; raises for figures no funnel can hold."""
    where = f"Unit {i + 1}"
    if n is None or d is None:
        return False
    if n < 0:
        raise ValueError(f"{where} has a negative numerator ({n:g}).")
    if d < 0:
        raise ValueError(f"{where} has a negative denominator ({d:g}).")
    if d == 0:
        if n:
            raise ValueError(f"{where} has a numerator of {n:g} but a denominator of 0.")
        return False
    if abs(n) > MAX_MAGNITUDE or d > MAX_MAGNITUDE or d < 1e-6:
        raise ValueError(f"{where}'s figures are too large or too small to compare.")
    if kind == "p" and n > d:
        raise ValueError(
            f"{where} has a numerator ({n:g}) above its denominator ({d:g}); a proportion "
            "cannot exceed 1.")
    return True


def _empty(n, d) -> FunnelUnit:
    return FunnelUnit(n, d, None, None, None, None, None, None, None, None)


def _se(kind: str, target: float, d: float) -> float:
    v = target * (1 - target) if kind == "p" else target
    return math.sqrt(v / d)


def _z(y: float, target: float, se: float) -> float:
    # A target of 0 (or a proportion of 1) has no spread: every value equals it.
    return (y - target) / se if se > 0 else 0.0


def _limits(kind, target, se, tau2, zs):
    sd = math.sqrt(se * se + tau2)
    top = 1.0 if kind == "p" else math.inf
    inner, outer = zs
    return (max(target - inner * sd, 0.0), min(target + inner * sd, top),
            max(target - outer * sd, 0.0), min(target + outer * sd, top))


def _side(y: float, lower: float, upper: float) -> str | None:
    if y > upper:
        return "high"
    if y < lower:
        return "low"
    return None


def quantile(xs: Sequence[float], q: float) -> float:
    """R's default quantile (type 7): linear interpolation at (len − 1)·q of the sorted xs."""
    s = sorted(xs)
    pos = (len(s) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (pos - lo) * (s[hi] - s[lo])


def _phi_tau2(scores: list[float], ses: list[float]) -> tuple[float, float]:
    """φ from the z-scores winsorised at the 10th and 90th percentiles; τ² (0 when Iφ is
    not above I − 1, or when the units' weights cannot give one)."""
    count = len(scores)
    low, high = quantile(scores, WINSOR), quantile(scores, 1 - WINSOR)
    phi = math.fsum(min(max(x, low), high) ** 2 for x in scores) / count
    if count * phi <= count - 1 or any(se <= 0 for se in ses):
        return phi, 0.0
    weights = [1 / (se * se) for se in ses]
    total = math.fsum(weights)
    spread = total - math.fsum(w * w for w in weights) / total
    if spread <= 0:
        return phi, 0.0
    return phi, (count * phi - (count - 1)) / spread
