"""Every cycles view × every role × own team / other team / another organisation (DESIGN §6).

Reads are open to everyone in the organisation; edits to the team, its coach and admins; reviews
to the coach and admins; resolving to whoever may review or edit. Another organisation's rows
are 404 for everyone: their existence must not leak."""

import pytest
from django.urls import reverse

ROLES = ("member", "lead", "coach", "board", "admin")

# Who may act, on the own team and on another team of the same organisation.
ALLOWED = {
    "read": (
        {"member", "lead", "coach", "board", "admin"},
        {"member", "lead", "coach", "board", "admin"},
    ),
    "edit": ({"member", "lead", "coach", "admin"}, {"admin"}),
    "review": ({"coach", "admin"}, {"admin"}),
    "resolve": ({"member", "lead", "coach", "admin"}, {"admin"}),
}

# name: (kind, method, url from the target's work, POST data)
VIEWS = {
    "team page": ("read", "get", lambda w: reverse("teams:team", args=[w["team"].pk]), None),
    "project page": (
        "read",
        "get",
        lambda w: reverse("cycles:project", args=[w["project"].pk]),
        None,
    ),
    "cycle page": ("read", "get", lambda w: reverse("cycles:cycle", args=[w["cycle"].pk]), None),
    "new project": (
        "edit",
        "get",
        lambda w: reverse("cycles:project_create", args=[w["team"].pk]),
        None,
    ),
    "edit project": (
        "edit",
        "get",
        lambda w: reverse("cycles:project_edit", args=[w["project"].pk]),
        None,
    ),
    "add score": (
        "edit",
        "post",
        lambda w: reverse("cycles:score_add", args=[w["project"].pk]),
        {"score": "2.5", "scored_on": "2025-05-01"},
    ),
    "add driver": (
        "edit",
        "post",
        lambda w: reverse("cycles:driver_add", args=[w["project"].pk]),
        {"text": "Staff confidence"},
    ),
    "edit driver": (
        "edit",
        "post",
        lambda w: reverse("cycles:driver_update", args=[w["driver"].pk]),
        {"text": "Renamed"},
    ),
    "delete driver": (
        "edit",
        "post",
        lambda w: reverse("cycles:driver_delete", args=[w["driver"].pk]),
        {},
    ),
    "add change idea": (
        "edit",
        "post",
        lambda w: reverse("cycles:idea_add", args=[w["project"].pk]),
        {"title": "Huddles", "status": "testing"},
    ),
    "edit change idea": (
        "edit",
        "get",
        lambda w: reverse("cycles:idea_edit", args=[w["idea"].pk]),
        None,
    ),
    "plan cycle": (
        "edit",
        "get",
        lambda w: reverse("cycles:cycle_plan", args=[w["idea"].pk]),
        None,
    ),
    "record do": (
        "edit",
        "get",
        lambda w: reverse("cycles:cycle_stage", args=[w["cycle"].pk, "do"]),
        None,
    ),
    "set cycle measures": (
        "edit",
        "post",
        lambda w: reverse("cycles:cycle_measures", args=[w["cycle"].pk]),
        {},
    ),
    "close cycle": (
        "edit",
        "post",
        lambda w: reverse("cycles:cycle_close", args=[w["cycle"].pk]),
        {},
    ),
    "write review": (
        "review",
        "post",
        lambda w: reverse("cycles:review_add", args=[w["project"].pk]),
        {"text": "Nice work"},
    ),
    "resolve review": (
        "resolve",
        "post",
        lambda w: reverse("cycles:review_resolve", args=[w["review"].pk]),
        {},
    ),
}

CASES = [
    (view, role, target)
    for view in VIEWS
    for role in ROLES
    for target in ("own", "other", "foreign")
]


@pytest.mark.parametrize(("view", "role", "target"), CASES)
def test_every_view_follows_the_permission_table(client, cycles_world, view, role, target):
    kind, method, url, data = VIEWS[view]
    client.force_login(cycles_world["users"][role])
    address = url(cycles_world["work"][target])
    response = getattr(client, method)(address, data or {})
    if target == "foreign":
        assert response.status_code == 404, "another organisation's work must not be found"
        return
    own_allowed, other_allowed = ALLOWED[kind]
    allowed = role in (own_allowed if target == "own" else other_allowed)
    if allowed:
        assert response.status_code in (200, 302, 400), response.status_code
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("view", list(VIEWS))
def test_people_outside_any_organisation_find_nothing(client, cycles_world, view):
    _kind, method, url, data = VIEWS[view]
    client.force_login(cycles_world["users"]["no_organisation"])
    response = getattr(client, method)(url(cycles_world["work"]["own"]), data or {})
    assert response.status_code == 404


@pytest.mark.parametrize("view", list(VIEWS))
def test_signed_out_visitors_are_sent_to_sign_in(client, cycles_world, view):
    _kind, method, url, data = VIEWS[view]
    response = getattr(client, method)(url(cycles_world["work"]["own"]), data or {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_everyone_in_the_organisation_reads_the_library(client, cycles_world, role):
    client.force_login(cycles_world["users"][role])
    html = client.get(reverse("cycles:library")).content.decode()
    assert cycles_world["work"]["own"]["idea"].title in html
    assert cycles_world["work"]["other"]["idea"].title in html
    assert cycles_world["work"]["foreign"]["idea"].title not in html


@pytest.mark.parametrize(
    ("role", "target", "expected"),
    [
        ("member", "own", 302),
        ("coach", "own", 302),
        ("admin", "own", 302),
        ("lead", "own", 302),
        ("board", "own", 302),  # refused: the form offers only projects they may edit
        ("member", "other", 302),
        ("member", "foreign", 302),
    ],
)
def test_spreading_goes_only_into_a_project_the_user_may_edit(
    client, cycles_world, role, target, expected
):
    source = cycles_world["work"]["other"]["idea"]
    destination = cycles_world["work"][target]["project"]
    client.force_login(cycles_world["users"][role])
    response = client.post(
        reverse("cycles:idea_spread", args=[source.pk]), {"project": destination.pk}
    )
    assert response.status_code == expected
    copied = destination.change_ideas.filter(spread_from=source).exists()
    may_edit = role in {"member", "lead", "coach", "admin"} and target == "own"
    assert copied is may_edit


def test_spreading_from_another_organisation_is_not_found(client, cycles_world):
    client.force_login(cycles_world["users"]["member"])
    source = cycles_world["work"]["foreign"]["idea"]
    response = client.post(
        reverse("cycles:idea_spread", args=[source.pk]),
        {"project": cycles_world["work"]["own"]["project"].pk},
    )
    assert response.status_code == 404
