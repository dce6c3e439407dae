"""The engine imports no Django and no Plotly (DESIGN §2 "Layering", STYLE.md)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_metrics_spc_imports_no_django_and_no_plotly():
    code = ("import metrics.spc, sys; "
            "assert not any(m.startswith(('django', 'plotly')) for m in sys.modules)")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)  # noqa: S603


def test_to_dict_is_plain_json():
    import json

    from metrics.spc import analyse

    out = analyse([1, None, 3, 2, 5, 4, 6, 2], target=3).to_dict()
    assert json.loads(json.dumps(out, allow_nan=False)) == out
    assert list(out) == ["chart", "points", "phases", "variation", "assurance"]
    assert list(out["points"][0]) == [
        "value", "centre", "ucl", "lcl", "near_ucl", "near_lcl", "outside_limits", "shift",
        "trend", "two_of_three", "special_cause", "point_type"]
    assert list(out["phases"][0]) == [
        "start", "end", "centre", "n_useful", "longest_run", "longest_run_max", "crossings",
        "crossings_min", "runs_signal", "trial_limits"]
