"""The 14 published reference cases must all pass.

Source: /work/shared/spc-reference/public_cases.json (see its README.md) — qicharts2 0.8.1 for
centre, limits and Anhøj statistics, NHSRplotthedots 0.2.2 for the Making Data Count flags,
point types and icons. Field names are mapped to DESIGN §5's as that README describes.
"""

import json
import math
from pathlib import Path

import pytest

from metrics.spc import analyse, analyse_many

CASES_FILE = Path("/work/shared/spc-reference/public_cases.json")
CASES = json.loads(CASES_FILE.read_text()) if CASES_FILE.exists() else []
TOL = 1e-9

DIRECTION = {"increase": "increase", "decrease": "decrease", "neutral": "neither", None: "neither"}
POINT_TYPE = {
    "common_cause": "common_cause",
    "special_cause_improvement": "improvement",
    "special_cause_concern": "concern",
    "special_cause_neutral_high": "neither_high",
    "special_cause_neutral_low": "neither_low",
}
ASSURANCE = {"consistent_pass": "pass", "consistent_fail": "fail", "inconsistent": "hit_or_miss",
             None: None}
FLAGS = {"outside_limits": "outside_limits", "shift_points": "shift", "trend_points": "trend",
         "two_of_three": "two_of_three"}


def arguments(case: dict) -> dict:
    return {
        "values": case["values"],
        "chart": case["chart"],
        "denominators": case["denominators"],
        "phases": case["phases"],
        "freeze": case["baseline_n"],
        "improvement": DIRECTION[case["improvement_direction"]],
        "target": case["target"],
        "screen": case["mr_screening"],
    }


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=TOL, abs_tol=TOL)


def per_point(expected, n):
    return expected if isinstance(expected, list) else [expected] * n


@pytest.fixture(params=CASES, ids=[c["id"] for c in CASES])
def case(request):
    return request.param


def test_reference_file_has_all_fourteen_cases():
    """public_cases.json holds 14 cases; all must be exercised."""
    assert len(CASES) == 14


def test_centre_and_limits_match(case):
    """Centre, limits and near limits (scalar or per point) match public_cases.json."""
    out = analyse(**arguments(case)).to_dict()
    exp = case["expected"]
    n = len(case["values"])
    for ours, theirs in (("centre", "centre"), ("ucl", "ucl"), ("lcl", "lcl"),
                         ("near_ucl", "near_ucl"), ("near_lcl", "near_lcl")):
        want = per_point(exp.get(theirs), n)
        got = [p[ours] for p in out["points"]]
        assert all(close(g, w) for g, w in zip(got, want, strict=True)), (ours, got, want)
    if "plotted_values" in exp:
        got = [p["value"] for p in out["points"]]
        assert all(close(g, w) for g, w in zip(got, exp["plotted_values"], strict=True))


def test_runs_analysis_per_phase_matches(case):
    """Anhøj statistics per phase (start, end exclusive, n_useful, runs, crossings, signal)."""
    phases = analyse(**arguments(case)).to_dict()["phases"]
    want = case["expected"]["per_phase"]
    assert len(phases) == len(want)
    for got, exp in zip(phases, want, strict=True):
        for key in ("start", "end", "n_useful", "longest_run", "longest_run_max", "crossings",
                    "crossings_min", "runs_signal"):
            assert got[key] == exp[key], (key, got, exp)
        assert close(got["centre"], exp["centre"])


def test_rule_flags_match(case):
    """Indices flagged by each Making Data Count rule (none on run charts)."""
    points = analyse(**arguments(case)).to_dict()["points"]
    for theirs, ours in FLAGS.items():
        want = case["expected"][theirs] or []
        got = [i for i, p in enumerate(points) if p[ours]]
        assert got == want, (ours, got, want)
        assert all(p["special_cause"] for p in points if p[ours])


def test_point_types_variation_and_assurance_match(case):
    """Point types, the variation icon (with its side) and the assurance icon."""
    out = analyse(**arguments(case)).to_dict()
    exp = case["expected"]
    if exp.get("point_type"):
        assert [p["point_type"] for p in out["points"]] == [
            POINT_TYPE[t] for t in exp["point_type"]]
    icon = exp["variation_icon"]
    if icon is None:
        assert out["variation"] is None
    elif icon == "common_cause":
        assert out["variation"] == "common_cause"
    else:
        last = out["points"][-1]
        side = "high" if last["value"] > last["centre"] else "low"
        assert out["variation"] == f"{POINT_TYPE[icon]}_{side}"
    assert out["assurance"] == ASSURANCE[exp["assurance_icon"]]


def test_batch_matches_one_by_one_on_reference_cases():
    """analyse_many over every public case equals analyse on each (public_cases.json)."""
    args = [arguments(c) for c in CASES]
    assert [r.to_dict() for r in analyse_many(args * 5)] == [
        analyse(**a).to_dict() for a in args] * 5
