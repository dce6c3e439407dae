import factory

from teams.models import (
    CoachAssignment,
    Directorate,
    Membership,
    Organisation,
    OrganisationRole,
    Team,
    User,
)

PASSWORD = "a-long-test-password-42"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Trust {n} NHS Foundation Trust")
    slug = factory.Sequence(lambda n: f"trust-{n}")


class DirectorateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directorate

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Directorate {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    directorate = factory.SubFactory(DirectorateFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    kind = Team.Kind.WARD


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = "Tester"
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password(PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(
        UserFactory, organisation=factory.SelfAttribute("..team.organisation")
    )
    role = Membership.Role.MEMBER


class OrganisationRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationRole

    user = factory.SubFactory(UserFactory)
    role = OrganisationRole.Role.COACH


class CoachAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachAssignment

    coach = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
