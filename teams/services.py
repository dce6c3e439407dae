"""Changes to the organisation structure and to who belongs where."""

from django.core.exceptions import ValidationError
from django.db import transaction

from teams.models import Directorate, Membership, Team


def directorate_create(*, organisation, name: str) -> Directorate:
    name = name.strip()
    if Directorate.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ValidationError(f"There is already a directorate called {name}.")
    return Directorate.objects.create(organisation=organisation, name=name)


def team_create(*, directorate, name: str, kind: str) -> Team:
    name = name.strip()
    if Team.objects.filter(directorate=directorate, name__iexact=name).exists():
        raise ValidationError(f"{directorate} already has a team called {name}.")
    return Team.objects.create(directorate=directorate, name=name, kind=kind)


@transaction.atomic
def membership_set(*, team, user, role: str) -> Membership:
    """Add the person to the team with this role, or change their role if already in it."""
    if user.organisation_id != team.organisation_id:
        raise ValidationError(f"{user} works in another organisation.")
    membership, created = Membership.objects.select_for_update().get_or_create(
        team=team, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership) -> None:
    membership.delete()
