"""The demo trust's measures: believable levels, charts computed, improvements showing as
special causes, and seeding twice changes nothing."""

import pytest

from metrics.demo.trust import SPECS, seed_measures
from metrics.models import ChartSnapshot, DataPoint, Measure, Phase
from teams.demo import seed_structure


@pytest.fixture
def demo(db):
    organisation = seed_structure().organisation
    created = seed_measures(organisation)
    return organisation, created


def counts():
    return (
        Measure.objects.count(),
        DataPoint.objects.count(),
        Phase.objects.count(),
        ChartSnapshot.objects.count(),
    )


def test_seeding_twice_changes_nothing(demo):
    organisation, created = demo
    assert len(created) == len(SPECS)
    before = counts()
    values = list(DataPoint.objects.order_by("pk").values_list("value", "numerator"))
    assert seed_measures(organisation) == []
    assert counts() == before
    assert list(DataPoint.objects.order_by("pk").values_list("value", "numerator")) == values


def test_every_chart_is_computed_and_fresh(demo):
    assert set(ChartSnapshot.objects.values_list("status", flat=True)) == {"fresh"}
    assert not ChartSnapshot.objects.filter(result__isnull=True).exists()


def test_two_years_of_data_up_to_the_last_complete_period(demo):
    weekly = Measure.objects.filter(frequency="week").first()
    monthly = Measure.objects.filter(frequency="month").first()
    assert weekly.points.count() == 104
    assert monthly.points.count() == 24


def test_some_measures_show_an_improvement_and_assurance_varies(demo):
    snapshots = ChartSnapshot.objects.select_related("measure")
    improving = [
        s.measure.name
        for s in snapshots
        if any(p["point_type"] == "improvement" for p in s.result["points"])
    ]
    assert "Violent incidents involving staff" in improving
    assert "First appointments not attended" in improving
    assert {"pass", "fail", "hit_or_miss"} <= set(snapshots.values_list("assurance", flat=True))
    assert Measure.objects.filter(is_key=True).count() >= 5


def test_levels_are_those_of_a_mental_health_trust(demo):
    def mean_of(team_word, name):
        measure = Measure.objects.get(team__name__startswith=team_word, name=name)
        points = list(measure.points.all())
        if measure.uses_denominator:
            return sum(p.numerator for p in points) / sum(p.denominator for p in points)
        return sum(p.value for p in points) / len(points)

    assert 30 <= mean_of("Willow", "Mean length of stay") <= 40
    assert 0.90 <= mean_of("Cedar", "Bed occupancy") <= 1.0
    assert 0.05 <= mean_of("Rowan", "Staff sickness absence") <= 0.07
    assert 0.10 <= mean_of("South", "First appointments not attended") <= 0.20
    assert 14 <= mean_of("North", "Referral to assessment wait") <= 56


def test_the_demo_has_rare_event_measures_and_the_huddles_show_on_restraint(demo):
    # Issue 17: restraint on Willow as a T chart (a point per event, the days since the one
    # before), longer gaps since the huddles: a shift in the improving direction at the end;
    # seclusion on Rowan PICU as a G chart (admissions between seclusions).
    restraint = Measure.objects.get(name="Days between restraints")
    seclusion = Measure.objects.get(name="Admissions between seclusions")
    assert (restraint.chart_type, restraint.frequency) == ("t", "day")
    assert (seclusion.chart_type, seclusion.frequency) == ("g", "day")
    t, g = restraint.snapshot.result, seclusion.snapshot.result
    assert t["chart"] == "t" and len(t["points"]) == restraint.points.count() - 1
    assert g["chart"] == "g" and len(g["points"]) == seclusion.points.count()
    assert set(restraint.points.values_list("value", flat=True)) == {1.0}
    assert restraint.snapshot.variation == "improvement_high"
    assert any(p["shift"] for p in t["points"][-10:])
    spec = next(s for s in SPECS if s.name == "Days between restraints")
    assert spec.project == "Fewer violent incidents on Willow Ward"  # linked when seeded
