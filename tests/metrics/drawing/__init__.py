"""Hand-built SPC results in the ``to_dict()`` shape of DESIGN §5, for tests without the engine."""

FLAGS = ("outside_limits", "shift", "trend", "two_of_three")


def make_result(
    chart,
    values,
    *,
    centre,
    ucl=None,
    lcl=None,
    near_ucl=None,
    near_lcl=None,
    types=None,
    phases=None,
    variation=None,
    assurance=None,
    **flag_indices,
):
    """Points with the given limits (a number, or a list per point) and flags set at the given
    indices (``shift=range(9, 18)``). ``types`` maps index → point_type (default common_cause,
    None for a missing value). ``phases`` is a list of phase dicts (start, end, …)."""
    n = len(values)

    def per_point(x):
        return list(x) if isinstance(x, list | tuple) else [x] * n

    columns = {
        "centre": per_point(centre),
        "ucl": per_point(ucl),
        "lcl": per_point(lcl),
        "near_ucl": per_point(near_ucl),
        "near_lcl": per_point(near_lcl),
    }
    flagged = {flag: set(flag_indices.get(flag, ())) for flag in FLAGS}
    types = types or {}
    points = []
    for i, value in enumerate(values):
        point = {"value": value, **{key: column[i] for key, column in columns.items()}}
        point.update({flag: i in flagged[flag] for flag in FLAGS})
        point["special_cause"] = any(point[flag] for flag in FLAGS)
        point["point_type"] = types.get(i, None if value is None else "common_cause")
        points.append(point)
    return {
        "chart": chart,
        "points": points,
        "phases": phases or [phase(0, n, centre if not isinstance(centre, list) else centre[0])],
        "variation": variation,
        "assurance": assurance,
    }


def phase(start, end, centre, **overrides):
    return {
        "start": start,
        "end": end,
        "centre": centre,
        "n_useful": end - start,
        "longest_run": 3,
        "longest_run_max": 8,
        "crossings": 10,
        "crossings_min": 6,
        "runs_signal": False,
        "trial_limits": False,
        **overrides,
    }
