"""The QI admin's API token pages (issue 14): the list, the form that makes one, the key shown
once, and revoking."""

import datetime as dt
import hashlib
import re

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from teams.models import ApiToken, AuditEvent
from teams.tokens import api_token_create, api_token_for_key
from tests.factories import UserFactory

KEY = re.compile(r"qi_[A-Za-z0-9_-]{43}")
PAGE = reverse("teams:api_tokens")


@pytest.fixture
def admin_client(client, org_world):
    client.force_login(org_world["users"]["admin"])
    return client


def _make(org_world, who="lead", **fields):
    fields.setdefault("name", f"{who} token")
    return api_token_create(user=org_world["users"][who], **fields)


def _revoke_url(token):
    return reverse("teams:api_token_revoke", args=[token.pk])


def _input_tag(html, name, value=None):
    """The <input> (or <option>) tags of a field, to see what a re-shown form kept."""
    tags = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    if value is not None:
        tags = [t for t in tags if f'value="{value}"' in t]
    return tags


def _everything_stored() -> str:
    """Every value of every row of every table, sessions decoded: where a key must not be."""
    texts = []
    for model in apps.get_models():
        for row in model._default_manager.all().values():
            texts.extend(str(value) for value in row.values())
    texts.extend(str(session.get_decoded()) for session in Session.objects.all())
    return "\n".join(texts)


def test_an_admin_sees_the_organisations_tokens_and_no_other(admin_client, org_world):
    writer, _ = _make(org_world, "lead", name="Warehouse", write=True, teams=[org_world["own"]])
    reader, _ = _make(org_world, "member", name="Ward dashboard")
    trust, _ = _make(
        org_world, "admin", name="Trust feed", write=True, trust_wide=True, teams=[org_world["own"]]
    )
    foreign_admin = org_world["users"]["foreign_admin"]
    api_token_create(user=foreign_admin, name="Their warehouse")

    response = admin_client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption>" in html and '<th scope="col">Acts as</th>' in html
    for token in (writer, reader, trust):
        assert f'<th scope="row">{token.name}</th>' in html
        assert f"<code>{token.prefix}…</code>" in html
    assert "Reads all; writes Willow Ward</td>" in html
    assert "Read only</td>" in html
    assert "Reads all; writes Willow Ward, trust-wide measures</td>" in html
    assert str(org_world["users"]["lead"]) in html
    assert "Their warehouse" not in html
    assert org_world["foreign"].name not in html  # nor among the teams a token may write
    assert html.count(">Active</td>") == 3


def test_the_list_says_which_tokens_no_longer_work(admin_client, org_world):
    expired, _ = _make(org_world, "lead", name="Old feed")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    revoked, _ = _make(org_world, "member", name="Gone feed")
    admin_client.post(_revoke_url(revoked))

    html = admin_client.get(PAGE).content.decode()

    assert ">Expired</td>" in html
    assert re.search(r">Revoked on \d+ \w+ \d{4} \d\d:\d\d</td>", html)
    rows = re.findall(r'<th scope="row">([^<]*)</th>', html)
    assert rows == ["Old feed", "Gone feed"]  # the revoked ones come last
    assert html.count("Revoke now") == 1  # only the expired token can still be revoked


def test_an_admin_makes_a_read_token_and_sees_its_key_once(admin_client, org_world):
    member = org_world["users"]["member"]

    response = admin_client.post(PAGE, {"name": "Ward dashboard", "user": member.pk})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    keys = set(KEY.findall(html))
    assert len(keys) == 1
    key = keys.pop()
    assert "Copy it now: it will not be shown again" in html
    assert f"Authorization: Bearer {key}" in html
    assert "Read only" in html

    token = ApiToken.objects.get(name="Ward dashboard")
    assert (token.user, token.organisation, token.can_write) == (
        member,
        org_world["organisation"],
        False,
    )
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in _everything_stored()
    assert all(key not in morsel.value for morsel in response.cookies.values())
    assert api_token_for_key(key) == token

    again = admin_client.get(PAGE).content.decode()
    assert key not in again and token.prefix in again


