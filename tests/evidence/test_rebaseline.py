"""The re-baseline suggestion: an improving shift after an adopted change, never a concern, never
where a phase already starts (issue 15). Same worked series as test_findings."""

import dataclasses
import datetime as dt

from metrics.evidence import findings, rebaseline_suggestion
from tests.evidence.test_findings import HUDDLE, MONDAYS, found, shift_below


def test_an_improving_shift_after_an_adopted_change_suggests_a_new_phase_at_its_start():
    suggestion = rebaseline_suggestion(found(shift_below(), [HUDDLE]), [0])
    assert (suggestion.start, suggestion.period) == (12, dt.date(2026, 2, 23))
    assert (suggestion.change_idea_id, suggestion.change_idea) == (10, HUDDLE.change_idea)
    assert suggestion.reason == (
        "A sustained shift (9 points below the centre line) followed the adopted change "
        "“Safety huddle at every shift change”."
    )


def test_no_suggestion_for_a_change_not_adopted():
    testing = dataclasses.replace(HUDDLE, adopted_on=None)
    assert rebaseline_suggestion(found(shift_below(), [testing]), [0]) is None


def test_no_suggestion_for_a_shift_of_concern_or_with_no_cycle():
    concern = found(shift_below(improvement="increase"), [HUDDLE], improvement="increase")
    assert rebaseline_suggestion(concern, [0]) is None
    assert rebaseline_suggestion(found(shift_below(), []), [0]) is None


def test_no_suggestion_once_a_phase_starts_at_the_shift():
    # The team accepted it: the second phase starts at point 12, where the shift began.
    assert rebaseline_suggestion(found(shift_below(), [HUDDLE]), [0, 12]) is None


def test_a_trend_or_points_outside_the_limits_are_not_a_sustained_shift():
    from metrics.spc import analyse

    base = [10, 12] * 6
    result = analyse(base + [2], chart="xmr", freeze=12, improvement="decrease").to_dict()
    out = findings(result, MONDAYS[:13], [HUDDLE], frequency="week", improvement="decrease")
    assert [f.signal.rule for f in out] == ["outside_limits"]
    assert rebaseline_suggestion(out, [0]) is None
