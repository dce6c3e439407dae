"""When to suggest a new phase: a sustained shift in the improving direction after a change the
team has adopted (the Making Data Count advice: re-baseline when a change has made a lasting
difference, never automatically). The suggestion is only words and a prefilled form: a lead,
an assigned coach or an admin accepts it through the governed baseline change.
"""

import datetime as dt
from dataclasses import dataclass

from metrics.evidence.findings import Finding
from metrics.evidence.signals import IMPROVEMENT


@dataclass(frozen=True)
class Suggestion:
    start: int  # index of the point the new phase would start at
    period: dt.date
    change_idea_id: int
    change_idea: str
    reason: str  # prefilled reason, editable by whoever accepts


def rebaseline_suggestion(found: list[Finding], phase_starts: list[int]) -> Suggestion | None:
    """The latest improving shift of the current phase that follows an adopted change, as a
    suggestion to start a new phase at its first point; None if there is none, or a phase
    already starts there."""
    current = max(phase_starts, default=0)
    for finding in reversed(found):
        signal = finding.signal
        if signal.rule != "shift" or signal.direction != IMPROVEMENT:
            continue
        if signal.start <= current:
            continue
        adopted = [link for link in finding.links if link.cycle.adopted_on is not None]
        if not adopted:
            continue
        cycle = adopted[0].cycle
        return Suggestion(
            start=signal.start,
            period=finding.first_period,
            change_idea_id=cycle.change_idea_id,
            change_idea=cycle.change_idea,
            reason=(
                f"A sustained shift ({signal.size} points {signal.side} the centre line) "
                f"followed the adopted change “{cycle.change_idea}”."
            ),
        )
    return None
