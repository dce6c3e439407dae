import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.drawing.figure import build_figure, escape, text_alternative
from tests.metrics.drawing import make_result, phase

HOSTILE = "<img src=x onerror=alert(1)>"
MONDAY = dt.date(2025, 1, 6)
BLUE, ORANGE, PURPLE, GREY = "#289de0", "#fab428", "#361475", "#7f7f7f"


def weeks(n):
    return [MONDAY + dt.timedelta(weeks=i) for i in range(n)]


def iso(dates):
    return [d.isoformat() for d in dates]


def traces_named(fig, prefix):
    return [t for t in fig.data if (t.name or "").startswith(prefix)]


def two_phase_result():
    values = [10, 12, 9, 11, 10, 13, 9, 20, 6, 5, 6, 7, 5, 6, 5, 6]
    return make_result(
        "xmr",
        values,
        centre=[10.5] * 8 + [5.75] * 8,
        ucl=[18.0] * 8 + [8.0] * 8,
        lcl=[3.0] * 8 + [3.5] * 8,
        near_ucl=[15.5] * 8 + [7.25] * 8,
        near_lcl=[5.5] * 8 + [4.25] * 8,
        outside_limits=[7],
        types={7: "concern", 8: "improvement", 9: "neither_low"},
        phases=[phase(0, 8, 10.5, trial_limits=True), phase(8, 16, 5.75)],
    )


def all_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "template":
                yield from all_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from all_strings(item)


# ---------------------------------------------------------------- lines


def test_centre_line_is_drawn_per_phase_with_a_break_between():
    fig = build_figure(two_phase_result(), weeks(16), name="Length of stay")

    first, second = traces_named(fig, "Mean")

    assert list(first.x) == iso(weeks(16)[:8])
    assert list(first.y) == [10.5] * 8
    assert list(second.x) == iso(weeks(16)[8:])
    assert list(second.y) == [5.75] * 8
    assert first.line.shape == second.line.shape == "hvh"


def test_trial_phase_lines_are_dashed_and_named_trial():
    fig = build_figure(two_phase_result(), weeks(16), name="Length of stay")

    trial_centre, centre = traces_named(fig, "Mean")
    trial_ucl, ucl = traces_named(fig, "Upper limit")

    assert (trial_centre.name, trial_centre.line.dash) == ("Mean (trial)", "dash")
    assert (centre.name, centre.line.dash) == ("Mean", "solid")
    assert (trial_ucl.name, trial_ucl.line.dash) == ("Upper limit (trial)", "dash")
    assert (ucl.name, ucl.line.dash) == ("Upper limit", "solid")
    assert list(ucl.y) == [8.0] * 8


def test_near_limits_are_dotted_two_sigma_lines():
    fig = build_figure(two_phase_result(), weeks(16), name="Length of stay")

    upper = traces_named(fig, "Upper 2σ limit")[-1]
    lower = traces_named(fig, "Lower 2σ limit")[-1]

    assert (upper.line.dash, list(upper.y)) == ("dot", [7.25] * 8)
    assert (lower.line.dash, list(lower.y)) == ("dot", [4.25] * 8)


def test_per_point_limits_step_with_the_points():
    result = make_result(
        "p",
        [0.1, 0.2, 0.15],
        centre=0.15,
        ucl=[0.3, 0.25, 0.28],
        lcl=[0.0, 0.05, 0.02],
    )

    fig = build_figure(result, weeks(3), name="DNA rate")

    (ucl,) = traces_named(fig, "Upper limit")
    assert list(ucl.y) == pytest.approx([30, 25, 28])
    assert ucl.line.shape == "hvh"


def test_run_chart_has_a_median_and_no_limits():
    result = make_result("run", [3, 4, 5, 3], centre=3.5)

    fig = build_figure(result, weeks(4), name="Beds")

    assert [t.name for t in fig.data] == ["Median", "Beds"]


# ---------------------------------------------------------------- points


def test_data_points_are_coloured_by_their_type():
    fig = build_figure(two_phase_result(), weeks(16), name="Length of stay")

    data = traces_named(fig, "Length of stay")[0]

    assert list(data.x) == iso(weeks(16))
    assert data.y[7] == 20
    assert list(data.marker.color) == [GREY] * 7 + [ORANGE, BLUE, PURPLE] + [GREY] * 6
    assert data.marker.size[7] > data.marker.size[0]
    assert data.mode == "lines+markers"


