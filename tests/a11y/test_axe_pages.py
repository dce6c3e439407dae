"""axe-core on every user-facing page of the demo trust, each seen by a role that may see it,
and on the pages' interactive states (forms re-shown with errors, the import preview with row
errors, the member search, the error pages). No violation of impact serious or critical."""

from collections import Counter

import pytest

from tests.a11y import axe
from tests.a11y.pages import NOT_VISITED, url_names, visits
from tests.a11y.world import ADMIN, COACH, LEAD, MEMBER
from tests.factories import PASSWORD as FACTORY_PASSWORD

VALID_IMPORT = "period,value\n{},31.5\n{},30.25\n"


def _periods(measure, n):
    """The n periods before the current one, oldest first (ISO dates)."""
    from django.utils import timezone

    from metrics import periods as P

    newest_first = P.previous_periods(measure.frequency, timezone.localdate(), n + 1)[1:]
    return [p.isoformat() for p in reversed(newest_first)]


def test_every_url_is_visited_or_excused(db):
    """A named URL with neither a page visit nor a reason to skip it is a page nobody checked."""
    from tests.a11y.world import World

    names = url_names()
    assert {"login", "teams:team", "cycles:cycle", "metrics:measure"} <= names  # resolver read
    visited = {visit.name for visit in visits(_fake_world(World))}
    unaccounted = names - visited - set(NOT_VISITED)
    assert not unaccounted, f"URLs neither visited nor excused: {sorted(unaccounted)}"
    stale = (visited | set(NOT_VISITED)) - names
    assert not stale, f"the page list names URLs that no longer exist: {sorted(stale)}"
    assert not visited & set(NOT_VISITED), "a URL is both visited and excused"


def _fake_world(world_class):
    """Enough of a world to reverse every URL (ids only); the browser tests use a real one."""

    class Obj:
        def __init__(self, pk, **extra):
            self.pk = pk
            self.__dict__.update(extra)

    team = Obj(1, organisation_id=1)
    project = Obj(1, team=team)
    cycle = Obj(1, project=project)
    measure = Obj(1, team=team, team_id=1)
    return world_class(
        organisation=Obj(1),
        team=team,
        directorate=Obj(1),
        project=project,
        idea=Obj(1),
        driver=Obj(1),
        cycles_by_stage=dict.fromkeys(("plan", "do", "study", "act", "closed"), cycle),
        measures_by_chart=dict.fromkeys(("run", "xmr", "p", "pp", "u", "up", "c"), measure),
        trust_measure=Obj(2, team=None, team_id=None),
        phase=Obj(1),
        review=Obj(1),
        import_job=Obj(1, measure_id=1),
    )


@pytest.mark.browser
def test_every_page_has_no_serious_or_critical_violations(demo_world, sign_in, live_server):
    pages_by_role, failures, seen = {}, [], Counter()
    checked = visits(demo_world)
    for visit in checked:
        if visit.role not in pages_by_role:
            pages_by_role[visit.role] = sign_in(visit.role)
        page = pages_by_role[visit.role]
        response = page.goto(live_server.url + visit.url)
        assert response.ok, f"{visit}: HTTP {response.status} (the role should see this page)"
        found = axe.violations(page)
        axe.tally(found, seen)
        failures += [axe.describe(str(visit), axe.blocking(found))] if axe.blocking(found) else []
    print(f"\n{len(checked)} page visits checked; all violations by id: {dict(seen)}")
    assert not failures, "axe found serious or critical violations:\n" + "\n".join(failures)


