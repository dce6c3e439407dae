import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.spc.explain import (
    Sentence,
    explain,
    format_date,
    format_value,
    point_label_parts,
    point_labels,
)
from tests.metrics.drawing import FLAGS, make_result, phase

MONDAY = dt.date(2025, 1, 6)


def weeks(n, start=MONDAY):
    return [start + dt.timedelta(weeks=i) for i in range(n)]


def texts(sentences):
    return [s.text for s in sentences]


def xmr(values, **kwargs):
    kwargs.setdefault("centre", 10)
    kwargs.setdefault("ucl", 16)
    kwargs.setdefault("lcl", 4)
    kwargs.setdefault("near_ucl", 14)
    kwargs.setdefault("near_lcl", 6)
    return make_result("xmr", values, **kwargs)


STABLE = [9, 11, 10, 12, 8, 11, 9, 10.5, 9.5, 11, 9, 12]


# ---------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.date(2025, 3, 3), "3 March 2025"),
        (dt.date(2024, 12, 31), "31 December 2024"),
        (dt.datetime(2025, 1, 9, 23, 59), "9 January 2025"),
        ("2025-07-04", "4 July 2025"),
    ],
)
def test_dates_read_day_month_year_without_leading_zero(value, expected):
    assert format_date(value) == expected


@pytest.mark.parametrize(
    "value, chart, unit, expected",
    [
        (0.153, "p", "", "15.3%"),
        (0.15, "pp", "%", "15%"),
        (1.0, "p", "", "100%"),
        (32.14, "xmr", "days", "32.1 days"),
        (32.0, "xmr", "days", "32 days"),
        (95.5, "xmr", "%", "95.5%"),
        (2.456, "u", "per 1,000 bed days", "2.46 per 1,000 bed days"),
        (0.01234, "xmr", "", "0.0123"),
        (1234.5, "c", "", "1,234"),
        (None, "xmr", "days", "no data"),
    ],
)
def test_values_read_as_people_write_them(value, chart, unit, expected):
    assert format_value(value, chart, unit) == expected


# ---------------------------------------------------------------- sentences


def test_common_cause_only_says_no_signal():
    result = xmr(STABLE)

    assert texts(explain(result)) == [
        "Mean 10; limits 4 to 16",
        "Common cause variation only: no signal of change",
    ]


def test_sentences_are_strings_with_kind_tone_and_phase():
    sentence = explain(xmr(STABLE))[1]

    assert sentence == Sentence(
        "common_cause", "Common cause variation only: no signal of change", None, 0
    )
    assert str(sentence) == sentence.text


def test_shift_names_its_first_and_last_date_and_its_meaning():
    values = STABLE[:9] + [7, 8, 7, 6, 8, 7, 7, 8, 6]
    result = xmr(values, shift=range(9, 18), types=dict.fromkeys(range(9, 18), "improvement"))

    sentences = explain(result, periods=weeks(18), unit="days", improvement="decrease")

    assert texts(sentences) == [
        "Mean 10 days; limits 4 days to 16 days",
        "Shift: 9 points below the mean from 10 March 2025 to 5 May 2025 (improvement)",
    ]
    assert sentences[1].kind == "shift"
    assert sentences[1].tone == "improvement"


def test_without_dates_points_are_numbered_from_one():
    values = STABLE[:9] + [7, 8, 7, 6, 8, 7, 7, 8, 6]
    result = xmr(values, shift=range(9, 18))

    assert explain(result, improvement="decrease")[1].text == (
        "Shift: 9 points below the mean from point 10 to point 18 (improvement)"
    )


def test_rising_trend_is_a_concern_when_lower_is_better():
    values = [10, 9, 11, 10, 8, 9, 10, 11, 12, 13, 14, 15]
    result = xmr(values, trend=range(5, 12))

    sentences = explain(result, periods=weeks(12, dt.date(2025, 3, 3)), improvement="decrease")

    assert sentences[1].text == (
        "Trend: 7 points rising from 7 April 2025 to 19 May 2025 (concern)"
    )


