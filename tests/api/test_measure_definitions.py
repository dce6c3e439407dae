"""Creating and changing measure definitions through the API: the portal's rules, the portal's
permissions (a team's lead or a QI admin), the token's scope, and the audit trail."""

import pytest
from django.urls import reverse

from metrics.models import ChartSnapshot, Measure
from teams.models import AuditEvent

DEFINITION = {
    "external_id": "WAIT-WILLOW",
    "name": "Days waiting for a first appointment",
    "kind": "outcome",
    "definition": "Days from referral to first appointment, median of the week's referrals.",
    "unit": "days",
    "frequency": "week",
    "chart_type": "xmr",
    "improvement": "decrease",
    "target": 14,
    "is_key": True,
}


def test_a_leads_token_adds_a_measure_to_its_team(writer, org_world):
    response = writer.post(
        reverse("api:measures"), {**DEFINITION, "team": org_world["own"].pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    measure = Measure.objects.get(pk=body["id"])
    assert response["Location"] == reverse("api:measure", args=[measure.pk])
    assert (measure.team, measure.organisation) == (org_world["own"], org_world["organisation"])
    assert (measure.external_id, measure.target, measure.is_key) == ("WAIT-WILLOW", 14, True)
    assert body["team_name"] == "Willow Ward" and body["chart_type"] == "xmr"
    assert ChartSnapshot.objects.filter(measure=measure).exists()
    event = AuditEvent.objects.filter(object_type="measure").latest("pk")
    assert event.summary == (
        "Added the measure “Days waiting for a first appointment” (API token “Warehouse”)"
    )
    assert event.actor == org_world["users"]["lead"]
    assert event.changes["external_id"] == [None, "WAIT-WILLOW"]


def test_the_warehouse_can_then_find_and_feed_it_by_its_key(writer, org_world):
    writer.post(reverse("api:measures"), {**DEFINITION, "team": org_world["own"].pk}, format="json")
    rows = [{"external_id": "WAIT-WILLOW", "period": "2026-03-04", "value": 21}]
    saved = writer.post(reverse("api:data_points"), {"rows": rows}, format="json")
    assert saved.status_code == 200 and saved.json()["counts"]["created"] == 1


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"chart_type": "p", "target": 140}, "target", "percentage between 0 and 100"),
        ({"chart_type": "c", "target": -1}, "target", "cannot be negative"),
        ({"frequency": "fortnight"}, "frequency", "not a valid choice"),
        ({"name": ""}, "name", "blank"),
        ({"definition": "x\x00y"}, "definition", "Null characters"),
        ({"team": 10**6}, "team", "No team 1000000 in your organisation"),
        ({"target": "many"}, "target", "Must be a number"),
        ({"is_key": "yes"}, "is_key", "Must be true or false"),
        ({"name": 12}, "name", "Must be a string"),
        ({"team": "1"}, "team", "Must be a whole number"),
        ({"frequency": 7}, "frequency", "Must be one of the choices"),
    ],
)
def test_a_definition_the_portal_would_refuse_is_a_400_naming_the_field(
    writer, org_world, measures, change, field, words
):
    before = Measure.objects.count()
    body = {**DEFINITION, "team": org_world["own"].pk, **change}
    response = writer.post(reverse("api:measures"), body, format="json")
    assert response.status_code == 400, response.json()
    problems = response.json()["error"]["problems"]
    assert any(p["field"] == field and words in p["message"] for p in problems), problems
    assert Measure.objects.count() == before


