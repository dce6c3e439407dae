"""The small server-drawn chart of the project's evidence panel (issue 15): what it draws, what
it leaves out, and every user string escaped."""

import datetime as dt
import re

from metrics.drawing.small import small_chart_svg
from metrics.spc import analyse

MONDAYS = [dt.date(2026, 1, 5) + dt.timedelta(weeks=i) for i in range(21)]
HOSTILE = '<img src=x onerror=alert(1)>"'


def chart(**kwargs):
    # Baseline 10, 12, … frozen (centre 11, limits 5.68 to 16.32), then nine 8s: a shift below.
    result = analyse([10, 12] * 6 + [8] * 9, chart="xmr", freeze=12, improvement="decrease")
    return small_chart_svg(result.to_dict(), MONDAYS, label="Chart of LOS", **kwargs)


def test_it_draws_the_data_the_centre_line_and_both_limits():
    svg = chart()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="qi-small-chart"')
    assert 'role="img" aria-label="Chart of LOS"' in svg
    lines = re.findall(r'<polyline fill="none" stroke="(#[0-9a-f]+)"', svg)
    assert lines.count("#5f5f5f") == 2 and lines.count("#231f20") == 1 and "#7f7f7f" in lines
    # The nine points of the shift are improvement points: circles in the improvement colour.
    assert svg.count('fill="#289de0"') == 9 and "<rect" not in svg


def test_cycles_are_numbered_dotted_lines_with_their_title_and_signals_triangles():
    svg = chart(
        cycles=[(MONDAYS[10], 2, f"Huddle {HOSTILE}"), (dt.date(2025, 1, 1), 1, "Before")],
        signal_starts=[12],
    )
    assert svg.count('stroke-dasharray="2 2"') == 1  # the cycle before the chart is left out
    assert "<title>PDSA 2: Huddle &lt;img src=x onerror=alert(1)&gt;&quot;</title>" in svg
    assert "<img" not in svg
    assert svg.count("<path d=") == 1


def test_the_label_is_escaped_and_nothing_is_drawn_without_points():
    result = analyse([10, 12] * 6, chart="xmr").to_dict()
    svg = small_chart_svg(result, MONDAYS[:12], label=HOSTILE)
    assert 'aria-label="&lt;img src=x onerror=alert(1)&gt;&quot;"' in svg
    empty = {"points": [], "phases": []}
    assert small_chart_svg(empty, [], label="x") == ""
    assert small_chart_svg(result, MONDAYS[:11], label="x") == ""  # periods must match points


def test_a_missing_point_leaves_a_gap_in_the_line():
    values = [10, 12, 11, None, 10, 12, 11, 10]
    result = analyse(values, chart="xmr").to_dict()
    svg = small_chart_svg(result, MONDAYS[:8], label="x")
    assert len(re.findall(r'<polyline fill="none" stroke="#7f7f7f"', svg)) == 2


def test_cycles_close_together_keep_their_lines_but_not_overlapping_numbers():
    svg = chart(cycles=[(MONDAYS[10], 1, "A"), (MONDAYS[10] + dt.timedelta(days=2), 2, "B")])
    assert svg.count('stroke-dasharray="2 2"') == 2
    assert svg.count("<text ") == 1