def test_a_rise_then_a_fall_sharing_their_peak_are_two_trends():
    values = [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    result = xmr(values, centre=4, ucl=12, lcl=-4, trend=range(13))

    assert texts(explain(result, improvement="increase"))[1:] == [
        "Trend: 7 points rising from point 1 to point 7 (improvement)",
        "Trend: 7 points falling from point 7 to point 13 (concern)",
    ]


def test_points_outside_the_limits_are_listed_by_date():
    values = [*STABLE[:8], 17, 10, 18, 9]
    result = xmr(values, outside_limits=[8, 10], types={8: "improvement", 10: "improvement"})

    sentences = explain(result, periods=weeks(12, dt.date(2025, 1, 6)), improvement="increase")

    assert sentences[1].text == (
        "2 points above the upper limit: 3 March 2025, 17 March 2025 (improvement)"
    )
    assert sentences[1].kind == "outside"


def test_a_single_point_below_the_lower_limit():
    values = [*STABLE[:11], 2]
    result = xmr(values, outside_limits=[11])

    assert explain(result, improvement="increase")[1].text == (
        "1 point below the lower limit: point 12 (concern)"
    )


def test_long_lists_of_dates_are_cut_short():
    values = [20] * 9
    result = xmr(values, outside_limits=range(9), shift=range(9))

    sentence = explain(result, periods=weeks(9), improvement="increase")[1]

    assert sentence.text == (
        "9 points above the upper limit: 6 January 2025, 13 January 2025, 20 January 2025, "
        "27 January 2025, 3 February 2025, 10 February 2025 and 3 more (improvement)"
    )


def test_two_of_three_names_the_points_near_the_limit():
    values = [*STABLE[:9], 15, 11, 15]
    result = xmr(values, two_of_three=[9, 11])

    assert explain(result, improvement="increase")[1].text == (
        "2 points near the upper limit (2 of 3 rule): point 10, point 12 (improvement)"
    )


def test_runs_analysis_reports_a_long_run_and_too_few_crossings():
    result = xmr(
        STABLE,
        phases=[
            phase(
                0,
                12,
                10,
                longest_run=11,
                longest_run_max=8,
                crossings=3,
                crossings_min=6,
                runs_signal=True,
            )
        ],
    )

    assert texts(explain(result))[1:] == [
        "Runs analysis: the longest run (11) is longer than expected (≤ 8) — the process has "
        "changed",
        "Runs analysis: only 3 crossings of the centre line where at least 6 are expected — the "
        "process has changed",
    ]


def test_one_crossing_is_singular():
    result = xmr(STABLE, phases=[phase(0, 12, 10, crossings=1, crossings_min=4)])

    assert explain(result)[1].text == (
        "Runs analysis: only 1 crossing of the centre line where at least 4 are expected — the "
        "process has changed"
    )


def test_trial_limits_are_called_out():
    result = xmr(STABLE[:8], phases=[phase(0, 8, 10, trial_limits=True)])

    assert texts(explain(result)) == [
        "Mean 10; limits 4 to 16",
        "Too few points for reliable limits: these are trial limits",
        "Common cause variation only: no signal of change",
    ]


def test_run_charts_speak_of_the_median_and_have_no_trial_limits():
    result = make_result(
        "run",
        [3, 4, 5, 3, 2, 4],
        centre=3.5,
        phases=[phase(0, 6, 3.5, trial_limits=True, longest_run=7, longest_run_max=5)],
    )

    assert texts(explain(result, unit="beds")) == [
        "Median 3.5 beds",
        "Runs analysis: the longest run (7) is longer than expected (≤ 5) — the process has "
        "changed",
    ]


def test_each_phase_gets_its_own_centre_and_signals():
    values = STABLE[:10] + [6, 7, 6, 5, 7, 6, 6, 7, 5, 6]
    result = xmr(
        values,
        centre=[10] * 10 + [6] * 10,
        ucl=[16] * 10 + [9] * 10,
        lcl=[4] * 10 + [3] * 10,
        phases=[
            phase(0, 10, 10, trial_limits=True),
            phase(10, 20, 6, longest_run=9, longest_run_max=7, runs_signal=True),
        ],
    )

    sentences = explain(result, periods=weeks(20), unit="days")

    assert texts(sentences) == [
        "Phase 1 (from 6 January 2025): mean 10 days; limits 4 days to 16 days",
        "Too few points for reliable limits: these are trial limits",
        "Common cause variation only: no signal of change",
        "Phase 2 (from 17 March 2025): mean 6 days; limits 3 days to 9 days",
        "Runs analysis: the longest run (9) is longer than expected (≤ 7) — the process has "
        "changed",
    ]
    assert [s.phase for s in sentences] == [0, 0, 0, 1, 1]


def test_p_chart_limits_that_vary_with_the_denominator():
    result = make_result(
        "p",
        [0.1, 0.2, 0.15],
        centre=0.153,
        ucl=[0.3, 0.25, 0.28],
        lcl=[0.01, 0.05, 0.03],
    )

    assert explain(result)[0].text == "Mean 15.3%; limits vary with the denominator"


def test_an_empty_phase_says_no_data():
    result = xmr([None, None], phases=[phase(0, 2, None)])

    assert texts(explain(result)) == ["Mean: no data"]


@pytest.mark.parametrize(
    "assurance, frequency, expected",
    [
        (
            "hit_or_miss",
            "week",
            "The target of 15% lies within the limits: it will be met in some weeks and missed "
            "in others",
        ),
        (
            "hit_or_miss",
            "month",
            "The target of 15% lies within the limits: it will be met in some months and missed "
            "in others",
        ),
        (
            "hit_or_miss",
            None,
            "The target of 15% lies within the limits: it will be met in some periods and missed "
            "in others",
        ),
        ("pass", "day", "The target of 15% lies outside the limits: it will be consistently met"),
        (
            "fail",
            "day",
            "The target of 15% lies outside the limits: it will be consistently missed",
        ),
    ],
)
def test_assurance_against_the_target(assurance, frequency, expected):
    result = make_result("p", [0.1, 0.2, 0.15], centre=0.15, ucl=0.3, lcl=0.0, assurance=assurance)

    sentences = explain(result, target=0.15, frequency=frequency, improvement="decrease")

    assert sentences[-1].text == expected
    assert sentences[-1].kind == "assurance"


def test_no_assurance_sentence_without_assurance():
    assert all(s.kind != "assurance" for s in explain(xmr(STABLE), target=12))


class TestImprovementIsInferredWhenNotGiven:
    def test_from_the_variation_of_the_last_point(self):
        values = STABLE[:9] + [7, 8, 7, 6, 8, 7, 7, 8, 6]
        result = xmr(values, shift=range(9, 18), variation="improvement_low")

        assert explain(result)[1].tone == "improvement"

    def test_from_the_type_of_an_earlier_special_cause(self):
        values = [*STABLE[:8], 17, 10, 10, 9]
        result = xmr(values, outside_limits=[8], types={8: "concern"}, variation="common_cause")

        assert explain(result)[1].text == "1 point above the upper limit: point 9 (concern)"

    def test_neither_direction(self):
        values = [*STABLE[:8], 17, 10, 10, 9]
        result = xmr(values, outside_limits=[8], types={8: "neither_high"})

        assert explain(result)[1].text == (
            "1 point above the upper limit: point 9 (neither improvement nor concern)"
        )


def test_periods_must_match_the_points():
    with pytest.raises(ValueError, match="3 periods given for 12 points"):
        explain(xmr(STABLE), periods=weeks(3))


# ---------------------------------------------------------------- per point


def test_point_labels_name_date_value_rules_and_type():
    values = [*STABLE[:8], 17, None, 12, 15, 15, 7, 6, 7, 8, 6, 7, 7]
    result = xmr(
        values,
        outside_limits=[8],
        two_of_three=[11, 12],
        shift=range(13, 20),
        types={
            8: "improvement",
            11: "improvement",
            12: "improvement",
            **dict.fromkeys(range(13, 20), "concern"),
        },
    )

    labels = point_labels(result, weeks(20), unit="days")

    assert labels[0] == "6 January 2025: 9 days; common cause variation"
    assert labels[8] == "3 March 2025: 17 days; above the upper limit; special cause: improvement"
    assert labels[9] == "10 March 2025: no data"
    assert labels[11] == (
        "24 March 2025: 15 days; 2 of 3 points near the upper limit; special cause: improvement"
    )
    assert labels[13] == (
        "7 April 2025: 7 days; part of a shift of 7 points below the mean; special cause: concern"
    )


def test_point_in_a_trend_and_a_shift_names_both():
    values = [12, 13, 14, 15, 16, 17, 18]
    result = xmr(values, shift=range(7), trend=range(7), types=dict.fromkeys(range(7), "concern"))

    assert point_label_parts(result)[3] == [
        "Point 4: 15",
        "part of a shift of 7 points above the mean",
        "part of a rising trend of 7 points",
        "special cause: concern",
    ]


def test_run_chart_points_carry_no_type():
    result = make_result("run", [0.5, 0.25], centre=0.375)

    assert point_labels(result) == ["Point 1: 0.5", "Point 2: 0.25"]


def test_p_chart_points_read_as_percentages():
    result = make_result("p", [0.125, 0.5], centre=0.3, ucl=0.6, lcl=0.0)

    assert point_labels(result, ["2025-03-03", "2025-03-10"]) == [
        "3 March 2025: 12.5%; common cause variation",
        "10 March 2025: 50%; common cause variation",
    ]


# ---------------------------------------------------------------- any well-formed result

_point = st.fixed_dictionaries(
    {
        "value": st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
        "centre": st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
        "ucl": st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
        "lcl": st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
        **{flag: st.booleans() for flag in FLAGS},
        "point_type": st.sampled_from(
            [None, "common_cause", "improvement", "concern", "neither_high", "neither_low"]
        ),
    }
)


@st.composite
def results(draw):
    points = draw(st.lists(_point, max_size=40))
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(points) - 1)), max_size=3)))
    bounds = [0, *[c for c in cuts if c < len(points)], len(points)]
    phases = [
        phase(
            a,
            b,
            None,
            trial_limits=draw(st.booleans()),
            longest_run=draw(st.integers(0, 20)),
            crossings=draw(st.integers(0, 20)),
        )
        for a, b in zip(bounds, bounds[1:], strict=False)
        if b > a
    ]
    return {
        "chart": draw(st.sampled_from(["xmr", "run", "c", "p", "pp", "u", "up"])),
        "points": points,
        "phases": phases,
        "variation": draw(
            st.sampled_from(
                [None, "common_cause", "improvement_high", "concern_low", "neither_high"]
            )
        ),
        "assurance": draw(st.sampled_from([None, "pass", "fail", "hit_or_miss"])),
    }