def test_legend_explains_the_special_cause_colours_present():
    fig = build_figure(two_phase_result(), weeks(16), name="Length of stay")

    legend = {t.name: t.marker.color for t in traces_named(fig, "Special cause")}

    assert legend == {
        "Special cause: improvement": BLUE,
        "Special cause: concern": ORANGE,
        "Special cause: neither": PURPLE,
    }


def test_hover_text_is_the_point_label_one_rule_per_line():
    fig = build_figure(two_phase_result(), weeks(16), name="Length of stay", unit="days")

    data = traces_named(fig, "Length of stay")[0]

    assert data.hovertext[7] == (
        "24 February 2025: 20 days<br>above the upper limit<br>special cause: concern"
    )
    assert data.hoverinfo == "text"


def test_missing_points_leave_a_gap():
    result = make_result("xmr", [1, None, 3], centre=2, ucl=5, lcl=-1)

    data = build_figure(result, weeks(3), name="X").data[-1]

    assert list(data.y) == [1, None, 3]
    assert data.connectgaps is False


def test_without_dates_points_are_numbered():
    result = make_result("xmr", [1, 2, 3], centre=2, ucl=5, lcl=-1)

    fig = build_figure(result, None, name="X")

    assert list(fig.data[0].x) == [1, 2, 3]
    assert fig.layout.xaxis.title.text == "Point"


def test_periods_must_match_points():
    result = make_result("xmr", [1, 2, 3], centre=2)

    with pytest.raises(ValueError, match="2 periods given for 3 points"):
        build_figure(result, weeks(2), name="X")


# ---------------------------------------------------------------- percent, target, annotations


def test_p_charts_plot_percentages_on_a_percent_axis():
    result = make_result("p", [0.1, 0.2, 0.15], centre=0.15, ucl=0.3, lcl=0.0)

    fig = build_figure(result, weeks(3), name="DNA rate", target=0.12)

    data = traces_named(fig, "DNA rate")[0]
    assert list(data.y) == pytest.approx([10, 20, 15])
    assert fig.layout.yaxis.ticksuffix == "%"
    assert fig.layout.yaxis.title.text == "Percentage (%)"
    (target,) = traces_named(fig, "Target")
    assert list(target.y) == pytest.approx([12, 12])
    assert target.name == "Target: 12%"


def test_target_is_a_labelled_dashed_red_line_across_the_chart():
    result = make_result("xmr", [30, 35, 32, 31], centre=32, ucl=40, lcl=24)

    fig = build_figure(result, weeks(4), name="LOS", unit="days", target=28)

    (target,) = traces_named(fig, "Target")
    assert list(target.x) == iso([weeks(4)[0], weeks(4)[-1]])
    assert list(target.y) == [28, 28]
    assert target.line.dash == "dash"
    assert target.line.color == "#d5281b"
    assert [a.text for a in fig.layout.annotations] == ["Target 28 days"]


def test_pdsa_cycles_are_vertical_markers_with_their_titles():
    result = make_result("xmr", [30, 35, 32, 31], centre=32, ucl=40, lcl=24)
    cycles = [(dt.date(2025, 1, 13), "PDSA 1: daily huddle"), ("2025-01-27", "PDSA 2")]

    fig = build_figure(result, weeks(4), name="LOS", annotations=cycles)

    lines = [(s.type, s.x0, s.x1, s.yref, s.y0, s.y1) for s in fig.layout.shapes]
    assert lines == [
        ("line", "2025-01-13", "2025-01-13", "paper", 0, 1),
        ("line", "2025-01-27", "2025-01-27", "paper", 0, 1),
    ]
    labels = [(a.x, a.text, a.hovertext) for a in fig.layout.annotations]
    assert labels == [
        ("2025-01-13", "PDSA 1: daily huddle", "13 January 2025: PDSA 1: daily huddle"),
        ("2025-01-27", "PDSA 2", "27 January 2025: PDSA 2"),
    ]


def test_long_cycle_titles_are_shortened_on_the_chart_but_whole_on_hover():
    result = make_result("xmr", [30, 35], centre=32)
    title = "Introduce a structured handover at every shift change on the ward"

    fig = build_figure(result, weeks(2), name="LOS", annotations=[(MONDAY, title)])

    (label,) = fig.layout.annotations
    assert label.text == title[:40] + "…"
    assert label.hovertext == f"6 January 2025: {title}"


