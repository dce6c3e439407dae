"""The printable board report: one click from the dashboard, dated, no navigation, the icons'
legend, the organisation's figures in tables that print whole."""

import datetime as dt

import pytest
from django.urls import reverse

from metrics.drawing.icons import LEGEND
from tests.metrics.dashboards import data as dd
from tests.metrics.dashboards.test_pages import _cells, _get, _row

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(org_world):
    directorate = org_world["own"].directorate
    dd.organisation_snapshot(
        org_world["organisation"],
        measures=[
            dd.measure(
                101,
                "Violent incidents involving staff",
                variation="concern_high",
                assurance="fail",
                target=4,
            )
        ],
        children=[dd.child("directorate", directorate.pk, directorate.name, active_projects=3)],
        activity={
            "months": dd.MONTHS,
            "rows": [
                dd.activity_row(directorate.pk, directorate.name, active_projects=3, cycles=[2, 5])
            ],
        },
        progress=dd.progress({"3.0": 2}, {"2.0": 2}, up=2),
    )
    return org_world


def test_the_dashboard_links_to_the_report_in_one_click(client, report):
    html = _get(client, report["users"]["board"], reverse("metrics:dashboard"))
    assert f'href="{reverse("metrics:board_report")}"' in html


def test_the_report_is_dated_and_says_when_the_figures_were_computed(client, report, settings):
    html = _get(client, report["users"]["board"], reverse("metrics:board_report"))
    today = dt.date.today()
    assert f'<time datetime="{today:%Y-%m-%d}">{today.day} {today:%B %Y}</time>' in html
    assert "Figures computed at 09:41 on 26 November 2026" in html
    assert "Board report" in html


def test_the_report_has_no_navigation_and_a_print_stylesheet(client, report):
    html = _get(client, report["users"]["board"], reverse("metrics:board_report"))
    assert 'aria-label="Main"' not in html and "Sign out" not in html
    assert "css/qi.css" in html and "data-print" in html
    assert "plotly" not in html  # tables print; a chart needs a screen


def test_the_report_holds_the_boards_figures_with_icons_in_words(client, report):
    directorate = report["own"].directorate
    html = _get(client, report["users"]["board"], reverse("metrics:board_report"))

    row = _cells(_row(html, 'data-measure-id="101"'))
    assert "5 incidents" in row[1] and row[2] == "4 incidents"
    assert "Special cause variation — concern (high)" in row[4]
    assert "Assurance — fail" in row[5]
    assert _cells(_row(html, f'data-child-id="{directorate.pk}"'))[:4] == [
        directorate.name,
        "0",
        "0",
        "3",
    ]
    assert _cells(_row(html, f'data-row-id="{directorate.pk}"'))[:3] == [directorate.name, "3", "7"]
    assert '<details class="qi-print-open" open>' in html  # month by month prints open
    assert _cells(_row(html, 'data-score="3.0"'))[:2] == ["3.0", "2"]


def test_the_report_has_the_legend_of_every_icon(client, report):
    html = _get(client, report["users"]["board"], reverse("metrics:board_report"))
    legend = html.split('id="legend"')[1]
    for key, label, description in LEGEND:
        item = legend.split(f'data-icon="{key}"')[1].split("</div>")[0]
        assert label in item and description in item
        assert (
            f"mdc-{'assurance' if key in ('pass', 'fail', 'hit_or_miss') else 'variation'}" in item
        )


def test_the_print_stylesheet_keeps_rows_whole_and_hides_the_page_furniture(client):
    from django.contrib.staticfiles import finders

    with open(finders.find("css/qi.css")) as stylesheet:
        css = stylesheet.read()
    printing = css[css.index("@media print {\n  @page") :]
    assert (
        "break-inside: avoid" in printing and "thead { display: table-header-group; }" in printing
    )
    assert ".no-print" in css


def test_the_report_without_figures_says_they_are_being_computed(client, org_world):
    html = _get(client, org_world["users"]["board"], reverse("metrics:board_report"))
    assert "Figures are being computed" in html
    assert "How to read the icons" in html
