"""The engine's result: frozen dataclasses and the snapshot JSON (DESIGN §5).

Per-point fields are stored column by column (tuples), which keeps building a result cheap;
``SpcResult.points`` gives them as :class:`SpcPoint` rows. ``to_dict()`` returns exactly the
contract's JSON with plain Python floats/ints/bools/None (never NaN or numpy scalars).
"""

from __future__ import annotations

from dataclasses import dataclass

POINT_KEYS = ("value", "centre", "ucl", "lcl", "near_ucl", "near_lcl", "outside_limits",
              "shift", "trend", "two_of_three", "special_cause", "point_type")
PHASE_KEYS = ("start", "end", "centre", "n_useful", "longest_run", "longest_run_max",
              "crossings", "crossings_min", "runs_signal", "trial_limits")


@dataclass(frozen=True, slots=True)
class SpcPoint:
    value: float | None
    centre: float | None
    ucl: float | None
    lcl: float | None
    near_ucl: float | None
    near_lcl: float | None
    outside_limits: bool
    shift: bool
    trend: bool
    two_of_three: bool
    special_cause: bool
    point_type: str | None


@dataclass(frozen=True, slots=True)
class SpcPhase:
    """One phase: ``end`` is exclusive; Anhøj runs statistics about the phase's centre."""

    start: int
    end: int
    centre: float | None
    n_useful: int
    longest_run: int
    longest_run_max: int | None
    crossings: int
    crossings_min: int | None
    runs_signal: bool
    trial_limits: bool

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "centre": self.centre,
                "n_useful": self.n_useful, "longest_run": self.longest_run,
                "longest_run_max": self.longest_run_max, "crossings": self.crossings,
                "crossings_min": self.crossings_min, "runs_signal": self.runs_signal,
                "trial_limits": self.trial_limits}


@dataclass(frozen=True, slots=True)
class SpcResult:
    chart: str
    values: tuple
    centre: tuple
    ucl: tuple
    lcl: tuple
    near_ucl: tuple
    near_lcl: tuple
    outside_limits: tuple
    shift: tuple
    trend: tuple
    two_of_three: tuple
    special_cause: tuple
    point_type: tuple
    phases: tuple[SpcPhase, ...]
    variation: str | None
    assurance: str | None

    @property
    def points(self) -> tuple[SpcPoint, ...]:
        return tuple(SpcPoint(*row) for row in zip(
            self.values, self.centre, self.ucl, self.lcl, self.near_ucl, self.near_lcl,
            self.outside_limits, self.shift, self.trend, self.two_of_three,
            self.special_cause, self.point_type, strict=True))

    def to_dict(self) -> dict:
        points = [
            {"value": v, "centre": c, "ucl": u, "lcl": lo, "near_ucl": nu, "near_lcl": nl,
             "outside_limits": o, "shift": s, "trend": t, "two_of_three": tw,
             "special_cause": sc, "point_type": pt}
            for v, c, u, lo, nu, nl, o, s, t, tw, sc, pt in zip(
                self.values, self.centre, self.ucl, self.lcl, self.near_ucl, self.near_lcl,
                self.outside_limits, self.shift, self.trend, self.two_of_three,
                self.special_cause, self.point_type, strict=True)
        ]
        return {"chart": self.chart, "points": points,
                "phases": [p.to_dict() for p in self.phases],
                "variation": self.variation, "assurance": self.assurance}