@pytest.mark.parametrize(
    "chart, unit, improvement, expected",
    [
        ("xmr", "days", "decrease", "days (lower is better)"),
        ("xmr", "", "increase", "Value (higher is better)"),
        ("p", "", "decrease", "Percentage (%) (lower is better)"),
        ("u", "", "neither", "Rate"),
        ("xmr", "beds", None, "beds"),
    ],
)
def test_y_axis_names_the_unit_and_the_better_direction(chart, unit, improvement, expected):
    result = make_result(chart, [0.3, 0.4], centre=0.35)

    fig = build_figure(result, weeks(2), name="X", unit=unit, improvement=improvement)

    assert fig.layout.yaxis.title.text == expected


def test_layout_has_a_title_and_axis_titles():
    result = make_result("c", [3, 4, 2], centre=3, ucl=8.2, lcl=0)

    fig = build_figure(result, weeks(3), name="Violent incidents")

    assert fig.layout.title.text == "Violent incidents"
    assert fig.layout.xaxis.title.text == "Period"
    assert fig.layout.yaxis.title.text == "Count"


# ---------------------------------------------------------------- escaping


def test_escape_makes_markup_inert_for_plotly():
    assert escape("<b>\"Tom\" & 'Jerry'</b>") == (
        "&lt;b&gt;&#34;Tom&#34; &amp; &#39;Jerry&#39;&lt;/b&gt;"
    )


def test_hostile_user_text_never_reaches_the_figure_as_markup():
    result = two_phase_result()

    fig = build_figure(
        result,
        weeks(16),
        name=f"<b>LOS</b> {HOSTILE}",
        unit=f"days {HOSTILE}",
        target=7,
        annotations=[(MONDAY, f"<b>PDSA</b> {HOSTILE}"), (weeks(16)[3], "<script>x</script>")],
    )

    raw = fig.to_json()
    assert "<img" not in raw
    assert "<b>" not in raw
    assert "<script" not in raw
    assert fig.layout.title.text == ("&lt;b&gt;LOS&lt;/b&gt; &lt;img src=x onerror=alert(1)&gt;")
    assert fig.layout.annotations[0].text.startswith("&lt;b&gt;PDSA&lt;/b&gt;")
    (data,) = [t for t in fig.data if t.mode == "lines+markers"]
    assert "days &lt;img" in data.hovertext[0]


@settings(max_examples=40, deadline=None)
@given(st.text(), st.text(), st.text())
def test_no_user_text_can_add_markup(name, unit, title):
    result = make_result(
        "xmr", [1, 9, 3], centre=4, ucl=10, lcl=0, outside_limits=[], types={1: "concern"}
    )

    fig = build_figure(
        result, weeks(3), name=name, unit=unit, target=5, annotations=[(MONDAY, title)]
    )

    for text in all_strings(json.loads(fig.to_json())):
        assert "<" not in text.replace("<br>", "")


# ---------------------------------------------------------------- text alternative


def test_text_alternative_reads_the_whole_chart():
    values = [10, 12, 9, 11, 10, 13, 9, 11, 6, 5, 6, 5, 6, 5, 6, 5]
    result = make_result(
        "xmr",
        values,
        centre=8.375,
        ucl=14,
        lcl=2.75,
        shift=range(8, 16),
        types=dict.fromkeys(range(8, 16), "improvement"),
        variation="improvement_low",
        assurance="hit_or_miss",
    )

    text = text_alternative(
        result,
        weeks(16),
        name="LOS <b>",
        unit="days",
        target=7,
        frequency="week",
        improvement="decrease",
    )

    assert text == (
        "XmR chart (individuals) of LOS <b>: 16 points from 6 January 2025 to 21 April 2025. "
        "Mean 8.38 days; limits 2.75 days to 14 days. "
        "Shift: 8 points below the mean from 3 March 2025 to 21 April 2025 (improvement). "
        "The target of 7 days lies within the limits: it will be met in some weeks and missed "
        "in others. "
        "Latest point: special cause variation — improvement (low). "
        "Assurance — hit or miss: the target will be met at some times and not others."
    )


def test_text_alternative_with_no_data():
    result = make_result("run", [], centre=None, phases=[phase(0, 0, None)])

    assert text_alternative(result, [], name="Beds") == "Run chart of Beds: no data yet."


