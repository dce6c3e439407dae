"""Reading measures and charts: any usable token of the organisation; never another's."""

import pytest
from django.urls import reverse

from metrics.charts.recompute import chart_snapshot_compute
from metrics.entry.services import Row, confirmation_key, data_points_save


def test_no_token_or_a_bad_one_is_401_in_the_error_shape(api, measures):
    for client in (api(), api("qi_" + "x" * 43)):
        response = client.get(reverse("api:measures"))
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        error = response.json()["error"]
        assert error["status"] == 401 and error["message"] and error["problems"] == []
    wrong = api()
    wrong.credentials(HTTP_AUTHORIZATION="Bearer two words")
    assert wrong.get(reverse("api:measures")).status_code == 401


def test_a_token_lists_its_organisations_measures_a_page_at_a_time(reader, measures, settings):
    body = reader.get(reverse("api:measures")).json()
    names = [m["name"] for m in body["results"]]
    assert sorted(names) == sorted(m.name for key, m in measures.items() if key != "foreign"), (
        "never another organisation's"
    )
    own = next(m for m in body["results"] if m["name"] == "Length of stay")
    assert own["external_id"] == "LOS-WILLOW" and own["team_name"] == "Willow Ward"
    assert body["count"] == 4 and body["next"] is None

    page = reader.get(reverse("api:measures"), {"page_size": 1}).json()
    assert page["count"] == 4 and len(page["results"]) == 1 and "page=2" in page["next"]


def test_measures_filter_by_team_and_external_id(reader, measures, org_world):
    by_team = reader.get(reverse("api:measures"), {"team": org_world["other"].pk}).json()
    assert [m["name"] for m in by_team["results"]] == ["Cedar incidents"]
    by_key = reader.get(reverse("api:measures"), {"external_id": "LOS-WILLOW"}).json()
    assert [m["id"] for m in by_key["results"]] == [measures["own"].pk]
    for bad in ("x", "0", str(2**70)):
        response = reader.get(reverse("api:measures"), {"team": bad})
        assert response.status_code == 400
        assert response.json()["error"]["problems"][0]["field"] == "team"


def test_another_organisations_measure_is_404(reader, measures):
    response = reader.get(reverse("api:measure", args=[measures["foreign"].pk]))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "Foreign" not in response.content.decode()
    for name in ("api:measure", "api:chart"):
        assert reader.get(reverse(name, args=[measures["foreign"].pk])).status_code == 404
    assert reader.get(reverse("api:measure", args=[measures["own"].pk])).status_code == 200


def test_the_chart_is_the_engines_result_with_an_etag(reader, measures, org_world, mondays):
    measure = measures["own"]
    rows = [Row(period=p, value=30 + i % 5) for i, p in enumerate(mondays(20))]
    data_points_save(measure=measure, rows=rows, user=org_world["users"]["lead"])
    chart_snapshot_compute(measure_id=measure.pk)
    url = reverse("api:chart", args=[measure.pk])
    response = reader.get(url)
    body = response.json()
    assert response.status_code == 200 and body["status"] == "fresh"
    assert len(body["periods"]) == 20 == len(body["result"]["points"])
    assert body["result"]["chart"] == "xmr"
    etag = response["ETag"]

    again = reader.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content

    row = Row(period=mondays(21)[0], value=99)  # far outside: "is this right?" answered yes
    data_points_save(measure=measure, rows=[row], user=org_world["users"]["lead"],
                     confirmed={confirmation_key(measure, row)})  # fmt: skip
    changed = reader.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["status"] == "stale"
    assert changed["ETag"] != etag


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_read_only_token_changes_no_measure(reader, measures, method):
    response = getattr(reader, method)(reverse("api:measure", args=[measures["own"].pk]))
    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403
    assert "read-only" in response.json()["error"]["message"]


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_measure_is_changed_by_patch_only(writer, measures, method):
    response = getattr(writer, method)(reverse("api:measure", args=[measures["own"].pk]))
    assert response.status_code == 405
    assert response.json()["error"]["status"] == 405


@pytest.mark.parametrize("bad", ["0", "-1", "x", "1001", ""])
def test_a_page_size_out_of_range_is_a_400(reader, measures, bad):
    response = reader.get(reverse("api:measures"), {"page_size": bad})
    assert response.status_code == 400
    assert response.json()["error"]["problems"] == [
        {"field": "page_size", "message": "A whole number from 1 to 1000, given once."}
    ]


def test_an_id_beyond_any_row_is_404_not_an_error(reader, measures):
    for name in ("api:measure", "api:chart"):
        assert reader.get(reverse(name, args=[2**70])).status_code == 404


def test_any_other_api_address_is_a_json_404(reader):
    response = reader.get("/api/nowhere/at/all/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_an_empty_external_id_lists_the_measures_without_one(reader, measures, measure_factory):
    measure_factory(name="No key yet")
    response = reader.get(reverse("api:measures"), {"external_id": ""})
    assert [m["name"] for m in response.json()["results"]] == ["No key yet"]
    assert reader.get("/api/measures/%0Ac2/").json()["error"]["code"] == "not_found"


def test_an_unknown_parameter_is_a_400_not_every_measure(reader, measures):
    response = reader.get(reverse("api:measures"), {"externalid": "LOS-WILLOW"})
    assert response.status_code == 400
    problem = response.json()["error"]["problems"][0]
    assert problem["field"] == "externalid" and "external_id" in problem["message"]
    assert reader.get(reverse("api:measures"), {"page": 1, "page_size": 2}).status_code == 200
