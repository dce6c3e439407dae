"""Signals read from the engine's flags: one signal per episode of one rule (issue 15).

The series are small worked examples whose limits are computed by hand below (DESIGN §5: XmR
limits = mean ± 2.66 × average moving range, near limits at 2/3 of that distance) and frozen on
a baseline, so the later points are judged against the baseline, as a team's would be."""

import subprocess
import sys
from pathlib import Path

from metrics.evidence import signals
from metrics.spc import analyse

ROOT = Path(__file__).resolve().parents[2]
# Baseline 10, 12, 10, 12, …: mean 11, every moving range 2, so the limits are 11 ± 5.32
# (5.68 to 16.32) and the near limits 11 ± 3.547 (7.453 to 14.547).
BASE = [10, 12] * 6


def kinds(result, improvement="increase"):
    return [(s.rule, s.start, s.end, s.side, s.direction) for s in signals(result, improvement)]


def point(value, centre=11.0, ucl=16.32, lcl=5.68, **flags):
    rules = {"outside_limits": False, "shift": False, "trend": False, "two_of_three": False}
    return {"value": value, "centre": centre, "ucl": ucl, "lcl": lcl} | rules | flags


def result_of(points, phase_starts=(0,)):
    return {"points": points, "phases": [{"start": s} for s in phase_starts]}


def test_the_evidence_functions_import_no_django():
    code = (
        "import metrics.evidence, sys; "
        "assert not any(m.startswith(('django', 'plotly')) for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)  # noqa: S603


def test_a_shift_of_nine_points_is_one_signal():
    # Nine 8s after the baseline: all below the centre 11, none beyond the near limit 7.453.
    result = analyse(BASE + [8] * 9, chart="xmr", freeze=12, improvement="decrease").to_dict()
    assert kinds(result, "decrease") == [("shift", 12, 20, "below", "improvement")]
    assert signals(result, "decrease")[0].size == 9


def test_the_same_shift_is_a_concern_where_higher_is_better_and_neither_without_a_direction():
    result = analyse(BASE + [8] * 9, chart="xmr", freeze=12).to_dict()
    assert kinds(result, "increase") == [("shift", 12, 20, "below", "concern")]
    assert kinds(result, "neither") == [("shift", 12, 20, "below", "neither")]


def test_a_trend_of_seven_rising_points():
    # 8, 9, …, 14 after a baseline ending on 12: six rises in a row, all inside the near limits
    # (7.453 to 14.547), three below and three above the centre 11 and one on it: no shift.
    result = analyse(
        BASE[:10] + [8, 9, 10, 11, 12, 13, 14], chart="xmr", freeze=10, improvement="increase"
    ).to_dict()
    assert kinds(result) == [("trend", 10, 16, "rising", "improvement")]


def test_a_trend_of_seven_falling_points_is_falling_from_its_first_point():
    result = analyse(
        BASE[:10] + [14, 13, 12, 11, 10, 9, 8], chart="xmr", freeze=10, improvement="decrease"
    ).to_dict()
    assert kinds(result, "decrease") == [("trend", 10, 16, "falling", "improvement")]


def test_one_point_above_the_upper_limit():
    # 20 > 16.32: outside the limits; alone, so no other rule.
    result = analyse(BASE + [20], chart="xmr", freeze=12, improvement="decrease").to_dict()
    assert kinds(result, "decrease") == [("outside_limits", 12, 12, "above", "concern")]


def test_two_of_three_near_the_limit_is_one_signal_of_three_points():
    # 15, 12, 15: two beyond the near limit 14.547 (inside 16.32), all three above 11. The engine
    # flags the two near the limit (NHSRplotthedots); the signal spans the three.
    result = analyse(BASE + [15, 12, 15, 11], chart="xmr", freeze=12).to_dict()
    assert [p["two_of_three"] for p in result["points"][12:]] == [True, False, True, False]
    found = signals(result, "increase")
    assert kinds(result) == [("two_of_three", 12, 14, "above", "improvement")]
    assert (found[0].size, found[0].flagged) == (3, 2)


def test_consecutive_points_outside_the_limits_are_one_signal_until_the_side_changes():
    points = [point(11)] * 3 + [point(20, outside_limits=True)] * 3
    points += [point(2, outside_limits=True)] * 2 + [point(11)]
    assert kinds(result_of(points)) == [
        ("outside_limits", 3, 5, "above", "improvement"),
        ("outside_limits", 6, 7, "below", "concern"),
    ]


def test_a_missing_point_or_a_new_phase_ends_a_signal():
    flagged = point(8, shift=True)
    points = [flagged] * 3 + [point(None)] + [flagged] * 3 + [flagged] * 2
    assert kinds(result_of(points, phase_starts=(0, 7)), "decrease") == [
        ("shift", 0, 2, "below", "improvement"),
        ("shift", 4, 6, "below", "improvement"),
        ("shift", 7, 8, "below", "improvement"),
    ]


def test_signals_starting_together_come_in_the_rules_order_and_overlap_freely():
    # The engine's own output: nine points far below the baseline are outside the limits and a
    # shift at once (2 < 5.68): two signals over the same points, the limits first.
    result = analyse(BASE + [2] * 9, chart="xmr", freeze=12, improvement="decrease").to_dict()
    assert kinds(result, "decrease") == [
        ("outside_limits", 12, 20, "below", "improvement"),
        ("shift", 12, 20, "below", "improvement"),
    ]


def test_a_run_chart_carries_no_point_signals():
    result = analyse(BASE + [8] * 9, chart="run").to_dict()
    assert signals(result, "increase") == []


def test_a_two_of_three_signal_at_the_last_point_is_kept():
    points = [point(11)] * 3 + [point(15, two_of_three=True)] * 2
    assert kinds(result_of(points)) == [("two_of_three", 3, 4, "above", "improvement")]
