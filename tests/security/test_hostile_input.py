"""Hostile text in every user-typed field is shown as text, never run: on the app's pages, in the
chart's figure (labels and hover text), in the CSV export and in the admin.

Each payload goes into every field at once (tests/security/hostile_world.py), tagged with the
field's name, so each check below names the field and the surface it looked at."""

import csv
import io
import json
import re

import pytest
from django.test import Client

from metrics.charts.bulk import recompute_dashboards
from metrics.drawing.figure import escape as plotly_escape
from teams.tokens import api_token_create
from tests.factories import OrganisationRoleFactory, UserFactory
from tests.security.hostile_world import FIELDS, MARKUP, PAYLOADS, build, escaped

pytestmark = pytest.mark.django_db

# page -> (who looks, the URL, the fields the page shows in full)
PAGES = {
    "team page": (
        "lead",
        "/teams/{team}/",
        [
            "organisation.name",
            "directorate.name",
            "team.name",
            "user.first_name",
            "user.last_name",
            "project.title",
            "review.text",
            "measure.name",
            "measure.unit",
        ],
    ),
    "project page": (
        "lead",
        "/projects/{project}/",
        [
            "team.name",
            "project.title",
            "project.problem",
            "project.aim_what",
            "project.aim_how_much",
            "project.service_user_involvement",
            "score.note",
            "driver.text",
            "idea.title",
            "cycle.objective",
            "review.text",
        ],
    ),
    "project form": (
        "lead",
        "/projects/{project}/edit/",
        [
            "project.title",
            "project.problem",
            "project.aim_what",
            "project.aim_how_much",
            "project.service_user_involvement",
        ],
    ),
    "PDSA cycle page": (
        "lead",
        "/cycles/{cycle}/",
        [
            "project.title",
            "idea.title",
            "measure.name",
            *[f for f in FIELDS if f.startswith("cycle.")],
        ],
    ),
    "PDSA plan form": (
        "lead",
        "/cycles/{cycle}/plan/",
        [
            "cycle.objective",
            "cycle.questions",
            "cycle.predictions",
            "cycle.plan_who",
            "cycle.plan_what",
            "cycle.plan_when",
            "cycle.plan_where",
            "cycle.data_collection",
        ],
    ),
    "PDSA study form": ("lead", "/cycles/{cycle}/study/", ["cycle.results", "cycle.learning"]),
    "change idea form": ("lead", "/ideas/{idea}/edit/", ["idea.title", "idea.description"]),
    "learning library": (
        "lead",
        "/library/",
        [
            "directorate.name",
            "team.name",
            "project.title",
            "driver.text",
            "idea.title",
            "idea.description",
            "cycle.learning",
            "measure.name",
        ],
    ),
    "measure page": (
        "lead",
        "/measures/{measure}/",
        [
            "team.name",
            "project.title",
            "idea.title",
            "measure.name",
            "measure.definition",
            "measure.unit",
            "point.note",
            "phase.label",
            "baseline.reason",
            "user.first_name",
            "user.last_name",
        ],
    ),
    "measure form": (
        "lead",
        "/measures/{measure}/edit/",
        [
            "measure.name",
            "measure.definition",
            "measure.unit",
        ],
    ),
    "data entry grid": (
        "lead",
        "/measures/{measure}/enter/grid/",
        [
            "measure.name",
            "measure.unit",
        ],
    ),
    "trust measures": ("lead", "/measures/", ["team.name", "measure.name", "measure.unit"]),
    "my teams": ("lead", "/teams/", ["organisation.name", "directorate.name", "team.name"]),
    "trust overview": ("board", "/trust/", ["directorate.name", "team.name"]),
    "trust dashboard": (
        "board",
        "/dashboard/",
        [
            "organisation.name",
            "directorate.name",
            "team.name",
            "measure.name",
            "measure.unit",
        ],
    ),
    "board report": (
        "board",
        "/dashboard/report/",
        [
            "organisation.name",
            "directorate.name",
            "team.name",
            "measure.name",
            "measure.unit",
        ],
    ),
    "directorate dashboard": (
        "board",
        "/dashboard/directorates/{directorate}/",
        [
            "directorate.name",
            "team.name",
            "project.title",
            "measure.name",
            "measure.unit",
        ],
    ),
}

