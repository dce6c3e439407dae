"""The chart in words: a text alternative for the figure, for screen readers and no-JS pages.

Pure (no Django, no Plotly). Plain text: the template escapes it.
"""

from __future__ import annotations

from collections.abc import Sequence

from metrics.drawing.icons import assurance_label, variation_label
from metrics.spc.explain import explain, format_date

__all__ = ["CHART_NAMES", "text_alternative"]

CHART_NAMES = {
    "run": "Run chart",
    "xmr": "XmR chart (individuals)",
    "c": "C chart (counts)",
    "p": "P chart (proportions)",
    "pp": "Laney P′ chart (proportions)",
    "u": "U chart (rates)",
    "up": "Laney U′ chart (rates)",
    "t": "T chart (days between events)",
    "g": "G chart (opportunities between events)",
}


def text_alternative(
    result: dict,
    periods: Sequence | None = None,
    *,
    name: str,
    unit: str = "",
    target: float | None = None,
    frequency: str | None = None,
    improvement: str | None = None,
) -> str:
    """The chart in words, for screen readers and no-JS pages. Plain text: the template escapes."""
    points = result["points"]
    present = [i for i, p in enumerate(points) if p.get("value") is not None]
    head = f"{CHART_NAMES.get(result['chart'], 'Chart')} of {name}"
    # A T chart's points are the times between its events: one fewer than the events.
    count = (
        f"{len(present) + 1} events, {len(present)} times between them"
        if result["chart"] == "t"
        else f"{len(present)} points"
    )
    if present and periods is not None:
        head += (
            f": {count} from {format_date(periods[present[0]])} "
            f"to {format_date(periods[present[-1]])}"
        )
    elif present:
        head += f": {count}"
    else:
        head += ": no data yet"
    sentences = [head]
    if present:
        sentences += [
            s.text
            for s in explain(
                result,
                periods=periods,
                unit=unit,
                target=target,
                frequency=frequency,
                improvement=improvement,
            )
        ]
    if result.get("variation") is not None:
        label = variation_label(result["variation"], improvement)
        sentences.append(f"Latest point: {label[0].lower()}{label[1:]}")
    if result.get("assurance") is not None:
        sentences.append(assurance_label(result["assurance"]))
    return ". ".join(sentences) + "."
