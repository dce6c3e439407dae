"""API tokens: who may make which, that only a hash is kept, and that revoked, expired or
unknown keys open nothing (teams/tokens.py, manage.py api_token)."""

import datetime as dt
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from teams.models import ApiToken
from teams.tokens import TokenRefused, api_token_for_key, api_token_revoke


def test_a_token_keeps_only_the_hash_of_its_key(make_token):
    token, key = make_token("lead", name="Warehouse", teams=["own"], write=True)
    assert key.startswith("qi_") and len(key) >= 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {stored.key_hash, stored.prefix, stored.name}
    assert stored.prefix == key[:10]
    assert list(stored.teams.all()) == [token.teams.get()]


@pytest.mark.parametrize(
    ("user", "fields", "refusal"),
    [
        ("lead", {"teams": ["own"]}, "add --write"),
        ("lead", {"write": True}, "needs the teams"),
        ("lead", {"write": True, "teams": ["other"]}, "cannot enter"),
        ("lead", {"write": True, "teams": ["foreign"]}, "another organisation"),
        ("lead", {"write": True, "trust_wide": True}, "Only a QI admin"),
        ("board", {"write": True, "teams": ["own"]}, "cannot enter"),
        ("no_organisation", {}, "no organisation"),
    ],
)
def test_a_token_never_reaches_beyond_its_maker(make_token, user, fields, refusal):
    with pytest.raises(TokenRefused, match=refusal):
        make_token(user, **fields)
    assert not ApiToken.objects.exists()


def test_an_admin_token_may_write_trust_wide_measures(make_token):
    token, _ = make_token("admin", write=True, trust_wide=True)
    assert token.trust_wide and token.can_write


def test_names_are_unique_in_an_organisation(make_token):
    make_token("lead", name="Warehouse")
    with pytest.raises(TokenRefused, match="already has a token named"):
        make_token("member", name="Warehouse")


def test_revoked_expired_and_unknown_keys_open_nothing(make_token, org_world):
    token, key = make_token("lead", name="A")
    assert api_token_for_key(key) == token
    assert api_token_for_key(key + "x") is None
    assert api_token_for_key("qi_" + "x" * 43) is None
    assert api_token_for_key("Token abc") is None
    assert api_token_revoke(token=token) and not api_token_revoke(token=token)
    assert api_token_for_key(key) is None

    soon, soon_key = make_token("lead", name="B", expires_at=timezone.now() + dt.timedelta(hours=1))
    assert api_token_for_key(soon_key) == soon
    ApiToken.objects.filter(pk=soon.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api_token_for_key(soon_key) is None

    third, third_key = make_token("member", name="C")
    third.user.is_active = False
    third.user.save(update_fields=["is_active"])
    assert api_token_for_key(third_key) is None


def test_using_a_key_notes_when_at_most_once_a_minute(make_token):
    token, key = make_token("lead", name="A")
    assert token.last_used_at is None
    first = api_token_for_key(key).last_used_at
    assert first is not None
    assert api_token_for_key(key).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    assert api_token_for_key(key).last_used_at > first - dt.timedelta(minutes=2)


def test_the_command_prints_the_key_alone_on_its_last_line(org_world, capsys):
    call_command("api_token", "create", "--user", org_world["users"]["lead"].username,
                 "--name", "Warehouse", "--write", "--teams", "Willow Ward")  # fmt: skip
    out = capsys.readouterr().out.strip().splitlines()
    key = out[-1]
    assert " " not in key and key.startswith("qi_")
    token = api_token_for_key(key)
    assert token.name == "Warehouse" and [t.name for t in token.teams.all()] == ["Willow Ward"]
    assert "read and write" in out[0]

    call_command("api_token", "list")
    listed = capsys.readouterr().out
    assert "Warehouse" in listed and key not in listed

    call_command("api_token", "revoke", "--user", org_world["users"]["lead"].username,
                 "--name", "Warehouse")  # fmt: skip
    assert "Revoked" in capsys.readouterr().out
    assert api_token_for_key(key) is None


def test_the_command_says_why_it_refuses(org_world):
    with pytest.raises(CommandError, match="No team “Nowhere”"):
        call_command("api_token", "create", "--user", org_world["users"]["lead"].username,
                     "--write", "--teams", "Nowhere")  # fmt: skip
    with pytest.raises(CommandError, match="No user"):
        call_command("api_token", "create", "--user", "nobody-at-all")