# model admin -> the fields its change page shows (in its inputs); its list shows the first one
ADMIN = {
    "teams/organisation": ["organisation.name"],
    "teams/directorate": ["directorate.name"],
    "teams/team": ["team.name"],
    "teams/user": ["user.first_name", "user.last_name"],
    "cycles/project": [
        "project.title",
        "project.problem",
        "project.aim_what",
        "project.aim_how_much",
        "project.service_user_involvement",
    ],
    "cycles/progressscore": ["score.note"],
    "cycles/driver": ["driver.text"],
    "cycles/changeidea": ["idea.title", "idea.description"],
    "cycles/pdsacycle": [f for f in FIELDS if f.startswith("cycle.")],
    "cycles/review": ["review.text"],
    "metrics/measure": ["measure.name", "measure.definition", "measure.unit"],
    "metrics/datapoint": ["point.note"],
    "metrics/phase": ["phase.label"],
    "metrics/baselinechange": ["baseline.reason"],
}
ADMIN_LISTED = {  # what each changelist shows of the hostile text
    "teams/organisation": "organisation.name",
    "teams/directorate": "directorate.name",
    "teams/team": "team.name",
    "cycles/project": "project.title",
    "cycles/driver": "driver.text",
    "cycles/changeidea": "idea.title",
    "metrics/measure": "measure.name",
    "metrics/phase": "phase.label",
}

CHECKS = {"count": 0}


def shown_safely(body: str, text: str, field: str, where: str, *, expected: bool) -> None:
    """The field's hostile text never appears as markup in the body; if the page shows the
    field, its escaped form does."""
    CHECKS["count"] += 1
    if MARKUP & set(text):
        assert text not in body, f"{field} appears unescaped on the {where}"
    if expected:
        assert escaped(text) in body, f"{field} is missing (escaped) from the {where}"
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", body, re.I), where
    if "{{7*7}}" in text and expected:
        assert "49 ~" not in body, f"{field} was evaluated as a template on the {where}"


@pytest.fixture(params=list(PAYLOADS), ids=list(PAYLOADS))
def world(request, db):
    payload = PAYLOADS[request.param]
    made = build(payload)
    made["payload"] = payload
    recompute_dashboards(made["organisation"].pk)
    return made


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pages_show_every_field_escaped(world):
    ids = {k: world[k].pk for k in ("team", "project", "cycle", "idea", "measure", "directorate")}
    clients = {"lead": client_for(world["lead"]), "board": client_for(world["board"])}
    for page, (who, url, shown) in PAGES.items():
        response = clients[who].get(url.format(**ids))
        assert response.status_code == 200, page
        body = response.content.decode()
        for field, text in world["text"].items():
            shown_safely(body, text, field, page, expected=field in shown)


def test_the_api_token_pages_show_every_field_escaped(world):
    """The QI admin's token list (whose token, which teams it writes, in the form's choices too)
    and the page that shows a new token's key, with the token's name from the payload."""
    admin = OrganisationRoleFactory(user__organisation=world["organisation"], role="admin").user
    api_token_create(user=world["lead"], name="Warehouse", write=True, teams=[world["team"]])
    client = client_for(admin)
    shown = ["organisation.name", "directorate.name", "team.name", "user.first_name",
             "user.last_name"]  # fmt: skip
    body = client.get("/organisation/api-tokens/").content.decode()
    for field, text in world["text"].items():
        shown_safely(body, text, field, "API tokens page", expected=field in shown)

    name = world["payload"][:100].strip()
    response = client.post(
        "/organisation/api-tokens/",
        {"name": name, "user": world["lead"].pk, "write": "on", "teams": [world["team"].pk]},
    )
    assert response.status_code == 200, response.content[:500]
    body = response.content.decode()
    shown_safely(body, name, "token.name", "new API token page", expected=True)
    for field in ("team.name", "user.first_name", "user.last_name"):
        shown_safely(body, world["text"][field], field, "new API token page", expected=True)


