"""Signals linked to the tests of change before them, in words (issue 15).

Worked examples: the weekly series of test_signals (baseline 10, 12, …, limits 5.68 to 16.32
frozen on it) with periods from Monday 1 December 2025, so point 12 is the week commencing
23 February 2026; cycles dated by hand around it."""

import datetime as dt

import pytest

from metrics.evidence import Cycle, findings
from metrics.evidence.findings import lag_text, linked_cycles, periods_between, when_text
from metrics.spc import analyse

BASE = [10, 12] * 6
MONDAYS = [dt.date(2025, 12, 1) + dt.timedelta(weeks=i) for i in range(40)]
HUDDLE = Cycle(
    id=1,
    number=2,
    change_idea_id=10,
    change_idea="Safety huddle at every shift change",
    do_started_on=dt.date(2026, 2, 11),  # a Wednesday, two weeks before 23 February
    adopted_on=dt.date(2026, 4, 28),
)


def shift_below(n=9, improvement="decrease"):
    return analyse(BASE + [8] * n, chart="xmr", freeze=12, improvement=improvement).to_dict()


def found(result, cycles, frequency="week", improvement="decrease", window=8, periods=None):
    periods = periods or MONDAYS[: len(result["points"])]
    return findings(
        result, periods, cycles, frequency=frequency, improvement=improvement, window=window
    )


def test_the_sentence_of_the_issue():
    [finding] = found(shift_below(), [HUDDLE])
    assert finding.first_period == dt.date(2026, 2, 23)
    assert finding.sentence == (
        "A shift of 9 points below the centre line (an improvement) began in the week commencing "
        "23 February 2026, 2 weeks after PDSA 2 “Safety huddle at every shift change” started "
        "(adopted on 28 April 2026)."
    )
    assert [(link.cycle.id, link.lag) for link in finding.links] == [(1, 2)]


def test_a_signal_with_no_cycle_before_it_says_so():
    [finding] = found(shift_below(improvement="increase"), [], improvement="increase")
    assert finding.links == ()
    assert finding.sentence == (
        "A shift of 9 points below the centre line (a concern) began in the week commencing "
        "23 February 2026, with no test of change recorded before it."
    )


def test_a_cycle_started_after_the_signal_began_is_not_before_it():
    later = Cycle(2, 1, 11, "Later idea", dt.date(2026, 3, 2))  # the week after the shift began
    [finding] = found(shift_below(), [later])
    assert finding.links == ()


@pytest.mark.parametrize(
    ("started", "window", "lag"),
    [
        (dt.date(2026, 2, 25), 8, 0),  # the Wednesday of the signal's first week: same week
        (dt.date(2025, 12, 29), 8, 8),  # exactly 8 weeks before: inside the default window
        (dt.date(2025, 12, 28), 8, None),  # a Sunday, so the week before that: 9 weeks, outside
        (dt.date(2026, 1, 26), 3, None),  # 4 weeks before, the project's window 3
        (dt.date(2026, 2, 2), 3, 3),
    ],
)
def test_the_window_counts_whole_periods_of_the_measure(started, window, lag):
    cycle = Cycle(3, 1, 12, "Idea", started)
    links = linked_cycles(dt.date(2026, 2, 23), [cycle], "week", window)
    assert [link.lag for link in links] == ([] if lag is None else [lag])


def test_periods_between_months_and_days():
    assert periods_between(dt.date(2026, 1, 31), dt.date(2026, 3, 1), "month") == 2
    assert periods_between(dt.date(2025, 12, 15), dt.date(2026, 1, 1), "month") == 1
    assert periods_between(dt.date(2026, 3, 1), dt.date(2026, 3, 4), "day") == 3
    assert periods_between(dt.date(2026, 3, 8), dt.date(2026, 3, 9), "week") == 1  # Sun -> Mon


def test_words_for_each_frequency():
    assert when_text(dt.date(2026, 3, 1), "month") == "in March 2026"
    assert when_text(dt.date(2026, 3, 4), "day") == "on 4 March 2026"
    assert lag_text(1, "month") == "1 month after"
    assert lag_text(0, "day") == "in the same day as"
    assert lag_text(3, "day") == "3 days after"


