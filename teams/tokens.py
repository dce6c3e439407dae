"""API tokens (issue 14): made by a QI admin for a person of their trust, used by the trust's
warehouse or another tool, revoked when no longer needed.

A key is `qi_` and 43 random URL-safe characters (256 bits): only its SHA-256 hash is kept, so
a leaked database gives no usable key, and the key is shown once. A token reads its
organisation's data; a writing token writes the data of its named teams (and a QI admin's, the
trust-wide measures), and never more than its maker may still do in the portal.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from teams import permissions
from teams.models import ApiToken, Team, User

KEY_PREFIX = "qi_"
SHOWN_PREFIX = 10  # characters of the key kept to tell tokens apart ("qi_" and 7 more)
# last_used_at is written at most this often for one token (not once per request).
LAST_USED_EVERY = dt.timedelta(minutes=1)


class TokenRefused(ValueError):
    """The token cannot be made as asked; the message says why, in words, and `field` names the
    argument of api_token_create at fault (a form shows the message beside it), if one is."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(
    *,
    user: User,
    name: str,
    teams=(),
    write: bool = False,
    trust_wide: bool = False,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Make a token acting as `user`; returns it and its key (shown once, never kept)."""
    name = " ".join((name or "").split())
    teams = list(teams)
    if user.organisation_id is None:
        raise TokenRefused(
            f"{user.username} belongs to no organisation: a token needs one.", field="user"
        )
    if not user.is_active:
        raise TokenRefused(f"{user.username}'s account is switched off.", field="user")
    if not name:
        raise TokenRefused(
            "Give the token a name that says what uses it (e.g. 'Warehouse').", field="name"
        )
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise TokenRefused("The name is too long: 100 characters at most.", field="name")
    if (teams or trust_wide) and not write:
        raise TokenRefused(
            "Teams and trust-wide measures are what a token writes: let it write "
            "(on the command line, add --write).",
            field="write",
        )
    if write and not teams and not trust_wide:
        raise TokenRefused(
            "A writing token needs the teams it writes (or trust-wide measures).", field="teams"
        )
    foreign = [t for t in teams if t.organisation_id != user.organisation_id]
    if foreign:
        raise TokenRefused(f"{foreign[0]} is another organisation's team.", field="teams")
    denied = [t for t in teams if not permissions.can_edit_team_work(user, t)]
    if denied:
        raise TokenRefused(
            f"{user.username} cannot enter {denied[0]}'s data, so neither can the token.",
            field="teams",
        )
    if trust_wide and not permissions.access_for(user).is_admin:
        raise TokenRefused(
            "Only a QI admin's token may write trust-wide measures.", field="trust_wide"
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenRefused("The expiry is in the past.", field="expires_at")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                organisation_id=user.organisation_id,
                user=user,
                name=name,
                prefix=key[:SHOWN_PREFIX],
                key_hash=_hash(key),
                can_write=write,
                trust_wide=trust_wide,
                expires_at=expires_at,
            )
            token.teams.set(teams)
    except IntegrityError:
        raise TokenRefused(
            f"The organisation already has a token named “{name}”.", field="name"
        ) from None
    return token, key


def api_token_revoke(*, token: ApiToken) -> bool:
    """Revoke the token at once; False if it was already revoked."""
    return bool(
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def api_token_for_key(key: str) -> ApiToken | None:
    """The usable token of this key (not revoked, not expired, its maker still active in its
    organisation), noting when it was last used; None for any other key."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user", "organisation").filter(key_hash=_hash(key)).first()
    )
    now = timezone.now()
    if (
        token is None
        or not token.is_usable(now)
        or not token.user.is_active
        or token.user.organisation_id != token.organisation_id
    ):
        return None
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def write_team_ids(token: ApiToken) -> frozenset[int]:
    cached = getattr(token, "_write_team_ids", None)
    if cached is None:
        cached = frozenset(token.teams.values_list("pk", flat=True) if token.can_write else ())
        token._write_team_ids = cached
    return cached


def _in_scope(token: ApiToken, thing) -> bool:
    """A writing token's scope: its teams' measures, and trust-wide ones if it says so."""
    if not token.can_write or thing.organisation_id != token.organisation_id:
        return False
    if thing.team_id is None:
        return token.trust_wide
    return thing.team_id in write_team_ids(token)


def api_token_can_write(token: ApiToken, thing) -> bool:
    """Whether the token may write this measure's data: within its scope, and
    within what its maker may do in the portal today."""
    return _in_scope(token, thing) and permissions.can_enter_data(token.user, thing)


def api_token_can_define(token: ApiToken, thing) -> bool:
    """Whether the token may create or change this measure's definition: within its scope,
    and only as its maker may in the portal (a team's lead, or a QI admin)."""
    return _in_scope(token, thing) and permissions.can_manage_measure(token.user, thing)


def teams_named(organisation_id: int, names) -> list[Team]:
    """The organisation's teams by name or id, in the order given; TokenRefused for any other."""
    found = []
    for name in names:
        teams = Team.objects.filter(organisation_id=organisation_id)
        by = {"pk": int(name)} if str(name).isdigit() else {"name": name}
        team = teams.filter(**by).first()
        if team is None:
            raise TokenRefused(f"No team “{name}” in the organisation.")
        found.append(team)
    return found


def api_token_expiry(day: dt.date) -> dt.datetime:
    """A token given an expiry date works until the end of that day, local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def api_token_scope(token: ApiToken) -> str:
    """What the token may do, in words (its teams from `token.teams.all()`, prefetched)."""
    if not token.can_write:
        return "Read only"
    written = [team.name for team in token.teams.all()]
    if token.trust_wide:
        written.append("trust-wide measures")
    return f"Reads all; writes {', '.join(written)}"


def api_token_state(token: ApiToken, now: dt.datetime | None = None) -> str:
    """Whether the token works now, in words: the reasons api_token_for_key refuses it."""
    now = now or timezone.now()
    if token.revoked_at is not None:
        return "Revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "Expired"
    if not token.user.is_active or token.user.organisation_id != token.organisation_id:
        return "Not working: its person's account is switched off"
    return "Active"


@dataclass(frozen=True)
class ApiTokenRow:
    token: ApiToken
    scope: str
    state: str

    @property
    def is_revoked(self) -> bool:
        return self.token.revoked_at is not None


def api_tokens_of(organisation_id: int) -> list[ApiTokenRow]:
    """The organisation's tokens (revoked ones too) with their scope and state, in three
    queries however many there are."""
    rows = (
        ApiToken.objects.filter(organisation_id=organisation_id)
        .select_related("user")
        .prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name")))
        # The usable ones first; revoked ones after them, the latest revoked first.
        .order_by(F("revoked_at").desc(nulls_first=True), "name", "pk")
    )
    now = timezone.now()
    return [ApiTokenRow(t, api_token_scope(t), api_token_state(t, now)) for t in rows]


def api_token_of(organisation_id: int, token_id: int) -> ApiToken | None:
    """The organisation's token of this id; None for another organisation's (the caller 404s)."""
    return ApiToken.objects.filter(organisation_id=organisation_id, pk=token_id).first()
