"""Point types, the variation icon and the assurance icon (DESIGN §5).

Run charts carry only the runs analysis: every present point is ``common_cause`` (it is not a
special cause by any Making Data Count rule, which do not apply) and ``variation`` and
``assurance`` are None. A missing point's type is None.
"""

from __future__ import annotations

# Names by (improvement sign, direction of the special cause).
SPECIAL_NAMES = {
    (1, 1): "improvement", (1, -1): "concern",
    (-1, 1): "concern", (-1, -1): "improvement",
    (0, 1): "neither_high", (0, -1): "neither_low",
}
# Vectorised form: code → name.
TYPE_NAMES = (None, "common_cause", "improvement", "concern", "neither_high", "neither_low")


def point_types(ys, special, direction, improvement: int) -> list:
    names = SPECIAL_NAMES
    return [
        None if y is None else (names[improvement, d] if s else "common_cause")
        for y, s, d in zip(ys, special, direction, strict=True)
    ]


def last_present(ys) -> int | None:
    for i in range(len(ys) - 1, -1, -1):
        if ys[i] is not None:
            return i
    return None


def variation(chart: str, point_type: str | None, direction: int):
    """The last present point's type with its side (None on run charts or with no points)."""
    if chart == "run" or point_type is None:
        return None
    if point_type in ("common_cause", "neither_high", "neither_low"):
        return point_type
    return f"{point_type}_{'high' if direction > 0 else 'low'}"


def assurance(chart: str, improvement: int, target, ucl, lcl):
    """From the last present point's limits; None without a target, direction or limits."""
    if chart == "run" or target is None or not improvement or ucl is None or lcl is None:
        return None
    if improvement > 0:
        if target < lcl:
            return "pass"
        if target > ucl:
            return "fail"
    else:
        if target > ucl:
            return "pass"
        if target < lcl:
            return "fail"
    return "hit_or_miss"
