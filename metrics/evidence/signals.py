"""A chart's special-cause signals, each as one episode: the run of consecutive points that one
Making Data Count rule flags (DESIGN §5), within one phase and on one side.

The engine flags points; a person reads signals. A shift of 9 points is one signal, not nine;
7 points above the upper limit one after another are one signal; a point outside the limits on
its own is one. An episode ends at a point the rule does not flag (two of three may hold one
between its flagged points), a missing point, a phase's start, or where the side changes (a
shift above followed at once by one below is two signals).
"""

from dataclasses import dataclass

# The rules, in the order a person is told of signals that start at the same point.
RULES = ("outside_limits", "shift", "trend", "two_of_three")
ABOVE, BELOW, RISING, FALLING = "above", "below", "rising", "falling"
IMPROVEMENT, CONCERN, NEITHER = "improvement", "concern", "neither"
# Unflagged points a signal may hold between flagged ones: two of three flags only the points
# near the limit (NHSRplotthedots), so 15, 12, 15 is one signal of three points, not two.
GAP = {"two_of_three": 1}


@dataclass(frozen=True)
class Signal:
    rule: str  # one of RULES
    start: int  # index of its first point in the result's points
    end: int  # index of its last point
    side: str  # above / below (the centre line or a limit); rising / falling for a trend
    direction: str  # improvement / concern / neither (the measure has no improving direction)
    flagged: int = 0  # how many of its points the rule flags (all, but for two of three)

    @property
    def size(self) -> int:
        return self.end - self.start + 1


def _flagged(points: list[dict], i: int, rule: str) -> bool:
    return 0 <= i < len(points) and points[i]["value"] is not None and bool(points[i].get(rule))


def _side(points: list[dict], i: int, rule: str, phase_starts: set[int]) -> str:
    point = points[i]
    if rule == "trend":
        # Against the point before, if the trend already ran through it; a trend's first point
        # against the point after (every point of a trend is one of 7 or more).
        if _flagged(points, i - 1, rule) and i not in phase_starts:
            before, after = points[i - 1]["value"], point["value"]
        elif _flagged(points, i + 1, rule) and i + 1 not in phase_starts:
            before, after = point["value"], points[i + 1]["value"]
        else:
            return RISING  # a lone trend point: not made by the engine
        return RISING if after > before else FALLING
    if rule == "outside_limits":
        return ABOVE if point["ucl"] is not None and point["value"] > point["ucl"] else BELOW
    return ABOVE if point["value"] > point["centre"] else BELOW


def _continues(last: int, i: int, rule: str, phase_starts: set[int]) -> bool:
    """Whether flagged point i belongs to the signal whose last flagged point is `last`."""
    if i - last > GAP.get(rule, 0) + 1:
        return False
    return not any(last < start <= i for start in phase_starts)


def _signal(rule: str, episode: list[int], side: str, improvement: str) -> Signal:
    return Signal(
        rule, episode[0], episode[-1], side, _direction(side, improvement), flagged=len(episode)
    )


def _direction(side: str, improvement: str) -> str:
    if improvement not in ("increase", "decrease"):
        return NEITHER
    up = side in (ABOVE, RISING)
    return IMPROVEMENT if up == (improvement == "increase") else CONCERN


def signals(result: dict, improvement: str) -> list[Signal]:
    """Every signal of an engine result (`Result.to_dict()`), oldest first; signals that start
    at the same point in RULES order. `improvement`: the measure's increase / decrease /
    neither."""
    points = result["points"]
    phase_starts = {phase["start"] for phase in result.get("phases", [])}
    found = []
    for rule in RULES:
        episode: list[int] = []  # the flagged points of the signal being read
        side = None
        for i in range(len(points) + 1):
            flagged = _flagged(points, i, rule)
            this = _side(points, i, rule, phase_starts) if flagged else None
            if (
                episode
                and flagged
                and this == side
                and _continues(episode[-1], i, rule, phase_starts)
            ):
                episode.append(i)
                continue
            ended = i == len(points) or points[i]["value"] is None  # the end, or a gap
            if episode and (flagged or ended or i - episode[-1] > GAP.get(rule, 0)):
                found.append(_signal(rule, episode, side, improvement))
                episode = []
            if flagged:
                episode, side = [i], this
    order = {rule: n for n, rule in enumerate(RULES)}
    return sorted(found, key=lambda s: (s.start, order[s.rule]))
