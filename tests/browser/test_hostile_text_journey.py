"""In headless Chromium, with the Content Security Policy switched off in the browser (so that
escaping alone is on trial): pages whose every user-typed field holds a script payload open, the
chart draws and is hovered, and no script of the payloads ever runs. Plotly shows the payload
as literal text."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.security.hostile_world import PAYLOADS, build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RAN = "window.__hostileRan"
# Every payload that could run calls alert(1); so would a payload turned into an event handler.
WATCH = f"""
{RAN} = [];
window.alert = (x) => {RAN}.push(String(x));
"""


@pytest.fixture
def unprotected_page(browser):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.dialogs = dialogs
    yield page
    context.close()


@pytest.mark.parametrize("name", ["script", "attribute", "script_breakout"])
def test_hostile_text_never_runs_on_the_measure_and_project_pages(
    unprotected_page, live_server, name
):
    page, base = unprotected_page, live_server.url
    world = build(PAYLOADS[name])
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(world["lead"].username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))
    # The alert replacement is a second net: the dialog listener sees real alerts.
    page.add_init_script(WATCH)

    page.goto(f"{base}/measures/{world['measure'].pk}/")
    plot = page.locator(".js-plotly-plot")
    expect(plot.locator(".main-svg").first).to_be_attached()
    # Plotly shows the hostile name and the PDSA marker as text, not markup.
    expect(plot.locator(".gtitle")).to_have_text(world["text"]["measure.name"])
    page.evaluate(
        """() => {
          const plot = document.querySelector('.js-plotly-plot');
          const trace = plot.data.findIndex(t => t.mode === 'lines+markers');
          Plotly.Fx.hover(plot, [{curveNumber: trace, pointNumber: 3}]);
        }"""
    )
    expect(plot.locator(".hoverlayer .hovertext").first).to_be_attached()
    annotation = plot.locator(".annotation-text").filter(has_text="PDSA 1").first
    expect(annotation).to_contain_text(PAYLOADS[name][:20])
    assert plot.locator(".annotation img, .gtitle img, .hoverlayer img").count() == 0

    for path in (
        f"/projects/{world['project'].pk}/",
        f"/cycles/{world['cycle'].pk}/",
        f"/teams/{world['team'].pk}/",
        "/library/",
    ):
        page.goto(f"{base}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        # The payload is on the page as words (the driver diagram, the cycle, the names).
        expect(page.get_by_text(PAYLOADS[name]).first).to_be_attached()
        assert page.evaluate(RAN) == [], path
        assert page.locator("main img[src=x]").count() == 0

    assert page.dialogs == []
