"""The API's browsable docs (Swagger UI from our own static files) in headless Chromium, under
the real Content-Security-Policy: they load with no violation and list the endpoints."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_csp_journey import open_under_policy, watched_page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_draw_every_endpoint_without_a_policy_violation(watched_page, live_server):  # noqa: F811
    page = watched_page
    open_under_policy(page, f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .opblock-summary-path").first).to_be_visible(timeout=15000)
    paths = set(page.locator(".opblock-summary-path").all_inner_texts())
    assert {"/api/data-points/", "/api/measures/", "/api/measures/{measure_id}/chart/"} <= {
        p.replace("\u200b", "") for p in paths
    }
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.reload()
    expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=15000)
    assert all(url.startswith(live_server.url) for url in requests), "no CDN"
    assert page.csp_errors == []
