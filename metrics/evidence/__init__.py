"""Evidence of change: which tests of change a chart's signals followed, said in words.

Pure functions (no Django, nothing of the database): the engine's result, the measure's periods
and its PDSA cycles' dates in; signals, their links to cycles, sentences and the re-baseline
suggestion out (DESIGN §10). Pages and reports render what these return.
May import: periods, spc (pure rooms only).
"""

from metrics.evidence.findings import Cycle, Finding, Link, findings
from metrics.evidence.ideas import Followed, followed_ideas
from metrics.evidence.rebaseline import Suggestion, rebaseline_suggestion
from metrics.evidence.signals import Signal, signals

__all__ = [
    "Cycle",
    "Finding",
    "Followed",
    "Link",
    "Signal",
    "Suggestion",
    "findings",
    "followed_ideas",
    "rebaseline_suggestion",
    "signals",
]