@pytest.mark.browser
def test_interactive_states_have_no_serious_or_critical_violations(
    demo_world, sign_in, live_server
):
    from metrics.models import ChartSnapshot

    failures, states, seen = [], [], Counter()
    base = live_server.url

    def check(page, what):
        states.append(what)
        everything = axe.violations(page)
        axe.tally(everything, seen)
        found = axe.blocking(everything)
        if found:
            failures.append(axe.describe(what, found))

    visitor = sign_in(None)
    visitor.goto(f"{base}/accounts/login/")
    visitor.get_by_label("Username").fill(MEMBER)
    visitor.get_by_label("Password").fill("not the password")
    visitor.get_by_role("button", name="Sign in").click()
    assert visitor.get_by_role("alert").count() >= 1
    check(visitor, "sign-in form with a wrong password")

    lead = sign_in(LEAD)
    lead.goto(f"{base}/teams/{demo_world.team.pk}/projects/new/")
    lead.locator("main form button[type=submit]").last.click()
    assert lead.locator(".is-invalid").count() >= 1
    check(lead, "new project form submitted empty")

    lead.goto(f"{base}/ideas/{demo_world.idea.pk}/cycles/new/")
    lead.locator("main form button[type=submit]").last.click()
    assert lead.locator(".is-invalid").count() >= 1
    check(lead, "PDSA Plan form submitted empty")

    xmr = demo_world.measures_by_chart["xmr"]
    lead.goto(f"{base}/measures/{xmr.pk}/enter/")
    lead.locator("main form input[name=value]").fill("-")
    lead.locator("main form button[type=submit]").last.click()
    assert lead.locator(".is-invalid, .alert-danger").count() >= 1
    check(lead, "this period's value form with an error")

    lead.goto(f"{base}/teams/{demo_world.team.pk}/measures/new/")
    lead.locator("main form button[type=submit]").last.click()
    assert lead.locator(".is-invalid").count() >= 1
    check(lead, "new measure form submitted empty")

    lead.goto(f"{base}/measures/{xmr.pk}/import/{demo_world.import_job.pk}/")
    assert lead.get_by_text("many").count() >= 1  # the bad row is shown with its problem
    check(lead, "import preview with row errors")

    lead.goto(f"{base}/measures/{xmr.pk}/")
    lead.locator("#phase-form button[type=submit]").click()
    assert lead.locator("#phase-form .is-invalid").count() >= 1
    check(lead, "measure page with the new-phase form in error")

    lead.goto(f"{base}/teams/{demo_world.team.pk}/")
    search = lead.locator("#member-q")
    with lead.expect_response(lambda r: "/members/search/" in r.url):
        search.fill("a")
    check(lead, "team page with member search results")

    lead.goto(f"{base}/projects/{demo_world.project.pk}/")
    for summary in lead.locator("main details > summary").all()[:3]:
        summary.click()
    check(lead, "project page with its inline edit forms open")

    lead.goto(f"{base}/measures/{xmr.pk}/enter/grid/")
    lead.locator("tbody input[name^=value_]").first.fill("lots")
    lead.get_by_role("button", name="Save all").click()
    assert lead.locator("tbody tr.table-danger").count() >= 1
    check(lead, "data grid with a row in error")

    # Issue 15's "is this right?": a figure far outside the history waits for a yes.
    lead.goto(f"{base}/measures/{xmr.pk}/enter/")
    lead.locator("main form input[name=value]").fill("9999999")
    lead.locator("main form button[type=submit]").last.click()
    assert lead.locator("[data-unusual]").count() == 1
    check(lead, "this period's value asking \"is this right?\"")

    lead.goto(f"{base}/measures/{xmr.pk}/enter/grid/")
    lead.locator("tbody input[name^=value_]").first.fill("9999999")
    lead.get_by_role("button", name="Save all").click()
    assert lead.locator("tbody tr.table-warning").count() >= 1
    check(lead, "data grid asking \"is this right?\" of a row")

    lead.goto(f"{base}/measures/{xmr.pk}/import/")
    unusual = "period,value\n{},9999999\n".format(*_periods(xmr, 1))
    lead.get_by_label("Paste from a spreadsheet").fill(unusual)
    lead.locator("main form button[type=submit]").last.click()
    assert lead.locator("[data-unusual]").count() == 1
    check(lead, "import preview asking \"is this right?\"")

    lead.goto(f"{base}/measures/{xmr.pk}/import/")
    lead.get_by_label("Paste from a spreadsheet").fill(VALID_IMPORT.format(*_periods(xmr, 2)))
    lead.locator("main form button[type=submit]").last.click()
    lead.get_by_role("button", name="Save 2 rows").click()
    lead.wait_for_url(f"{base}/measures/{xmr.pk}/")  # a small import is saved at once
    assert "2 corrected" in lead.get_by_role("status").first.inner_text()
    check(lead, "measure page after an import, with its message")

    ChartSnapshot.objects.filter(measure=xmr).update(status="stale")
    lead.goto(f"{base}/measures/{xmr.pk}/")
    assert lead.locator("[data-chart-status=updating]").count() == 1
    check(lead, "measure page while its chart is updating")

    lead.goto(f"{base}/library/?q=handover")
    check(lead, "library searched")

    coach = sign_in(COACH)
    coach.goto(f"{base}/projects/{demo_world.project.pk}/")
    coach.get_by_role("button", name="Send review").click()
    assert coach.locator(".is-invalid").count() >= 1
    check(coach, "review form submitted empty")

    admin = sign_in(ADMIN)
    admin.goto(f"{base}/organisation/api-tokens/")
    admin.get_by_label("May write data").check()
    admin.get_by_role("button", name="Make the token").click()
    assert admin.locator(".is-invalid").count() >= 1
    check(admin, "API token form refused (writing, with no teams)")

    admin.get_by_label("Name").fill("Warehouse")
    admin.get_by_label("May write data").uncheck()
    admin.get_by_role("button", name="Make the token").click()
    assert admin.get_by_text("Copy it now: it will not be shown again").count() == 1
    check(admin, "API token made, its key shown once")

    admin.goto(f"{base}/organisation/api-tokens/")
    admin.locator("main details > summary").first.click()
    check(admin, "API tokens list with a token's revoke step open")

    admin.goto(f"{base}/system/workers/")
    admin.get_by_role("button", name="Check the workers now").click()
    admin.wait_for_load_state("load")
    check(admin, "worker check requested, waiting for an answer")

    lead.goto(f"{base}/accounts/password/")
    lead.locator("main form button[type=submit]").last.click()
    assert lead.locator(".is-invalid").count() >= 1
    check(lead, "change password form submitted empty")

    assert lead.goto(f"{base}/no-such-page/").status == 404
    check(lead, "page not found (404)")
    assert lead.goto(f"{base}/organisation/").status == 403
    check(lead, "permission denied (403)")

    lead.goto(f"{base}/teams/")
    lead.locator("#account-menu").click()
    check(lead, "the account menu open")
    lead.get_by_role("button", name="Sign out").click()
    lead.wait_for_url(f"{base}/accounts/login/")  # LOGOUT_REDIRECT_URL
    check(lead, "signed out, back at the sign-in page")

    from tests.factories import UserFactory

    loner = UserFactory(organisation=None)
    page = sign_in(None)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(loner.username)
    page.get_by_label("Password").fill(FACTORY_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    check(page, "signed in without an organisation")

    print(f"\n{len(states)} interactive states checked; all violations by id: {dict(seen)}")
    assert not failures, "axe found serious or critical violations:\n" + "\n".join(failures)
