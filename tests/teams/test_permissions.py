"""The permission functions, role by role and action by action, against the table of DESIGN §6."""

import pytest

from teams import permissions
from teams.models import OrganisationRole

# DESIGN §6, per role: for each action, whether the role may do it on its own team (member,
# lead), its assigned team (coach), or any team of its organisation (board, admin); on another
# team of the same organisation; and on a team of another organisation (never).
TEAM_TABLE = {
    #               action:          (own/assigned team, other team in organisation)
    "member": {
        "edit_team_work": (True, False),
        "manage_team": (False, False),
        "change_phase": (False, False),
        "write_review": (False, False),
        "view_audit": (False, False),
    },
    "lead": {
        "edit_team_work": (True, False),
        "manage_team": (True, False),
        "change_phase": (True, False),
        "write_review": (False, False),
        "view_audit": (True, False),
    },
    "coach": {
        "edit_team_work": (True, False),
        "manage_team": (False, False),
        "change_phase": (True, False),
        "write_review": (True, False),
        "view_audit": (True, False),
    },
    "board": {
        "edit_team_work": (False, False),
        "manage_team": (False, False),
        "change_phase": (False, False),
        "write_review": (False, False),
        "view_audit": (False, False),
    },
    "admin": {
        "edit_team_work": (True, True),
        "manage_team": (True, True),
        "change_phase": (True, True),
        "write_review": (True, True),
        "view_audit": (True, True),
    },
}

ORGANISATION_TABLE = {
    "member": {"view_organisation": True, "view_dashboard": True, "manage_organisation": False},
    "lead": {"view_organisation": True, "view_dashboard": True, "manage_organisation": False},
    "coach": {"view_organisation": True, "view_dashboard": True, "manage_organisation": False},
    "board": {"view_organisation": True, "view_dashboard": True, "manage_organisation": False},
    "admin": {"view_organisation": True, "view_dashboard": True, "manage_organisation": True},
}

TEAM_CASES = [
    (role, action, expected)
    for role, actions in TEAM_TABLE.items()
    for action, expected in actions.items()
]
ORGANISATION_CASES = [
    (role, action, expected)
    for role, actions in ORGANISATION_TABLE.items()
    for action, expected in actions.items()
]


def test_the_table_covers_every_action():
    for actions in TEAM_TABLE.values():
        assert set(actions) == set(permissions.TEAM_ACTIONS)
    for actions in ORGANISATION_TABLE.values():
        assert set(actions) == set(permissions.ORGANISATION_ACTIONS)


@pytest.mark.parametrize(("role", "action", "expected"), TEAM_CASES)
def test_team_actions_follow_the_table(org_world, role, action, expected):
    user = org_world["users"][role]
    check = permissions.TEAM_ACTIONS[action]
    own_expected, other_expected = expected
    assert check(user, org_world["own"]) is own_expected
    assert check(user, org_world["other"]) is other_expected
    assert check(user, org_world["foreign"]) is False, "another organisation is never reachable"


@pytest.mark.parametrize(("role", "action", "expected"), ORGANISATION_CASES)
def test_organisation_actions_follow_the_table(org_world, role, action, expected):
    user = org_world["users"][role]
    check = permissions.ORGANISATION_ACTIONS[action]
    assert check(user, org_world["organisation"]) is expected
    assert check(user, org_world["foreign_organisation"]) is False
    # Objects of the organisation answer like the organisation itself.
    assert check(user, org_world["own"]) is expected
    assert check(user, org_world["foreign"]) is False


@pytest.mark.parametrize("action", sorted(permissions.TEAM_ACTIONS))
def test_anonymous_and_unlinked_users_can_do_nothing(org_world, action):
    from django.contrib.auth.models import AnonymousUser

    check = permissions.TEAM_ACTIONS[action]
    for user in (AnonymousUser(), org_world["users"]["no_organisation"]):
        assert check(user, org_world["own"]) is False
        assert permissions.can_view_organisation(user, org_world["organisation"]) is False


def test_an_inactive_user_can_do_nothing(org_world):
    lead = org_world["users"]["lead"]
    lead.is_active = False
    assert permissions.can_edit_team_work(lead, org_world["own"]) is False
    assert permissions.can_view_organisation(lead, org_world["organisation"]) is False


def test_a_coach_without_the_coach_role_loses_assigned_teams(org_world):
    coach = org_world["users"]["coach"]
    OrganisationRole.objects.filter(user=coach).delete()
    permissions.forget_access(coach)
    assert permissions.can_write_review(coach, org_world["own"]) is False
    assert permissions.can_edit_team_work(coach, org_world["own"]) is False


def test_a_foreign_admin_cannot_touch_this_organisation(org_world):
    foreign_admin = org_world["users"]["foreign_admin"]
    for check in permissions.TEAM_ACTIONS.values():
        assert check(foreign_admin, org_world["own"]) is False
    assert permissions.can_manage_organisation(foreign_admin, org_world["organisation"]) is False
    assert permissions.can_edit_team_work(foreign_admin, org_world["foreign"]) is True


def test_access_is_read_once_per_user_object(org_world, django_assert_num_queries):
    lead = org_world["users"]["lead"]
    permissions.forget_access(lead)
    with django_assert_num_queries(2):  # memberships and roles (no coaching query: not a coach)
        for check in permissions.TEAM_ACTIONS.values():
            check(lead, org_world["own"])
            check(lead, org_world["other"])