def figure_of(body: str) -> dict:
    raw = re.search(
        r'<script id="measure-figure" type="application/json">(.*?)</script>', body, re.S
    ).group(1)
    # The JSON text holds no markup at all: nothing can close the script element early.
    assert "<" not in raw and ">" not in raw
    return json.loads(raw)


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def test_the_chart_labels_and_hover_text_are_inert(world):
    body = client_for(world["lead"]).get(f"/measures/{world['measure'].pk}/").content.decode()
    figure = figure_of(body)
    texts = list(strings_in(figure))
    for text in texts:
        # Plotly's pseudo-HTML: the only tag in the figure is the <br> the chart puts in itself.
        assert "<" not in text.replace("<br>", ""), text
    joined = "\n".join(texts)
    # Each field the chart shows is there, escaped for Plotly: the measure's name (title), its
    # unit (axis, target, hover) and the PDSA cycle's change idea (marker label, cut short on the
    # chart and whole in its hover text). Phases are drawn as lines; their reasons are not text
    # on the chart.
    for field in ("measure.name", "measure.unit", "idea.title"):
        CHECKS["count"] += 1
        text = world["text"][field]
        assert plotly_escape(text) in joined, f"{field} is missing from the figure"
        if MARKUP & set(text):
            assert text not in joined, f"{field} reaches the figure unescaped"


def test_the_csv_export_defuses_formulas(world):
    response = client_for(world["lead"]).get(f"/measures/{world['measure'].pk}/data.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    noted = [r for r in rows if r["note"]]
    assert len(noted) == 1
    entered = (("note", world["text"]["point.note"]), ("entered_by", world["lead"].get_full_name()))
    for column, text in entered:
        CHECKS["count"] += 1
        cell = noted[0][column]
        if text.startswith(("=", "+", "-", "@", "\t", "\r")):
            assert cell == "'" + text, column
        else:
            assert cell == text, column
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), column


def test_the_admin_shows_every_field_escaped(world):
    admin = client_for(
        UserFactory(is_staff=True, is_superuser=True, organisation=world["organisation"])
    )
    objects = {
        "teams/organisation": world["organisation"],
        "teams/directorate": world["directorate"],
        "teams/team": world["team"],
        "teams/user": world["lead"],
        "cycles/project": world["project"],
        "cycles/progressscore": world["project"].scores.get(),
        "cycles/driver": world["driver"],
        "cycles/changeidea": world["idea"],
        "cycles/pdsacycle": world["cycle"],
        "cycles/review": world["project"].reviews.get(),
        "metrics/measure": world["measure"],
        "metrics/datapoint": world["measure"].points.exclude(note="").get(),
        "metrics/phase": world["measure"].phases.get(),
        "metrics/baselinechange": world["measure"].baseline_changes.get(action="frozen"),
    }
    for model, fields in ADMIN.items():
        listing = admin.get(f"/admin/{model}/")
        assert listing.status_code == 200, model
        body = listing.content.decode()
        for field, text in world["text"].items():
            shown_safely(
                body,
                text,
                field,
                f"admin list of {model}",
                expected=field == ADMIN_LISTED.get(model),
            )
        change = admin.get(f"/admin/{model}/{objects[model].pk}/change/")
        assert change.status_code == 200, model
        body = change.content.decode()
        for field, text in world["text"].items():
            shown_safely(body, text, field, f"admin page of {model}", expected=field in fields)
