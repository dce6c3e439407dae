"""The API takes rare-event measures (issue 17): a G chart is defined daily, then fed the
opportunities between its events, one row per event."""

import datetime as dt

from django.urls import reverse

DAYS = [dt.date(2026, 3, d) for d in (2, 5, 6, 12, 20, 21, 30)]


def test_the_api_refuses_a_weekly_g_chart_and_takes_its_events(writer, org_world):
    body = {"name": "Admissions between seclusions", "team": org_world["own"].pk,
            "chart_type": "g", "frequency": "week", "improvement": "increase",
            "definition": "Each seclusion, with the admissions since the one before."}  # fmt: skip
    response = writer.post(reverse("api:measures"), body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["problems"][0]["field"] == "frequency"
    response = writer.post(reverse("api:measures"), {**body, "frequency": "day"}, format="json")
    assert response.status_code == 201, response.json()
    rows = [{"measure": response.json()["id"], "period": d.isoformat(), "value": v}
            for d, v in zip(DAYS, [4, 0, 12, 7, 3, 9, 15], strict=True)]  # fmt: skip
    saved = writer.post(reverse("api:data_points"), {"rows": rows}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["counts"]["created"] == 7
