"""The header's account links are one account menu (issue 16): at 1366 px the header holds an
admin's every link on one row without scrolling sideways, and the menu opens and closes by
keyboard."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_measure_chart_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_account_menu_holds_the_account_links_and_works_by_keyboard(
    page, live_server, org_world
):
    admin = org_world["users"]["admin"]
    admin.first_name, admin.last_name = "Jo", "Marsden-Featherstonehaugh"
    admin.save()
    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/dashboard/")
    toggle = page.locator("#account-menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    # One row: no sideways scrolling, the toggle one line high.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert toggle.bounding_box()["height"] < 45
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Change password")).to_be_visible()
    signed_in = page.locator(".dropdown-item-text")
    expect(signed_in).to_have_text("Signed in as Jo Marsden-Featherstonehaugh")
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