def test_a_key_another_measure_has_is_a_409_and_another_trusts_same_key_is_no_clash(
    writer, org_world, measures
):
    body = {**DEFINITION, "team": org_world["own"].pk, "external_id": "DNA-WILLOW"}
    response = writer.post(reverse("api:measures"), body, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict" and "“DNA rate”" in error["message"]
    assert error["problems"][0]["field"] == "external_id"
    # The foreign trust's measure has the key LOS-WILLOW too: another trust's keys are its own.
    assert measures["foreign"].external_id == "LOS-WILLOW"
    renamed = writer.patch(
        reverse("api:measure", args=[measures["own"].pk]), {"name": "LoS"}, format="json"
    )
    assert renamed.status_code == 200


def test_another_organisations_team_is_not_found_in_the_body(writer, org_world):
    body = {**DEFINITION, "team": org_world["foreign"].pk}
    response = writer.post(reverse("api:measures"), body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["problems"][0]["field"] == "team"
    assert not Measure.objects.filter(name=DEFINITION["name"]).exists()


def test_a_token_defines_measures_only_within_its_scope_and_its_makers_role(
    make_token, api, org_world, reader
):
    member = api(make_token("member", name="Member writes data", teams=["own"], write=True)[1])
    admin_team = api(make_token("admin", name="Admin, Cedar", teams=["other"], write=True)[1])
    admin_trust = api(make_token("admin", name="Admin trust", write=True, trust_wide=True)[1])
    url = reverse("api:measures")
    own = {**DEFINITION, "team": org_world["own"].pk}
    trust = {**DEFINITION, "team": None, "external_id": "WAIT-TRUST"}

    assert reader.post(url, own, format="json").status_code == 403  # read-only
    refused = member.post(url, own, format="json")  # enters data, but is not the lead
    assert refused.status_code == 403 and "lead" in refused.json()["error"]["message"]
    assert admin_team.post(url, own, format="json").status_code == 403  # Willow not in scope
    assert admin_team.post(url, trust, format="json").status_code == 403  # not trust-wide
    assert not Measure.objects.filter(name=DEFINITION["name"]).exists()

    made = admin_trust.post(url, trust, format="json")
    assert made.status_code == 201 and made.json()["team"] is None


def test_patch_changes_only_what_is_sent_and_redraws_the_chart(writer, measures, org_world):
    measure = measures["own"]
    version = Measure.objects.get(pk=measure.pk).data_version
    url = reverse("api:measure", args=[measure.pk])
    response = writer.patch(url, {"target": 5.5, "unit": "nights"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["target"] == 5.5 and response.json()["unit"] == "nights"
    measure.refresh_from_db()
    assert (measure.name, measure.target, measure.unit) == ("Length of stay", 5.5, "nights")
    assert measure.data_version > version, "a new target is drawn: the chart is recomputed"
    event = AuditEvent.objects.filter(object_type="measure").latest("pk")
    assert event.summary == "Changed the measure “Length of stay” (API token “Warehouse”)"
    assert set(event.changes) == {"target", "unit"}


def test_patch_checks_the_new_target_against_the_charts_type_it_keeps(writer, measures):
    url = reverse("api:measure", args=[measures["own_rate"].pk])  # a P chart
    response = writer.patch(url, {"target": 250}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["problems"][0]["field"] == "target"


def test_patch_keeps_its_own_external_id_and_refuses_anothers(writer, measures):
    url = reverse("api:measure", args=[measures["own"].pk])
    assert writer.patch(url, {"external_id": "LOS-WILLOW"}, format="json").status_code == 200
    taken = writer.patch(url, {"external_id": "DNA-WILLOW"}, format="json")
    assert taken.status_code == 409 and "DNA rate" in taken.json()["error"]["message"]


def test_moving_a_measure_needs_both_teams_in_scope(make_token, api, measures, org_world):
    only_willow = api(make_token("admin", name="Admin Willow", teams=["own"], write=True)[1])
    both = api(make_token("admin", name="Admin both", teams=["own", "other"], write=True)[1])
    url = reverse("api:measure", args=[measures["own"].pk])
    move = {"team": org_world["other"].pk}
    assert only_willow.patch(url, move, format="json").status_code == 403
    assert Measure.objects.get(pk=measures["own"].pk).team == org_world["own"]
    assert both.patch(url, move, format="json").status_code == 200
    assert Measure.objects.get(pk=measures["own"].pk).team == org_world["other"]


def test_a_foreign_or_out_of_scope_measure(writer, measures):
    foreign = writer.patch(
        reverse("api:measure", args=[measures["foreign"].pk]), {"unit": "x"}, format="json"
    )
    assert foreign.status_code == 404
    other = writer.patch(
        reverse("api:measure", args=[measures["other"].pk]), {"unit": "x"}, format="json"
    )
    assert other.status_code == 403
    assert Measure.objects.get(pk=measures["other"].pk).unit == measures["other"].unit


def test_put_and_delete_are_not_offered(writer, measures):
    url = reverse("api:measure", args=[measures["own"].pk])
    assert writer.put(url, DEFINITION, format="json").status_code == 405
    assert writer.delete(url).status_code == 405
    assert Measure.objects.filter(pk=measures["own"].pk).exists()
