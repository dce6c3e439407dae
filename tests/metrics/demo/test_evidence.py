"""The demo trust shows evidence of change (issue 15): signals that follow a linked, adopted
change idea's PDSA cycle on at least three measures, a signal with no test of change before it,
and a re-baseline suggestion on Willow Ward's violence measure after the safety huddles.

The demo is dated back from the day it is seeded, and monthly measures fall differently into
months from one day to the next: the evidence must hold whatever that day, so the demo is
seeded as if on days across a year."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from metrics.evidence import rebaseline_suggestion
from metrics.measures import chart, selectors
from metrics.models import Measure

pytestmark = pytest.mark.django_db

SEEDED_ON = [dt.date(2026, 12, 7) + dt.timedelta(days=61 * k) for k in range(6)]
VIOLENCE = ("Violent incidents involving staff", "Willow Ward (acute admissions)")


def seed_as_if_on(day, monkeypatch):
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: real(*a, **k) if a else day)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    out = {}
    for measure in Measure.objects.select_related("snapshot", "team"):
        snapshot = measure.snapshot
        cycles = selectors.chart_cycles(measure)
        found = chart.evidence_of(measure, snapshot.result, snapshot.periods, cycles)
        out[(measure.name, measure.team.name)] = (measure, found)
    return out


@pytest.mark.parametrize("day", SEEDED_ON, ids=str)
def test_the_demo_shows_evidence_of_change(day, monkeypatch):
    evidence = seed_as_if_on(day, monkeypatch)
    after_adopted = {
        key
        for key, (_, found) in evidence.items()
        if any(link.cycle.adopted_on for f in found for link in f.links)
    }
    assert len(after_adopted) >= 3, after_adopted
    assert VIOLENCE in after_adopted

    measure, found = evidence[VIOLENCE]
    [shift] = [f for f in found if f.signal.rule == "shift"]
    assert " points below the centre line (an improvement) began in " in shift.sentence
    assert "PDSA 1 “Safety huddle at every shift change” started (adopted on " in shift.sentence
    phases = [phase["start"] for phase in measure.snapshot.result["phases"]]
    suggestion = rebaseline_suggestion(found, phases)
    assert suggestion.change_idea == "Safety huddle at every shift change"
    assert suggestion.period == shift.first_period

    lonely = [f for _, found in evidence.values() for f in found if not f.links]
    assert any(f.signal.direction != "neither" for f in lonely)
    assert all(f.sentence.endswith("with no test of change recorded before it.") for f in lonely)
