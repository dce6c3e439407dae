"""In headless Chromium: a ward member runs a PDSA cycle end to end and plans the follow-on;
their coach reviews it; the member sees the review and resolves it."""

import re

import pytest
from playwright.sync_api import expect

from cycles.models import PDSACycle, Review
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")


def _sign_out(page):
    page.locator("#account-menu").click()  # the header's account menu
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_a_member_runs_a_cycle_and_a_coach_reviews_it(page, live_server, org_world):
    base = live_server.url
    member, coach = org_world["users"]["member"], org_world["users"]["coach"]
    team = org_world["own"]

    _sign_in(page, base, member)
    expect(page.get_by_role("heading", level=1)).to_have_text(team.name)
    page.get_by_role("link", name="Start a project").click()

    page.get_by_label("Title").fill("Fewer violent incidents")
    page.get_by_label("Problem").fill("About 14 incidents a month, mostly in the evening.")
    page.get_by_label("What will improve").fill("Violent incidents involving staff")
    page.get_by_label("By how much").fill("from 14 to 9 a month")
    page.get_by_label("By when").fill("2026-12-31")
    expect(page.locator("#aim-preview")).to_have_text(
        "Violent incidents involving staff: from 14 to 9 a month by 31 December 2026"
    )
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fewer violent incidents")

    # The driver diagram is edited in place (htmx swaps the diagram).
    driver_form = page.locator("form", has=page.get_by_role("button", name="Add driver"))
    driver_form.get_by_label("Driver").fill("Early recognition of rising distress")
    driver_form.get_by_role("button", name="Add driver").click()
    diagram = page.locator("#driver-diagram")
    expect(diagram.locator(".qi-tree")).to_contain_text("Early recognition of rising distress")

    idea_form = page.locator("form", has=page.get_by_role("button", name="Add change idea"))
    idea_form.get_by_label("Change idea").fill("Safety huddle at shift change")
    idea_form.get_by_label("Driver it acts on").select_option(
        label="Early recognition of rising distress"
    )
    idea_form.get_by_role("button", name="Add change idea").click()
    expect(diagram.locator(".qi-tree")).to_contain_text("Safety huddle at shift change")

    page.get_by_role("link", name="Plan a cycle for Safety huddle at shift change").click()
    page.get_by_label("Objective of this test").fill("Huddle at the late shift for a week.")
    page.get_by_label("What we predict will happen").fill("Staff will feel prepared.")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "PDSA 1: Safety huddle at shift change"
    )

    page.get_by_role("link", name="Record Do").click()
    page.get_by_label("What happened").fill("Held on 6 of 7 days.")
    page.get_by_role("button", name="Save Do").click()
    page.get_by_role("link", name="Record Study").click()
    page.get_by_label("What we learned").fill("Staff liked it; nights were missed.")
    page.get_by_role("button", name="Save Study").click()
    page.get_by_role("link", name="Record Act").click()
    page.get_by_label("Adapt: change it and test again").check()
    page.get_by_label("Next steps").fill("Add the night shift with a prompt card.")
    page.get_by_role("button", name="Save Act").click()
    expect(page.get_by_role("status")).to_contain_text("Act recorded for PDSA 1")

    # Adapt offers the next cycle, its Plan prefilled from this one.
    page.get_by_role("link", name="Plan the next cycle").click()
    expect(page.get_by_label("Objective of this test")).to_have_value(
        "Add the night shift with a prompt card."
    )
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "PDSA 2: Safety huddle at shift change"
    )
    expect(page.get_by_role("main")).to_contain_text("follows PDSA 1")
    _sign_out(page)

    _sign_in(page, base, coach)
    page.get_by_role("link", name=team.name).click()
    page.get_by_role("link", name="Fewer violent incidents").click()
    page.get_by_label("Feedback for the team").fill("Good ramp. Count incidents on night shifts.")
    page.get_by_label("This review is about").select_option(
        label="PDSA 1: Safety huddle at shift change"
    )
    page.get_by_role("button", name="Send review").click()
    expect(page.get_by_role("status")).to_contain_text("Review sent")
    _sign_out(page)

    _sign_in(page, base, member)
    reviews = page.get_by_role("region", name="Open reviews from your QI coach")
    expect(reviews).to_contain_text("Good ramp. Count incidents on night shifts.")
    reviews.get_by_role("button", name=re.compile("Mark as resolved")).click()
    expect(page.get_by_role("status")).to_contain_text("Review marked as resolved")
    expect(page.get_by_role("region", name="Open reviews from your QI coach")).to_contain_text(
        "No open reviews."
    )

    review = Review.objects.get()
    assert review.resolved_by == member and review.cycle.number == 1
    second = PDSACycle.objects.get(number=2)
    assert second.parent.number == 1 and second.parent.decision == "adapt"
