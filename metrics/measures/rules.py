"""What a measure's definition must hold beyond its fields' own types, said once for the
portal's form and the API: a P chart's target is a percentage, a count's is not negative, and
a rare-event chart (T or G) records each event by its day."""

from metrics.spc.validation import RARE_EVENT_CHARTS


def target_problem(chart_type: str | None, target: float | None) -> str | None:
    """The problem with this target for this kind of chart, in words; None if there is none."""
    if target is None:
        return None
    if chart_type in {"p", "pp"} and not 0 <= target <= 100:
        return "For a P chart the target is a percentage between 0 and 100."
    if chart_type == "c" and target < 0:
        return "A count cannot be negative, so neither can its target."
    if chart_type in RARE_EVENT_CHARTS and target < 0:
        return "The time or count between events cannot be negative, so neither can its target."
    return None


def frequency_problem(chart_type: str | None, frequency: str | None) -> str | None:
    """T and G charts take one point per event, dated by its day: daily, nothing else."""
    if chart_type in RARE_EVENT_CHARTS and frequency not in (None, "day"):
        return (
            "A T or G chart records each event on the day it happened: choose Daily as how "
            "often it is recorded."
        )
    return None