def test_a_monthly_trend_after_a_cycle():
    # Monthly from January 2025: point 10 (8, the trend's first) is November 2025.
    months = [dt.date(2025 + (m // 12), m % 12 + 1, 1) for m in range(17)]
    result = analyse(
        BASE[:10] + [8, 9, 10, 11, 12, 13, 14], chart="xmr", freeze=10, improvement="increase"
    ).to_dict()
    texting = Cycle(4, 1, 13, "Reminder texts two days before", dt.date(2025, 9, 17))
    [finding] = found(result, [texting], "month", "increase", periods=months)
    assert finding.sentence == (
        "A trend of 7 rising points (an improvement) began in November 2025, 2 months after "
        "PDSA 1 “Reminder texts two days before” started."
    )


def test_a_single_point_outside_the_limits_came_rather_than_began():
    result = analyse(BASE + [20], chart="xmr", freeze=12, improvement="neither").to_dict()
    [finding] = found(result, [], improvement="neither")
    assert finding.sentence == (
        "A point above the upper limit came in the week commencing 23 February 2026, "
        "with no test of change recorded before it."
    )


def test_two_of_three_in_words():
    result = analyse(BASE + [15, 12, 15, 11], chart="xmr", freeze=12).to_dict()
    [finding] = found(result, [HUDDLE], improvement="increase")
    assert finding.sentence.startswith(
        "Two of three points close to the upper limit (an improvement) began in the week "
        "commencing 23 February 2026, 2 weeks after PDSA 2"
    )


def test_many_cycles_nearest_first_three_named_and_the_rest_counted():
    cycles = [
        Cycle(10 + k, k, 20 + k, f"Idea {k}", dt.date(2026, 2, 23) - dt.timedelta(weeks=k))
        for k in (4, 1, 3, 2)
    ]
    [finding] = found(shift_below(), cycles)
    assert [link.lag for link in finding.links] == [1, 2, 3, 4]
    assert finding.sentence.endswith(
        "1 week after PDSA 1 “Idea 1” started, 2 weeks after PDSA 2 “Idea 2” started and "
        "3 weeks after PDSA 3 “Idea 3” started, and 1 other test of change."
    )


def test_cycles_not_yet_started_are_left_out_and_periods_must_match_points():
    unstarted = Cycle(5, 1, 14, "Planned", None)
    [finding] = found(shift_below(), [unstarted, HUDDLE])
    assert [link.cycle.id for link in finding.links] == [1]
    with pytest.raises(ValueError, match="20 periods for 21 points"):
        findings(shift_below(), MONDAYS[:20], [], frequency="week", improvement="decrease")


def test_every_signal_of_a_chart_is_reported_oldest_first():
    # A point above the upper limit in week 12 (a concern), then a shift below from week 13.
    result = analyse(BASE + [20] + [8] * 8, chart="xmr", freeze=12, improvement="decrease")
    out = found(result.to_dict(), [HUDDLE])
    assert [(f.signal.rule, f.first_period) for f in out] == [
        ("outside_limits", dt.date(2026, 2, 23)),
        ("shift", dt.date(2026, 3, 2)),
    ]
    assert "(a concern)" in out[0].sentence and "(an improvement)" in out[1].sentence
    assert "3 weeks after PDSA 2" in out[1].sentence


def test_a_cycle_carries_its_projects_window_over_the_default():
    import dataclasses

    early = Cycle(6, 1, 15, "Early idea", dt.date(2026, 1, 19))  # 5 weeks before 23 February
    assert linked_cycles(dt.date(2026, 2, 23), [early], "week", 8)[0].lag == 5
    narrow = dataclasses.replace(early, window=4)
    assert linked_cycles(dt.date(2026, 2, 23), [narrow], "week", 8) == ()
    wide = dataclasses.replace(early, window=5)
    assert [k.lag for k in linked_cycles(dt.date(2026, 2, 23), [wide], "week", 2)] == [5]


def test_an_adopted_change_is_named_before_nearer_ones_still_being_tested():
    nearer = Cycle(7, 1, 16, "Calm-down boxes", dt.date(2026, 2, 23))  # same week, testing
    [finding] = found(shift_below(), [nearer, HUDDLE])
    assert [link.cycle.id for link in finding.links] == [1, 7]
    assert finding.sentence.endswith(
        "2 weeks after PDSA 2 “Safety huddle at every shift change” started (adopted on "
        "28 April 2026) and in the same week as PDSA 1 “Calm-down boxes” started."
    )


def test_what_followed_each_change_idea_across_measures():
    from metrics.evidence import followed_ideas

    calm = Cycle(8, 1, 17, "Calm-down boxes", dt.date(2026, 2, 16))  # 1 week before
    huddle_again = dataclasses_replace(HUDDLE, id=9, number=3, do_started_on=dt.date(2026, 2, 18))
    shift = found(shift_below(), [HUDDLE, calm, huddle_again])
    outside = found(
        analyse(BASE + [20], chart="xmr", freeze=12, improvement="decrease").to_dict(), [calm]
    )
    ideas = followed_ideas({"violence": shift, "restraint": outside})
    assert set(ideas) == {10, 17}  # the huddle's idea, the boxes' idea
    # The huddle: one signal, with its nearest cycle (PDSA 3, one week before).
    assert [(f.measure, f.finding.signal.rule, f.number, f.lag) for f in ideas[10]] == [
        ("violence", "shift", 3, 1)
    ]
    assert sorted((f.measure, f.finding.signal.rule) for f in ideas[17]) == [
        ("restraint", "outside_limits"),
        ("violence", "shift"),
    ]
    assert followed_ideas({"steady": []}) == {}


def dataclasses_replace(obj, **changes):
    import dataclasses

    return dataclasses.replace(obj, **changes)


def test_the_headline_is_the_sustained_signal_reaching_the_latest_point():
    from metrics.evidence.findings import headline

    # Nine points far below the baseline (2 < 5.68): outside the limits and a shift at once.
    both = found(analyse(BASE + [2] * 9, chart="xmr", freeze=12, improvement="decrease")
                 .to_dict(), [])  # fmt: skip
    assert [f.signal.rule for f in both] == ["outside_limits", "shift"]
    assert headline(both).signal.rule == "shift"
    # A point above the limit, then a shift that runs to the end: the shift reaches further.
    later = found(analyse(BASE + [20] + [8] * 8, chart="xmr", freeze=12).to_dict(), [])
    assert headline(later).signal.rule == "shift"
    assert headline([]) is None