# ---------------------------------------------------------------- with the real engine


def analyse(*args, **kwargs):
    spc = pytest.importorskip("metrics.spc")
    return spc.analyse(*args, **kwargs).to_dict()


BEFORE = [10, 11, 9, 10, 12, 10, 9, 11, 10, 9, 11, 10]
AFTER = [6, 7, 6, 5, 6, 7, 6, 5, 6]


def test_engine_result_with_a_new_phase_draws_each_phase():
    result = analyse(BEFORE + AFTER, chart="xmr", improvement="decrease", phases=[12])

    fig = build_figure(
        result,
        weeks(21),
        name="LOS",
        unit="days",
        annotations=[(weeks(21)[12], "PDSA 3: discharge planning")],
    )

    first, second = traces_named(fig, "Mean")
    assert list(first.x) == iso(weeks(21)[:12])
    assert list(first.y) == pytest.approx([result["phases"][0]["centre"]] * 12)
    assert list(second.x) == iso(weeks(21)[12:])
    assert list(second.y) == pytest.approx([6.0] * 9)
    assert (first.line.dash, second.line.dash) == ("solid", "dash")  # 9 points: trial limits
    assert [s.x0 for s in fig.layout.shapes] == ["2025-03-31"]


def test_engine_point_types_colour_the_markers():
    result = analyse(BEFORE + AFTER, chart="xmr", improvement="decrease")

    fig = build_figure(result, weeks(21), name="LOS")

    (data,) = [t for t in fig.data if t.mode == "lines+markers"]
    expected = {"concern": ORANGE, "improvement": BLUE, "common_cause": GREY}
    assert list(data.marker.color) == [expected[p["point_type"]] for p in result["points"]]
    assert data.marker.color[-1] == BLUE


def test_engine_p_chart_limits_follow_each_denominator():
    denominators = [100, 50, 200, 100, 80, 120, 100, 60, 150, 100, 90, 110]
    result = analyse(
        [12, 8, 22, 14, 10, 13, 12, 9, 15, 13, 10, 14], chart="p", denominators=denominators
    )

    fig = build_figure(result, weeks(12), name="DNA rate")

    (ucl,) = traces_named(fig, "Upper limit")
    assert list(ucl.y) == pytest.approx([p["ucl"] * 100 for p in result["points"]])
    assert len(set(ucl.y)) > 1
    assert fig.layout.yaxis.ticksuffix == "%"


def test_engine_text_alternative_names_variation_and_assurance():
    result = analyse(BEFORE + AFTER, chart="xmr", improvement="decrease", target=8)

    text = text_alternative(
        result,
        weeks(21),
        name="LOS",
        unit="days",
        target=8,
        frequency="week",
        improvement="decrease",
    )

    assert text.startswith(
        "XmR chart (individuals) of LOS: 21 points from 6 January 2025 to "
        "26 May 2025. Mean 8.38 days;"
    )
    assert "Latest point: special cause variation — improvement (low)." in text
    assert text.endswith(
        "The target of 8 days lies within the limits: it will be met in some weeks and missed in "
        "others. Latest point: special cause variation — improvement (low). "
        "Assurance — hit or miss: the target will be met at some times and not others."
    )


# ---------------------------------------------------------------- signals' marks (issue 15)


def test_a_signal_after_a_cycle_is_an_arrow_along_the_foot_from_the_cycle_to_its_start():
    dates = weeks(16)
    marks = [
        (dates[8].isoformat(), "Shift", f"A shift after PDSA 1 “{HOSTILE}”", dates[6].isoformat()),
        (dates[7].isoformat(), "Outside limits", "A point above the upper limit", None),
    ]
    fig = build_figure(two_phase_result(), iso(dates), name="LOS", signal_marks=marks)
    shift, outside = [a for a in fig.layout.annotations if a.showarrow]
    assert (shift.x, shift.ax, shift.axref, shift.ay, shift.y, shift.yref) == (
        dates[8].isoformat(), dates[6].isoformat(), "x", 0, 0, "paper"
    )
    assert shift.text == "Shift" and "<img" not in shift.hovertext and "&lt;img" in shift.hovertext
    # No cycle before it: a short arrow down onto its start, from above.
    assert (outside.x, outside.ax, outside.ay) == (dates[7].isoformat(), 0, -24)
