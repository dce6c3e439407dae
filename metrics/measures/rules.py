"""What a measure's definition must hold beyond its fields' own types, said once for the
portal's form and the API: a P chart's target is a percentage, a count's is not negative."""


def target_problem(chart_type: str | None, target: float | None) -> str | None:
    """The problem with this target for this kind of chart, in words; None if there is none."""
    if target is None:
        return None
    if chart_type in {"p", "pp"} and not 0 <= target <= 100:
        return "For a P chart the target is a percentage between 0 and 100."
    if chart_type == "c" and target < 0:
        return "A count cannot be negative, so neither can its target."
    return None