@settings(max_examples=200, deadline=None)
@given(results(), st.sampled_from([None, "increase", "decrease", "neither"]))
def test_any_well_formed_result_can_be_explained(result, improvement):
    periods = weeks(len(result["points"]))

    sentences = explain(result, periods=periods, target=1.0, improvement=improvement)
    labels = point_labels(result, periods, unit="days")

    assert all(isinstance(s, Sentence) and s.text for s in sentences)
    assert len(labels) == len(result["points"])


# ---------------------------------------------------------------- with the real engine

BEFORE = [10, 11, 9, 10, 12, 10, 9, 11, 10, 9, 11, 10]
AFTER = [6, 7, 6, 5, 6, 7, 6, 5, 6]


def analyse(*args, **kwargs):
    spc = pytest.importorskip("metrics.spc")
    return spc.analyse(*args, **kwargs).to_dict()


def test_engine_shift_after_a_change_is_read_as_improvement():
    result = analyse(BEFORE + AFTER, chart="xmr", improvement="decrease")

    sentences = explain(result, periods=weeks(21), unit="days")

    assert sentences[0].text == "Mean 8.38 days; limits 4.66 days to 12.1 days"
    assert "Shift: 12 points above the mean from 6 January 2025 to 24 March 2025 (concern)" in (
        texts(sentences)
    )
    assert "Shift: 9 points below the mean from 31 March 2025 to 26 May 2025 (improvement)" in (
        texts(sentences)
    )
    assert (
        "Runs analysis: only 1 crossing of the centre line where at least 6 are expected — the "
        "process has changed"
    ) in texts(sentences)


