"""Bad input raises ValueError with a message a clinician can act on (DESIGN §5)."""

import numpy as np
import pandas as pd
import pytest

from metrics.spc import CHART_TYPES, analyse, analyse_many


def test_chart_types_are_the_seven_of_the_contract_and_the_rare_event_two():
    # DESIGN §5's seven, then T and G for rare events (issue 17).
    assert CHART_TYPES == ("run", "xmr", "c", "p", "pp", "u", "up", "t", "g")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"chart": "xbar"}, "choose one of: run, xmr, c, p, pp, u, up"),
        ({"chart": "p"}, "needs denominators"),
        ({"chart": "u", "denominators": [1, 2]}, "3 values but 2 denominators"),
        ({"chart": "c", "denominators": [1, 2, 3]}, "takes values only"),
        ({"values": [1, -2, 3], "chart": "c"}, "negative"),
        ({"chart": "p", "denominators": [10, 1, 10]}, "above its denominator"),
        ({"chart": "u", "denominators": [10, 0, 10]}, "denominator of 0"),
        ({"chart": "u", "denominators": [10, -5, 10]}, "negative"),
        ({"phases": [2, 1]}, "strictly increasing"),
        ({"phases": [1, 1]}, "strictly increasing"),
        ({"phases": [3]}, "outside the series"),
        ({"phases": [-1]}, "strictly increasing"),
        ({"phases": [1.5]}, "whole number"),
        ({"freeze": 4}, "larger than the first phase"),
        ({"freeze": 2, "phases": [1]}, "larger than the first phase"),
        ({"freeze": 0}, "at least 1"),
        ({"values": [1, "two", 3]}, "position 2 is not a number"),
        ({"values": [1, float("inf"), 3]}, "position 2"),
        ({"values": "123"}, "list of numbers"),
        ({"values": 5}, "list of numbers"),
        ({"improvement": "up"}, "increase, decrease, neither"),
        ({"improvement": None}, "improvement direction"),
        ({"target": "high"}, "not a number"),
    ],
)
def test_bad_input_raises_value_error(kwargs, message):
    args = {"values": [1, 2, 3], **kwargs}
    with pytest.raises(ValueError, match=message):
        analyse(**args)


def test_zero_of_zero_is_a_missing_point_as_in_qicharts2():
    pts = analyse([1, 0, 2], chart="p", denominators=[10, 0, 10]).to_dict()["points"]
    assert pts[1]["value"] is None and pts[1]["point_type"] is None


def test_phase_start_zero_is_the_start_of_the_series():
    assert len(analyse([1, 2, 3], phases=[0, 2]).phases) == 2


def test_numpy_and_pandas_input_is_accepted():
    a = analyse(np.array([1.0, np.nan, 3.0, 4.0])).to_dict()
    b = analyse(pd.Series([1, None, 3, 4], dtype="float64")).to_dict()
    c = analyse([1, None, 3, 4]).to_dict()
    assert a == b == c
    assert analyse([np.int64(3), np.float32(2.5)]).to_dict()["points"][0]["value"] == 3.0


def test_callers_lists_are_not_changed():
    dens = [10, 0, 10]
    analyse([1, 0, 2], chart="p", denominators=dens)
    assert dens == [10, 0, 10]


def test_analyse_many_reports_the_bad_series():
    with pytest.raises(ValueError, match="Series 2"):
        analyse_many([{"values": [1, 2]}, "oops"])
    with pytest.raises(ValueError, match="no values"):
        analyse_many([{"chart": "xmr"}])
    with pytest.raises(ValueError, match="unknown argument"):
        analyse_many([{"values": [1], "colour": "red"}])


def test_nan_among_whole_numbers_is_a_missing_point():
    # A list mixing ints and a float NaN once raised TypeError (None compared in min()).
    res = analyse([1.5, float("nan"), 2]).to_dict()
    assert [p["value"] for p in res["points"]] == [1.5, None, 2.0]


def test_float_subclasses_are_plain_floats_in_the_result():
    res = analyse([np.float64(1.5), 2.5, np.float64(3.5)])
    assert [type(v) for v in res.values] == [float, float, float]
