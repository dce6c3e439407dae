"""The permission matrix's rules and its runner.

DESIGN §6 is written down here once, as rules over *what a user is* (PROFILES) and *what an
object is* (RELATIONS), independently of teams/permissions.py: a test that asked the code under
test what to expect could not fail. Each URL's expectation (test_url_permission_matrix.py) names
one rule; the answer every user should get on every object follows from it:

- anonymous: sent to sign in (302 to /accounts/login/?next=<the path>), unless the rule is public;
- a user outside the object's organisation, or without one: 404 (existence must not leak);
- inside it and allowed by the rule: success (the GET answers, the POST changes the world);
- inside it and not allowed: 403 (the code base's convention: teams.permissions.require).

Every page served (200) is also searched for the names of another organisation's teams,
projects, measures...: none may appear.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from django.db import transaction
from django.test import Client
from django.urls import reverse

ANONYMOUS = "anonymous"
LOGIN_PATH = "/accounts/login/"
POST_ONLY = frozenset({405})  # a view taking only POST answers a signed-in GET with 405


@dataclass(frozen=True)
class Profile:
    """What a user is, in the words of DESIGN §6. Organisations: "A" (the own and other teams,
    the trust-wide measure) and "B" (the foreign team)."""

    organisation: str | None
    roles: frozenset = frozenset()
    teams: Mapping[str, str] = field(default_factory=dict)  # team -> member | lead
    coached: frozenset = frozenset()  # teams assigned to this coach


PROFILES = {
    "member": Profile("A", teams={"own": "member"}),
    "lead": Profile("A", teams={"own": "lead"}),
    "coach": Profile("A", frozenset({"coach"}), coached=frozenset({"own"})),
    "coach_unassigned": Profile("A", frozenset({"coach"}), coached=frozenset({"other"})),
    "board": Profile("A", frozenset({"board"})),
    "admin": Profile("A", frozenset({"admin"})),
    "foreign": Profile("B", frozenset({"admin"})),
    "orgless": Profile(None),
}
USERS = (ANONYMOUS, *PROFILES)

# What each object relation is: (organisation, team). "trust" is an organisation-owned measure
# (no team); "org" is the requesting user's own organisation (pages with no object in the URL).
RELATIONS = {
    "own": ("A", "own"),
    "other": ("A", "other"),
    "trust": ("A", None),
    "foreign": ("B", "foreign"),
}
TEAMS = ("own", "other", "foreign")
MEASURES = ("own", "other", "trust", "foreign")
ORG = ("org",)


def _admin(p: Profile) -> bool:
    return "admin" in p.roles


def _edit(p: Profile, team) -> bool:
    return _admin(p) or (team is not None and (team in p.teams or team in p.coached))


def _lead(p: Profile, team) -> bool:
    return team is not None and p.teams.get(team) == "lead"


def _coaches(p: Profile, team) -> bool:
    return team is not None and team in p.coached


def _home_team(p: Profile) -> str:
    return "own" if p.organisation == "A" else "foreign"


# DESIGN §6, once. A rule answers: may this user do it to an object of this team (None: the
# organisation itself, or a trust-wide measure, which only admins change)?
RULES: dict[str, Callable[[Profile, str | None], bool]] = {
    # read projects, cycles, measures, dashboards of the whole organisation
    "view": lambda p, team: True,
    # create/edit the team's projects, cycles, data: the team, its coach, admins
    "edit_team_work": _edit,
    # manage team members and measures: the lead, admins
    "manage_team": lambda p, team: _admin(p) or _lead(p, team),
    # start a phase or freeze limits: the lead, the assigned coach, admins
    "change_phase": lambda p, team: _admin(p) or _lead(p, team) or _coaches(p, team),
    # write reviews: the assigned coach, admins
    "write_review": lambda p, team: _admin(p) or _coaches(p, team),
    # close feedback: whoever may review or edit the team's work (DESIGN is silent; the team
    # answers its coach's feedback, so it may mark it resolved)
    "resolve_review": lambda p, team: _edit(p, team) or _coaches(p, team),
    # copy any idea of the organisation into a project the user may edit (their own team's)
    "spread": lambda p, team: _edit(p, _home_team(p)),
    # read the team's audit trail (who changed which data): the lead, the assigned coach,
    # admins (teams.permissions.can_view_audit; DESIGN §6 names it for leads, coaches, admins)
    "view_audit": lambda p, team: _admin(p) or _lead(p, team) or _coaches(p, team),
    # the coaching views: every QI coach
    "coach": lambda p, team: "coach" in p.roles,
    # organisation structure, users, roles, background workers: admins
    "org_admin": lambda p, team: _admin(p),
}
# Rules that do not need an organisation at all.
OPEN_RULES = {"public", "signed_in"}


@dataclass(frozen=True)
class Post:
    """One form (or action) a view handles. `data` and `changed` take (world, place, user,
    response); `changed` is read after the request, before the cell is rolled back."""

    action: str
    data: Callable
    changed: Callable
    ok: frozenset = frozenset({302})
    changes: bool = True  # whether an allowed user's POST must change the world


@dataclass(frozen=True)
class Case:
    """One way of calling a URL: its rule, the objects it is tried on, how to build its
    arguments (from world, place, user: may create rows, inside the cell's savepoint)."""

    rule: str
    relations: tuple = ORG
    args: Callable = lambda w, place, user: []
    get: frozenset = frozenset({200})
    query: Callable | None = None  # (world, place, user) -> the GET's query string
    posts: tuple = ()
    label: str = ""
    refused: int = 403  # a user of the organisation the rule does not allow
    refused_post: int | None = None  # if a refused POST answers otherwise (unchanged world)
    outside: int = 404  # a user of another organisation, or of none
    relogin: bool = False  # the request changes who is signed in: a new client afterwards


@dataclass(frozen=True)
class Expected:
    kind: str  # "login" | "ok" | "refused"
    statuses: frozenset = frozenset()


def expect(case: Case, user: str, relation: str, *, ok: frozenset, post: bool) -> Expected:
    if user == ANONYMOUS:
        if case.rule == "public":
            return Expected("ok", ok)
        return Expected("login")
    if case.rule in OPEN_RULES:
        return Expected("ok", ok)
    if ok == POST_ONLY:  # require_POST answers before any permission check, for everyone
        return Expected("ok", ok)
    profile = PROFILES[user]
    if relation == "org":
        organisation, team = profile.organisation, None
    else:
        organisation, team = RELATIONS[relation]
    if profile.organisation is None or organisation != profile.organisation:
        return Expected("refused", frozenset({case.outside}))
    if RULES[case.rule](profile, team):
        return Expected("ok", ok)
    status = case.refused_post if post and case.refused_post else case.refused
    return Expected("refused", frozenset({status}))


class _Undo(Exception):
    pass


def in_savepoint(action):
    """Run action() and roll back whatever it wrote: every cell meets the same world."""
    box = {}
    try:
        with transaction.atomic():
            box["result"] = action()
            raise _Undo
    except _Undo:
        pass
    return box["result"]


def login_redirect_problem(response, path: str) -> str | None:
    if response.status_code != 302:
        return f"expected a redirect to sign in, got {response.status_code}"
    location = urlsplit(response["Location"])
    nxt = parse_qs(location.query).get("next", [""])[0]
    if location.path != LOGIN_PATH or nxt != path:
        return f"expected a redirect to {LOGIN_PATH}?next={path}, got {response['Location']}"
    return None


class Matrix:
    """Runs one URL's cases for every user on every object, and collects what went wrong."""

    def __init__(self, world):
        self.world = world
        self.clients = {}
        self.problems: list[str] = []
        self.cells = 0

    def client(self, user: str) -> Client:
        if user not in self.clients:
            # A server error is a wrong answer like any other: recorded, not raised.
            client = Client(raise_request_exception=False)
            if user != ANONYMOUS:
                client.force_login(self.world.users[user])
            self.clients[user] = client
        return self.clients[user]

    def _place(self, relation, user_obj):
        if relation == "org":
            return self.world.home_place(user_obj)
        return self.world.places[relation]

    def run(self, url_name: str, case: Case) -> None:
        for relation in case.relations:
            for user in USERS:
                self._get(url_name, case, relation, user)
                for post in case.posts:
                    self._post(url_name, case, post, relation, user)

    def _where(self, url_name, case, method, user, relation):
        label = f" [{case.label}]" if case.label else ""
        return f"{method} {url_name}{label} as {user} on {relation}"

    def _get(self, url_name, case, relation, user):
        user_obj = self.world.users.get(user)
        place = self._place(relation, user_obj)
        expected = expect(case, user, relation, ok=case.get, post=False)
        client = self.client(user)  # signed in outside the savepoint, so it stays signed in

        def act():
            path = reverse(url_name, args=case.args(self.world, place, user_obj))
            query = case.query(self.world, place, user_obj) if case.query else {}
            response = client.get(path, query)
            full = path + (f"?{response.wsgi_request.GET.urlencode()}" if query else "")
            return self._judge(expected, response, full) or self._leak(response, user_obj)

        self.cells += 1
        problem = in_savepoint(act)
        if problem:
            self.problems.append(f"{self._where(url_name, case, 'GET', user, relation)}: {problem}")

    def _post(self, url_name, case, post, relation, user):
        user_obj = self.world.users.get(user)
        place = self._place(relation, user_obj)
        expected = expect(case, user, relation, ok=post.ok, post=True)
        client = self.client(user)

        def act():
            path = reverse(url_name, args=case.args(self.world, place, user_obj))
            data = post.data(self.world, place, user_obj)
            response = client.post(path, data)
            problem = self._judge(expected, response, path) or self._leak(response, user_obj)
            changed = bool(post.changed(self.world, place, user_obj, response))
            must_change = expected.kind == "ok" and post.changes
            if not problem and changed != must_change:
                problem = (
                    "the POST did not change the world"
                    if must_change
                    else "the POST changed the world although it should not"
                )
            return problem

        self.cells += 1
        problem = in_savepoint(act)
        if case.relogin:
            self.clients.pop(user, None)
        if problem:
            where = self._where(url_name, case, f"POST({post.action})", user, relation)
            self.problems.append(f"{where}: {problem}")

    def _leak(self, response, user_obj) -> str | None:
        """A page must not name anything of another organisation."""
        if response.status_code != 200 or getattr(response, "streaming", False):
            return None
        text = response.content.decode(errors="replace")
        shown = [m for m in self.world.alien_markers(user_obj) if m in text]
        return f"shows another organisation's {shown}" if shown else None

    @staticmethod
    def _judge(expected: Expected, response, path) -> str | None:
        if expected.kind == "login":
            return login_redirect_problem(response, path)
        if response.status_code not in expected.statuses:
            wanted = "/".join(str(s) for s in sorted(expected.statuses))
            return f"expected {wanted}, got {response.status_code}"
        return None
