"""Which tests of change came before each signal, and the sentence that says so.

A cycle is linked to a signal when its Do started within `window` periods (of the measure's
frequency) before the signal's first point, or in the same period: a change cannot explain a
signal that began before it was tried, and one tried long before is no longer a likely cause.
The default window, 8 periods, is about two months of a weekly measure (a project may set its
own). Linked is not proven: the sentences say what came before what, never that it caused it.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from metrics import periods as P
from metrics.evidence.signals import IMPROVEMENT, NEITHER, Signal, signals

WINDOW = 8

UNITS = {P.DAY: "day", P.WEEK: "week", P.MONTH: "month"}


@dataclass(frozen=True)
class Cycle:
    """A PDSA cycle as evidence needs it (the caller reads it from the database)."""

    id: int
    number: int  # numbered within its change idea
    change_idea_id: int
    change_idea: str  # the change idea's title
    do_started_on: dt.date
    adopted_on: dt.date | None = None  # when its change idea was adopted, if it was
    window: int | None = None  # its project's window, in periods; None: the caller's


@dataclass(frozen=True)
class Link:
    cycle: Cycle
    lag: int  # whole periods from the period the Do started in to the signal's first period


@dataclass(frozen=True)
class Finding:
    signal: Signal
    first_period: dt.date
    links: tuple[Link, ...]  # adopted changes' first, then nearest first
    sentence: str


def periods_between(earlier: dt.date, later: dt.date, frequency: str) -> int:
    """How many periods `later`'s period is after `earlier`'s (negative if before)."""
    a, b = P.period_start(earlier, frequency), P.period_start(later, frequency)
    if frequency == P.MONTH:
        return (b.year - a.year) * 12 + b.month - a.month
    days = (b - a).days
    return days // 7 if frequency == P.WEEK else days


def linked_cycles(
    first_period: dt.date, cycles: Iterable[Cycle], frequency: str, window: int = WINDOW
) -> tuple[Link, ...]:
    """The cycles whose Do started from `window` periods (the cycle's own, if it has one)
    before `first_period` up to it: those of adopted changes first (what a team adopted is the
    change worth naming first), each group nearest first, then by change idea and number."""
    links = []
    for cycle in cycles:
        lag = periods_between(cycle.do_started_on, first_period, frequency)
        if 0 <= lag <= (window if cycle.window is None else cycle.window):
            links.append(Link(cycle, lag))
    return tuple(
        sorted(
            links,
            key=lambda k: (k.cycle.adopted_on is None, k.lag, k.cycle.change_idea, k.cycle.number),
        )
    )


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def period_text(period: dt.date, frequency: str) -> str:
    if frequency == P.WEEK:
        return f"the week commencing {_day(period)}"
    if frequency == P.MONTH:
        return f"{period:%B %Y}"
    return _day(period)


def when_text(period: dt.date, frequency: str) -> str:
    return f"{'on' if frequency == P.DAY else 'in'} {period_text(period, frequency)}"


def lag_text(lag: int, frequency: str) -> str:
    unit = UNITS.get(frequency, "period")
    if lag == 0:
        return f"in the same {unit} as"
    return f"{lag} {unit}{'s' if lag != 1 else ''} after"


def what_text(signal: Signal) -> str:
    """The signal in words, e.g. 'A shift of 9 points below the centre line'."""
    n = signal.size
    if signal.rule == "shift":
        return f"A shift of {n} points {signal.side} the centre line"
    if signal.rule == "trend":
        return f"A trend of {n} {signal.side} points"
    if signal.rule == "outside_limits":
        limit = "upper" if signal.side == "above" else "lower"
        if n == 1:
            return f"A point {signal.side} the {limit} limit"
        return f"{n} points in a row {signal.side} the {limit} limit"
    limit = "upper" if signal.side == "above" else "lower"  # two of three
    if signal.flagged == 2 and signal.size <= 3:
        return f"Two of three points close to the {limit} limit"
    return f"{signal.flagged} of {signal.size} points close to the {limit} limit"


def _begins(signal: Signal) -> str:
    return "came" if signal.rule == "outside_limits" and signal.size == 1 else "began"


def adopted_text(cycle: Cycle) -> str:
    return "" if cycle.adopted_on is None else f" (adopted on {_day(cycle.adopted_on)})"


def cycle_text(link: Link, frequency: str) -> str:
    cycle = link.cycle
    name = f"PDSA {cycle.number} “{cycle.change_idea}”"
    return f"{lag_text(link.lag, frequency)} {name} started{adopted_text(cycle)}"


def sentence(signal: Signal, first_period: dt.date, links, frequency: str) -> str:
    direction = (
        ""
        if signal.direction == NEITHER
        else (" (an improvement)" if signal.direction == IMPROVEMENT else " (a concern)")
    )
    head = f"{what_text(signal)}{direction} {_begins(signal)} {when_text(first_period, frequency)}"
    if not links:
        return f"{head}, with no test of change recorded before it."
    said = [cycle_text(link, frequency) for link in links[:3]]
    more = len(links) - len(said)
    tail = f", and {more} other test{'s' if more != 1 else ''} of change" if more else ""
    joined = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
    return f"{head}, {joined}{tail}."


def findings(
    result: dict,
    periods: list[dt.date],
    cycles: Iterable[Cycle],
    *,
    frequency: str,
    improvement: str,
    window: int = WINDOW,
) -> list[Finding]:
    """Every signal of `result` (the engine's `to_dict()`; `periods[i]` is its point i's period)
    with the cycles before it and its sentence, oldest first."""
    if len(periods) != len(result["points"]):
        raise ValueError(f"{len(periods)} periods for {len(result['points'])} points.")
    cycles = [c for c in cycles if c.do_started_on is not None]
    out = []
    for signal in signals(result, improvement):
        first = periods[signal.start]
        links = linked_cycles(first, cycles, frequency, window)
        out.append(Finding(signal, first, links, sentence(signal, first, links, frequency)))
    return out


# What a one-line summary names first: a sustained signal before a single point or a near one.
HEADLINE_ORDER = ("shift", "trend", "outside_limits", "two_of_three")


def headline(found: list[Finding]) -> Finding | None:
    """The finding a one-line summary names: of the signals that reach furthest towards the
    latest point, a shift before a trend before points outside the limits before two of three
    (then the latest to start)."""
    if not found:
        return None
    latest_end = max(f.signal.end for f in found)
    current = [f for f in found if f.signal.end == latest_end]
    return min(current, key=lambda f: (HEADLINE_ORDER.index(f.signal.rule), -f.signal.start))
