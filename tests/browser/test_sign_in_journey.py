"""In headless Chromium: a lead signs in and lands on their team; keyboard users can skip to the
content."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_signs_in_with_the_keyboard_and_lands_on_their_team(page, live_server, org_world):
    lead = org_world["users"]["lead"]
    page.goto(f"{live_server.url}/accounts/login/")

    # The sign-in form takes focus itself; the whole form works from the keyboard.
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(lead.username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(org_world["own"].name)
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("My teams")
    expect(page.get_by_role("button", name="Add to team")).to_be_visible()

    # First Tab on a page reaches the skip link, which is then visible and jumps to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