def test_an_admin_makes_a_writing_token_for_teams(admin_client, org_world):
    admin = org_world["users"]["admin"]
    own, other = org_world["own"], org_world["other"]
    expiry = timezone.localdate() + dt.timedelta(days=30)

    response = admin_client.post(
        PAGE,
        {
            "name": "Warehouse",
            "user": admin.pk,
            "write": "on",
            "teams": [own.pk, other.pk],
            "trust_wide": "on",
            "expires_on": expiry.isoformat(),
        },
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Reads all; writes Cedar Ward, Willow Ward, trust-wide measures" in html
    (key,) = set(KEY.findall(html))
    token = api_token_for_key(key)
    assert token.can_write and token.trust_wide and token.user == admin
    assert set(token.teams.all()) == {own, other}
    local_expiry = timezone.localtime(token.expires_at)
    assert local_expiry.date() == expiry and local_expiry.hour == 23
    assert key not in _everything_stored()


def test_the_organisation_page_leads_to_the_tokens(admin_client):
    html = admin_client.get(reverse("teams:organisation")).content.decode()
    assert f'href="{PAGE}"' in html


def test_the_form_offers_the_organisations_active_people_only(admin_client, org_world):
    gone = UserFactory(
        organisation=org_world["organisation"], first_name="Departed", is_active=False
    )
    outsider = UserFactory(organisation=org_world["foreign_organisation"], first_name="Outsider")
    html = admin_client.get(PAGE).content.decode()
    assert f'<option value="{org_world["users"]["lead"].pk}"' in html
    assert f'<option value="{gone.pk}"' not in html and "Departed" not in html
    assert f'<option value="{outsider.pk}"' not in html
    # The admin's own account is chosen to start with.
    assert f'<option value="{org_world["users"]["admin"].pk}" selected>' in html

    response = admin_client.post(PAGE, {"name": "Ghost", "user": gone.pk})
    assert response.status_code == 400 and not ApiToken.objects.exists()


def _bad_inputs(w):
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    admin, member = w["users"]["admin"].pk, w["users"]["member"].pk
    return {
        "writing with no teams": (
            {"name": "Warehouse 2", "user": admin, "write": "on"},
            "A writing token needs the teams it writes",
        ),
        "teams without writing": (
            {"name": "Warehouse 2", "user": admin, "teams": [w["own"].pk]},
            "Teams and trust-wide measures are what a token writes",
        ),
        "name taken": ({"name": "Warehouse", "user": admin}, "already has a token named"),
        "no name": ({"name": "  ", "user": admin}, "Give the token a name"),
        "expiry in the past": (
            {"name": "Warehouse 2", "user": admin, "expires_on": yesterday},
            "The expiry is in the past.",
        ),
        "a team of another organisation": (
            {"name": "Warehouse 2", "user": admin, "write": "on", "teams": [w["foreign"].pk]},
            "Select a valid choice",
        ),
        "a team the person may not enter": (
            {"name": "Warehouse 2", "user": member, "write": "on", "teams": [w["other"].pk]},
            "cannot enter Cedar Ward&#x27;s data",
        ),
        "trust-wide for someone not an admin": (
            {"name": "Warehouse 2", "user": member, "write": "on", "trust_wide": "on"},
            "Only a QI admin&#x27;s token may write trust-wide measures",
        ),
    }


BAD = (
    "writing with no teams",
    "teams without writing",
    "name taken",
    "no name",
    "expiry in the past",
    "a team of another organisation",
    "a team the person may not enter",
    "trust-wide for someone not an admin",
)


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_refused_with_its_reason_and_nothing_typed_is_lost(
    admin_client, org_world, case
):
    _make(org_world, "lead", name="Warehouse")
    data, message = _bad_inputs(org_world)[case]

    response = admin_client.post(PAGE, data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert ApiToken.objects.count() == 1
    assert not KEY.search(html) and "Copy it now" not in html
    if data["name"].strip():
        assert _input_tag(html, "name", data["name"]), "the name typed is kept"
    assert f'<option value="{data["user"]}" selected>' in html
    for flag in ("write", "trust_wide"):
        tags = _input_tag(html, flag)
        assert len(tags) == 1 and (" checked" in tags[0]) == (flag in data), flag
    for team in data.get("teams", []):
        kept = _input_tag(html, "teams", team)
        # A team of another organisation is not offered at all; the organisation's stay ticked.
        assert (kept and " checked" in kept[0]) or team == org_world["foreign"].pk
    if "expires_on" in data:
        assert _input_tag(html, "expires_on", data["expires_on"])


@pytest.mark.parametrize("role", ["member", "lead", "coach", "board"])
def test_nobody_but_a_qi_admin_sees_or_makes_tokens(client, org_world, role):
    token, key = _make(org_world, "lead", name="Warehouse")
    client.force_login(org_world["users"][role])

    assert client.get(PAGE).status_code == 403
    response = client.post(PAGE, {"name": "Mine", "user": org_world["users"][role].pk})
    assert response.status_code == 403
    assert client.post(_revoke_url(token)).status_code == 403

    assert list(ApiToken.objects.all()) == [token]
    assert api_token_for_key(key) == token


def test_an_account_without_an_organisation_finds_no_page(client, org_world):
    token, _ = _make(org_world, "lead", name="Warehouse")
    client.force_login(org_world["users"]["no_organisation"])
    assert client.get(PAGE).status_code == 404
    assert client.post(_revoke_url(token)).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, org_world):
    token, _ = _make(org_world, "lead", name="Warehouse")
    for response in (client.get(PAGE), client.post(_revoke_url(token))):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


def test_another_organisations_token_is_not_found(client, org_world):
    ours, our_key = _make(org_world, "lead", name="Warehouse")
    theirs, their_key = api_token_create(user=org_world["users"]["foreign_admin"], name="Theirs")

    client.force_login(org_world["users"]["foreign_admin"])
    assert client.post(_revoke_url(ours)).status_code == 404
    client.force_login(org_world["users"]["admin"])
    assert client.post(_revoke_url(theirs)).status_code == 404

    assert api_token_for_key(our_key) == ours and api_token_for_key(their_key) == theirs


def test_revoking_stops_the_token_at_once_and_writes_nothing_else(admin_client, org_world):
    token, key = _make(org_world, "lead", name="Warehouse", write=True, teams=[org_world["own"]])
    kept, kept_key = _make(org_world, "member", name="Ward dashboard")
    assert api_token_for_key(key) == token
    before = list(ApiToken.objects.filter(pk=kept.pk).values())
    events = AuditEvent.objects.count()

    response = admin_client.post(_revoke_url(token), follow=True)

    assert response.redirect_chain == [(PAGE, 302)]
    assert "Revoked “Warehouse”: it no longer works." in response.content.decode()
    assert api_token_for_key(key) is None
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert list(ApiToken.objects.filter(pk=kept.pk).values()) == before
    assert api_token_for_key(kept_key) == kept
    assert AuditEvent.objects.count() == events
    revoked_at = token.revoked_at

    again = admin_client.post(_revoke_url(token), follow=True)

    assert "“Warehouse” was already revoked." in again.content.decode()
    token.refresh_from_db()
    assert token.revoked_at == revoked_at


def test_revoking_takes_a_post_only(admin_client, org_world):
    token, key = _make(org_world, "lead", name="Warehouse")
    assert admin_client.get(_revoke_url(token)).status_code == 405
    assert api_token_for_key(key) == token


def test_the_list_reads_a_constant_number_of_queries(
    admin_client, org_world, django_assert_max_num_queries
):
    _make(org_world, "lead", name="First", write=True, teams=[org_world["own"]])
    admin_client.get(PAGE)
    with django_assert_max_num_queries(12) as few:
        admin_client.get(PAGE)
    for n in range(10):
        who = ("lead", "member", "admin")[n % 3]
        _make(org_world, who, name=f"Feed {n}", write=who != "member",
              teams=[] if who == "member" else [org_world["own"]])  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = admin_client.get(PAGE).content.decode()
    assert html.count('<th scope="row">') == 11
