"""Make, list and revoke API tokens from the command line (issue 14).

    manage.py api_token create --user USERNAME --name NAME [--write] [--teams T ...]
                                [--trust-wide] [--expires-days N]
    manage.py api_token list [--organisation SLUG]
    manage.py api_token revoke --user USERNAME --name NAME

`create` prints the token alone on its last line (a script can take it with `tail -n 1`): it is
shown only this once.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from teams import tokens
from teams.models import ApiToken, User


class Command(BaseCommand):
    help = "Make (create), list or revoke API tokens."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Make a token acting as a user.")
        create.add_argument("--user", required=True, help="The username the token acts as.")
        create.add_argument("--name", default="", help="What uses it, e.g. 'Warehouse'.")
        create.add_argument("--write", action="store_true", help="May write (else read-only).")
        create.add_argument("--teams", nargs="*", default=[], help="Team names or ids it writes.")
        create.add_argument(
            "--trust-wide", action="store_true", help="May write trust-wide measures (admins)."
        )
        create.add_argument("--expires-days", type=int, help="Expires after this many days.")
        listing = actions.add_parser("list", help="List tokens (never their keys).")
        listing.add_argument("--organisation", help="Only this organisation's (its slug).")
        revoke = actions.add_parser("revoke", help="Revoke a token at once.")
        revoke.add_argument("--user", required=True, help="The username of its organisation.")
        revoke.add_argument("--name", required=True, help="The token's name.")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        return user

    def _create(self, *, user, name, write, teams, trust_wide, expires_days, **_):
        maker = self._user(user)
        expires_at = None
        if expires_days is not None:
            if expires_days < 1:
                raise CommandError("--expires-days must be 1 or more.")
            expires_at = timezone.now() + dt.timedelta(days=expires_days)
        try:
            named = tokens.teams_named(maker.organisation_id, teams) if teams else []
            token, key = tokens.api_token_create(
                user=maker,
                name=name or f"{maker.username}'s token",
                teams=named,
                write=write,
                trust_wide=trust_wide,
                expires_at=expires_at,
            )
        except tokens.TokenRefused as refused:
            raise CommandError(str(refused)) from None
        scope = "read and write" if token.can_write else "read-only"
        self.stdout.write(
            f"Token “{token.name}” for {maker.username} ({token.organisation}), {scope}"
            + (f", writes: {', '.join(t.name for t in named)}" if named else "")
            + (", trust-wide measures" if token.trust_wide else "")
            + (f", expires {token.expires_at:%d/%m/%Y}" if token.expires_at else "")
            + ". Keep it secret; it is shown only now:"
        )
        self.stdout.write(key)

    def _list(self, *, organisation, **_):
        rows = ApiToken.objects.select_related("organisation", "user").prefetch_related("teams")
        if organisation:
            rows = rows.filter(organisation__slug=organisation)
        for token in rows:
            usable = "usable" if token.is_usable() else "expired"
            state = "revoked" if token.revoked_at else usable
            teams = ", ".join(t.name for t in token.teams.all())
            self.stdout.write(
                f"{token.organisation.slug}\t{token.name}\t{token.prefix}…\t{token.user.username}\t"
                f"{'write' if token.can_write else 'read'}\t{teams}\t{state}"
            )

    def _revoke(self, *, user, name, **_):
        maker = self._user(user)
        token = ApiToken.objects.filter(organisation_id=maker.organisation_id, name=name).first()
        if token is None:
            raise CommandError(f"No token named {name!r} in {maker.organisation}.")
        if tokens.api_token_revoke(token=token):
            self.stdout.write(f"Revoked “{token.name}”: it no longer works.")
        else:
            self.stdout.write(f"“{token.name}” was already revoked.")
