"""Starting and removing phases and freezing limits from the measure page: each through the
services, each kept in the history with who and why, each refused in plain words."""

import pytest
from django.urls import reverse

from metrics.models import BaselineChange, ChartSnapshot, Phase
from tests.cycles.factories import ChangeIdeaFactory, ProjectFactory
from tests.metrics.measures.world import SHIFTING, add_points, served_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(org_world):
    return org_world["users"]["lead"]


@pytest.fixture
def weeks(mondays):
    return mondays(20)


@pytest.fixture
def measure(measure_factory, weeks, lead):
    return add_points(measure_factory(), weeks, SHIFTING, user=lead)


def test_a_lead_starts_a_phase_after_a_change_idea(client, lead, measure, weeks):
    _, idea, _ = served_project(measure)
    client.force_login(lead)

    response = client.post(
        reverse("metrics:phase_start", args=[measure.pk]),
        {"starts_on": weeks[10].isoformat(), "reason": "Huddles in place", "change_idea": idea.pk},
    )

    assert response.status_code == 302
    phase = Phase.objects.get(measure=measure)
    assert (phase.starts_on, phase.label, phase.change_idea) == (
        weeks[10],
        "Huddles in place",
        idea,
    )
    change = BaselineChange.objects.get(measure=measure)
    assert (change.action, change.changed_by, change.change_idea) == ("phase_started", lead, idea)
    measure.snapshot.refresh_from_db()
    assert measure.snapshot.status == ChartSnapshot.Status.STALE
    page = client.get(response.url).content.decode()
    assert "Huddles in place" in page and "Safety huddle at the late shift" in page


def test_the_change_ideas_offered_are_those_of_the_served_projects(client, lead, measure, weeks):
    served_project(measure)
    unrelated = ChangeIdeaFactory(project=ProjectFactory(team=measure.team), title="Unrelated")
    client.force_login(lead)

    page = client.get(reverse("metrics:measure", args=[measure.pk])).content.decode()
    response = client.post(
        reverse("metrics:phase_start", args=[measure.pk]),
        {"starts_on": weeks[10].isoformat(), "reason": "x", "change_idea": unrelated.pk},
    )

    assert "Safety huddle at the late shift" in page and "Unrelated" not in page
    assert response.status_code == 400
    assert not Phase.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"starts_on": "", "reason": "x"}, "Fill in “new phase starts at”: it is needed."),
        ({"starts_on": "2025-03-31", "reason": ""}, "Fill in “reason”: it is needed."),
        ({"starts_on": "2025-04-02", "reason": "x"}, "is a Wednesday"),
        ({"starts_on": "2025-01-20", "reason": "x"}, "must start after the first data point"),
        ({"starts_on": "2099-01-05", "reason": "x"}, "is in the future"),
    ],
)
def test_a_phase_is_refused_in_plain_words(client, lead, measure, data, message):
    client.force_login(lead)

    response = client.post(reverse("metrics:phase_start", args=[measure.pk]), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Phase.objects.exists()


def test_removing_a_phase_needs_a_reason_and_is_recorded(client, lead, measure, weeks):
    from metrics.measures.services import phase_start

    phase = phase_start(measure=measure, starts_on=weeks[10], reason="Huddles", user=lead)
    client.force_login(lead)
    url = reverse("metrics:phase_remove", args=[measure.pk, phase.pk])

    refused = client.post(url, {"reason": " "})
    removed = client.post(url, {"reason": "Started in the wrong week"})

    assert refused.status_code == 400
    assert "Fill in “why remove this phase”" in refused.content.decode()
    assert removed.status_code == 302
    assert not Phase.objects.exists()
    actions = list(BaselineChange.objects.values_list("action", "reason"))
    assert actions[0] == ("phase_removed", "Started in the wrong week")


def test_a_phase_of_another_measure_is_not_found(client, lead, measure, measure_factory, weeks):
    from metrics.measures.services import phase_start

    other = add_points(measure_factory(name="Other"), weeks, SHIFTING, user=lead)
    phase = phase_start(measure=other, starts_on=weeks[10], reason="x", user=lead)
    client.force_login(lead)

    response = client.post(
        reverse("metrics:phase_remove", args=[measure.pk, phase.pk]), {"reason": "x"}
    )

    assert response.status_code == 404
    assert Phase.objects.filter(pk=phase.pk).exists()


def test_a_coach_freezes_and_unfreezes_the_baseline(client, org_world, measure, weeks):
    client.force_login(org_world["users"]["coach"])
    url = reverse("metrics:baseline_freeze", args=[measure.pk])

    frozen = client.post(url, {"until": weeks[9].isoformat(), "reason": "Baseline"})
    measure.refresh_from_db()
    assert frozen.status_code == 302 and measure.freeze_until == weeks[9]
    page = client.get(reverse("metrics:measure", args=[measure.pk])).content.decode()
    assert "frozen on its points up to 24 Mar 2025" in page

    unfrozen = client.post(url, {"until": "", "reason": "Enough new data"})
    measure.refresh_from_db()
    assert unfrozen.status_code == 302 and measure.freeze_until is None
    actions = list(BaselineChange.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["frozen", "unfrozen"]


def test_freezing_needs_a_period_when_nothing_is_frozen(client, lead, measure):
    client.force_login(lead)

    response = client.post(
        reverse("metrics:baseline_freeze", args=[measure.pk]), {"until": "", "reason": "x"}
    )

    assert response.status_code == 400
    assert "Enter the last period of the baseline to freeze on." in response.content.decode()


def test_members_do_not_see_the_baseline_forms(client, org_world, measure):
    client.force_login(org_world["users"]["member"])

    html = client.get(reverse("metrics:measure", args=[measure.pk])).content.decode()

    assert 'id="phase-form"' not in html and 'id="freeze-form"' not in html
