"""The team's audit trail page: who may see it, what it shows (escaped), its filter and pages,
and a constant number of queries however many events there are."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from teams import audit
from teams.audit import diff, plain
from teams.models import AuditEvent


def url(team, **query):
    from urllib.parse import urlencode

    base = reverse("teams:audit_trail", args=[team.pk])
    return f"{base}?{urlencode(query)}" if query else base


def event(team, actor, *, summary="Changed the measure “Falls”", changes=None, **fields):
    return audit.record(
        actor=actor,
        team=team,
        obj=team,
        object_type=fields.pop("object_type", audit.MEASURE),
        action=fields.pop("action", audit.Action.UPDATE),
        summary=summary,
        changes=changes if changes is not None else {"name": ["Falls", "Falls with harm"]},
    )


# Who may see it: the team's leads, its assigned coaches, QI admins. Members and the board are
# refused (403); another organisation's team is not found (404).
PAGE_MATRIX = {
    ("member", "own"): 403,
    ("lead", "own"): 200,
    ("coach", "own"): 200,
    ("board", "own"): 403,
    ("admin", "own"): 200,
    ("lead", "other"): 403,
    ("coach", "other"): 403,
    ("admin", "other"): 200,
    ("member", "foreign"): 404,
    ("lead", "foreign"): 404,
    ("admin", "foreign"): 404,
    ("no_organisation", "own"): 404,
}


@pytest.mark.parametrize(
    ("role", "team", "status"), [(r, t, s) for (r, t), s in PAGE_MATRIX.items()]
)
def test_who_may_see_the_audit_trail(client, org_world, role, team, status):
    event(org_world[team], org_world["users"]["lead"], summary="Secret change")
    client.force_login(org_world["users"][role])
    response = client.get(url(org_world[team]))
    assert response.status_code == status
    html = response.content.decode()
    assert ("Secret change" in html) is (status == 200)


def test_the_foreign_admin_sees_their_own_team_not_ours(client, org_world):
    client.force_login(org_world["users"]["foreign_admin"])
    assert client.get(url(org_world["foreign"])).status_code == 200
    assert client.get(url(org_world["own"])).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, org_world):
    response = client.get(url(org_world["own"]))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(
    ("role", "shown"),
    [("lead", True), ("coach", True), ("admin", True), ("member", False), ("board", False)],
)
def test_the_team_page_links_to_it_only_for_those_who_may_see_it(client, org_world, role, shown):
    client.force_login(org_world["users"][role])
    html = client.get(reverse("teams:team", args=[org_world["own"].pk])).content.decode()
    assert (f'href="{url(org_world["own"])}"' in html) is shown


def test_events_show_who_when_and_old_to_new_newest_first(client, org_world):
    lead, coach = org_world["users"]["lead"], org_world["users"]["coach"]
    older = event(org_world["own"], lead, summary="First change")
    AuditEvent.objects.filter(pk=older.pk).update(at=timezone.now() - dt.timedelta(days=1))
    event(
        org_world["own"],
        coach,
        summary="Second change",
        changes={"freeze_until": [None, dt.date(2025, 1, 20)], "is_key": [False, True]},
    )
    event(org_world["other"], lead, summary="Another team's change")
    client.force_login(lead)
    html = client.get(url(org_world["own"])).content.decode()
    assert html.index("Second change") < html.index("First change")
    assert "Another team's change" not in html
    assert str(coach) in html and str(lead) in html
    assert "Falls → Falls with harm" in html
    assert "— → 2025-01-20" in html and "no → yes" in html
    assert "2 changes" in html


def test_hostile_summaries_and_values_are_escaped(client, org_world):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    event(
        org_world["own"],
        org_world["users"]["lead"],
        summary=hostile,
        changes={hostile: [hostile, '=HYPERLINK("http://evil")']},
    )
    client.force_login(org_world["users"]["lead"])
    html = client.get(url(org_world["own"])).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_filtering_by_object_type(client, org_world):
    lead = org_world["users"]["lead"]
    event(org_world["own"], lead, summary="A measure change")
    event(org_world["own"], lead, summary="A cycle change", object_type=audit.PDSA_CYCLE)
    client.force_login(lead)
    html = client.get(url(org_world["own"], type=audit.PDSA_CYCLE)).content.decode()
    assert "A cycle change" in html and "A measure change" not in html
    html = client.get(url(org_world["own"], type="<script>")).content.decode()
    assert "A cycle change" in html and "A measure change" in html, "an unknown type: everything"


def test_fifty_events_a_page_in_a_constant_number_of_queries(
    client, org_world, django_assert_max_num_queries
):
    from tests.factories import MembershipFactory

    team = org_world["own"]
    people = [MembershipFactory(team=team, role="member").user for _ in range(5)]
    AuditEvent.objects.bulk_create(
        AuditEvent(
            organisation=team.organisation,
            team=team,
            actor=people[i % 5],
            action="update",
            object_type=audit.DATA_POINT,
            object_id=i,
            summary=f"Change number {i}",
            changes={"value": [i, i + 1]},
        )
        for i in range(120)
    )
    client.force_login(org_world["users"]["lead"])
    client.get(url(team))  # warm the session and access caches alike for both counts
    with django_assert_max_num_queries(12) as first:
        html = client.get(url(team)).content.decode()
    assert html.count("Change number") == 50 and "Page 1 of 3" in html
    with django_assert_max_num_queries(len(first.captured_queries)):
        last = client.get(url(team, page=3)).content.decode()
    assert last.count("Change number") == 20
    assert "Change number 119</td>" in html and "Change number 0</td>" in last


def test_plain_turns_values_into_json_and_diff_keeps_what_changed():
    from decimal import Decimal

    assert plain(dt.date(2025, 1, 6)) == "2025-01-06"
    assert plain(Decimal("1.50")) == "1.50"
    assert plain(float("nan")) == "nan" and plain(float("inf")) == "inf"
    assert plain({"b", "a"}) == ["a", "b"]
    assert plain("x" * 3000).endswith("…") and len(plain("x" * 3000)) == 2000
    assert diff({"a": 1, "b": dt.date(2025, 1, 1)}, {"a": 1, "b": None, "c": "new"}) == {
        "b": ["2025-01-01", None],
        "c": [None, "new"],
    }


def test_record_refuses_an_unknown_object_type(org_world):
    with pytest.raises(ValueError, match="Unknown audit object type"):
        audit.record(
            actor=None,
            team=org_world["own"],
            obj=org_world["own"],
            object_type="team",
            action="update",
            summary="x",
        )


def test_a_long_summary_is_cut_to_fit(org_world):
    saved = event(org_world["own"], None, summary="word " * 200)
    assert len(saved.summary) == 300 and saved.summary.endswith("…")
    assert saved.actor is None


@pytest.mark.django_db
def test_the_trail_outlives_a_deleted_team(org_world):
    other = org_world["other"]
    made = event(other, org_world["users"]["admin"], summary="Changed the measure “Falls”")
    other.delete()
    made.refresh_from_db()
    assert made.team_id is None
    assert made.organisation_id == org_world["organisation"].pk
    assert made.summary == "Changed the measure “Falls”"