def test_engine_new_phase_gets_its_own_sentences_with_trial_limits():
    result = analyse(BEFORE + AFTER, chart="xmr", improvement="decrease", phases=[12])

    sentences = explain(result, periods=weeks(21))

    assert [s.kind for s in sentences] == [
        "centre",
        "common_cause",
        "centre",
        "trial_limits",
        "common_cause",
    ]
    assert sentences[2].text.startswith("Phase 2 (from 31 March 2025): mean 6; limits ")


def test_engine_run_chart_speaks_of_the_median():
    result = analyse([3, 4, 5, 3, 2, 4, 5, 3, 4, 4, 3, 5], chart="run")

    assert texts(explain(result, unit="beds")) == [
        "Median 4 beds",
        "Common cause variation only: no signal of change",
    ]


def test_engine_p_chart_reads_in_percentages_with_assurance():
    result = analyse(
        [12, 15, 11, 14, 13, 16, 12, 14, 15, 13, 12, 14],
        chart="p",
        denominators=[100] * 12,
        improvement="decrease",
        target=0.15,
    )

    sentences = explain(result, target=0.15, frequency="month")

    assert sentences[0].text.startswith("Mean 13.4%; limits 3.2% to 23.6%")
    assert sentences[-1].text == (
        "The target of 15% lies within the limits: it will be met in some months and missed in "
        "others"
    )


series = st.lists(st.one_of(st.none(), st.integers(0, 30)), min_size=1, max_size=60)


@settings(max_examples=150, deadline=None)
@given(series, st.sampled_from(["increase", "decrease", "neither"]))
def test_sentences_account_for_every_flag_the_engine_raises(values, improvement):
    if sum(v is not None for v in values) < 2:
        return
    result = analyse(values, chart="xmr", improvement=improvement)
    points = result["points"]

    labels = point_label_parts(result)
    sentences = explain(result)

    for p, parts in zip(points, labels, strict=True):
        rules = [part for part in parts[1:] if not part.startswith(("special", "common"))]
        if p["value"] is None:
            assert parts == [parts[0]] and parts[0].endswith("no data")
            continue
        assert bool(rules) == p["special_cause"], parts
        assert any("shift" in r for r in rules) == p["shift"]
        assert any("trend" in r for r in rules) == p["trend"]
        assert any("limit" in r and "2 of 3" not in r for r in rules) == p["outside_limits"]
        assert any("2 of 3" in r for r in rules) == p["two_of_three"]
    shift_total = sum(int(s.text.split()[1]) for s in sentences if s.kind == "shift")
    assert shift_total == sum(p["shift"] for p in points)
    if not any(p["special_cause"] for p in points) and not result["phases"][0]["runs_signal"]:
        assert sentences[-1].kind == "common_cause"
