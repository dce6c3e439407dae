"""What followed each change idea: the signals on any of a project's measures that came after
one of its PDSA cycles (the project page's evidence panel)."""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from metrics.evidence.findings import Finding


@dataclass(frozen=True)
class Followed:
    measure: Hashable  # the caller's key for the measure (its id, or the measure itself)
    finding: Finding
    number: int  # the PDSA cycle of the idea that came before the signal (the nearest one)
    lag: int  # periods from that cycle's Do to the signal


def followed_ideas(found: Mapping[Hashable, list[Finding]]) -> dict[int, list[Followed]]:
    """Per change idea id, the signals that followed one of its cycles, oldest first; an idea
    whose cycles no signal followed is not a key (the caller says "no signal yet")."""
    out: dict[int, list[Followed]] = {}
    for measure, findings in found.items():
        for finding in findings:
            nearest: dict[int, tuple[int, int]] = {}
            for link in finding.links:
                idea = link.cycle.change_idea_id
                if idea not in nearest or link.lag < nearest[idea][1]:
                    nearest[idea] = (link.cycle.number, link.lag)
            for idea, (number, lag) in nearest.items():
                out.setdefault(idea, []).append(Followed(measure, finding, number, lag))
    for items in out.values():
        items.sort(key=lambda f: (f.finding.first_period, f.finding.signal.start))
    return out
