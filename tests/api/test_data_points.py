"""POST /api/data-points/: a batch for many measures, checked whole, saved all or nothing, the
same batch twice changing nothing, corrections kept, one recompute per measure (issue 14)."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from metrics.models import DataPoint, DataPointRevision, Measure
from teams.models import AuditEvent

URL = "/api/data-points/"


def rows_for(measure, periods, start=30):
    return [
        {"measure": measure.pk, "period": p.isoformat(), "value": start + i % 7}
        for i, p in enumerate(periods)
    ]


def snapshot_of(measure):
    return {
        "points": set(DataPoint.objects.filter(measure=measure).values_list("period", "value")),
        "revisions": DataPointRevision.objects.filter(point__measure=measure).count(),
        "version": Measure.objects.get(pk=measure.pk).data_version,
        "events": AuditEvent.objects.count(),
    }


def test_the_url_is_the_one_the_docs_name():
    assert reverse("api:data_points") == URL


def test_a_batch_saves_every_row_and_says_what_it_did(writer, measures, mondays):
    rows = rows_for(measures["own"], mondays(10))
    rows += [
        {"external_id": "DNA-WILLOW", "period": "2025-03-01", "numerator": 12, "denominator": 80},
        {"external_id": "DNA-WILLOW", "period": "2025-04-01", "numerator": 9, "denominator": 75,
         "note": "New reminder texts"},
    ]  # fmt: skip
    response = writer.post(URL, {"rows": rows}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "rows": 12,
        "measures": 2,
        "counts": {"created": 12, "corrected": 0, "unchanged": 0},
    }
    assert DataPoint.objects.filter(measure=measures["own"]).count() == 10
    april = DataPoint.objects.get(measure=measures["own_rate"], period=dt.date(2025, 4, 1))
    assert (april.numerator, april.denominator, april.note) == (9, 75, "New reminder texts")
    assert april.entered_by == writer.token.user
    # The trail names the person and the token.
    event = AuditEvent.objects.filter(object_type="data point").latest("pk")
    assert event.actor == writer.token.user and "API token “Warehouse”" in event.summary


def test_the_same_batch_twice_changes_nothing_the_second_time(writer, measures, mondays):
    rows = rows_for(measures["own"], mondays(8))
    assert writer.post(URL, {"rows": rows}, format="json").status_code == 200
    before = snapshot_of(measures["own"])
    again = writer.post(URL, {"rows": rows}, format="json")
    assert again.json()["counts"] == {"created": 0, "corrected": 0, "unchanged": 8}
    assert snapshot_of(measures["own"]) == before


def test_a_corrected_value_keeps_its_history_like_the_grid(writer, measures, mondays):
    rows = rows_for(measures["own"], mondays(3))
    writer.post(URL, {"rows": rows}, format="json")
    rows[1]["value"] = 99
    response = writer.post(URL, {"rows": rows}, format="json")
    assert response.json()["counts"] == {"created": 0, "corrected": 1, "unchanged": 2}
    revision = DataPointRevision.objects.get(point__measure=measures["own"])
    assert (revision.old_value, revision.new_value) == (31, 99)


def test_periods_move_to_the_start_of_the_measures_period(writer, measures):
    wednesday = dt.date(2025, 5, 7)
    rows = [
        {"measure": measures["own"].pk, "period": wednesday.isoformat(), "value": 33},
        {"measure": measures["own_rate"].pk, "period": "2025-05-19", "numerator": 1,
         "denominator": 10},
    ]  # fmt: skip
    assert writer.post(URL, {"rows": rows}, format="json").status_code == 200
    assert DataPoint.objects.get(measure=measures["own"]).period == dt.date(2025, 5, 5)
    assert DataPoint.objects.get(measure=measures["own_rate"]).period == dt.date(2025, 5, 1)


def test_every_problem_of_every_row_is_reported_and_nothing_is_saved(writer, measures, mondays):
    good = rows_for(measures["own"], mondays(3))
    bad = [
        {"measure": measures["own"].pk, "period": "31/03/2025", "value": 1},
        {"measure": measures["own"].pk, "period": "2025-03-03", "value": "twelve"},
        {"external_id": "NO-SUCH", "period": "2025-03-03", "value": 1},
        {"measure": measures["own_rate"].pk, "period": "2025-03-01", "numerator": 90,
         "denominator": 80},
        {"measure": measures["own"].pk, "period": "2099-01-05", "value": 1},
        {"measure": measures["foreign"].pk, "period": "2025-03-03", "value": 1},
        "not an object",
        {"measure": measures["own"].pk, "value": 1, "colour": "red"},
        {"measure": measures["own"].pk, "period": good[0]["period"], "value": 5},
    ]  # fmt: skip
    response = writer.post(URL, {"rows": good + bad}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "nothing was saved" in error["message"]
    where = {(p["row"], p["field"]) for p in error["problems"]}
    assert {
        (3, "period"), (4, "value"), (5, "external_id"), (6, "numerator"), (7, "period"),
        (8, "measure"), (9, ""), (10, "colour"), (10, "period"), (11, "period"),
    } <= where  # fmt: skip
    foreign = next(p for p in error["problems"] if p["row"] == 8)
    assert "No measure" in foreign["message"] and "Foreign" not in foreign["message"]
    twice = next(p for p in error["problems"] if p["row"] == 11)
    assert "twice" in twice["message"] and "row 0" in twice["message"]
    assert not DataPoint.objects.exists()


def test_a_batch_with_rows_out_of_the_tokens_scope_is_refused_whole(writer, measures, mondays):
    rows = rows_for(measures["own"], mondays(2)) + rows_for(measures["other"], mondays(1))
    rows += rows_for(measures["trust"], mondays(1))
    response = writer.post(URL, {"rows": rows}, format="json")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "out_of_scope"
    assert sorted(p["row"] for p in error["problems"]) == [2, 3]
    assert not DataPoint.objects.exists()


def test_a_read_only_token_writes_nothing(reader, measures, mondays):
    response = reader.post(URL, {"rows": rows_for(measures["own"], mondays(1))}, format="json")
    assert response.status_code == 403 and "read-only" in response.json()["error"]["message"]
    assert not DataPoint.objects.exists()


def test_an_admins_trust_wide_token_writes_trust_wide_measures(make_token, api, measures, mondays):
    _, key = make_token("admin", name="Board data", write=True, trust_wide=True)
    response = api(key).post(URL, {"rows": rows_for(measures["trust"], mondays(2))}, format="json")
    assert response.status_code == 200
    assert DataPoint.objects.filter(measure=measures["trust"]).count() == 2


def test_a_token_writes_no_more_than_its_maker_still_may(writer, measures, mondays, org_world):
    org_world["own"].memberships.filter(user=writer.token.user).delete()
    response = writer.post(URL, {"rows": rows_for(measures["own"], mondays(1))}, format="json")
    assert response.status_code == 403
    assert not DataPoint.objects.exists()


def test_too_many_rows_is_413_and_nothing_is_read(writer, measures, settings):
    settings.API_MAX_BATCH_ROWS = 5
    rows = [{"measure": measures["own"].pk, "period": "2025-01-06", "value": 1}] * 6
    response = writer.post(URL, {"rows": rows}, format="json")
    assert response.status_code == 413
    assert "at most 5 rows" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", b'{"rows": {}}', b'{"rows": null}', b"{}", b'{"rows": 1e999}']
)
def test_a_malformed_body_is_a_400_in_the_error_shape(writer, body):
    response = writer.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400


def test_one_recompute_per_measure_per_batch(writer, measures, mondays, monkeypatch,
                                             django_capture_on_commit_callbacks):  # fmt: skip
    from metrics import background

    sent = []
    monkeypatch.setattr(background, "enqueue_on_commit", lambda task, *a, **k: sent.append(
        (task.name.rsplit(".", 1)[-1], a)))  # fmt: skip
    rows = rows_for(measures["own"], mondays(30)) + [
        {"measure": measures["own_rate"].pk, "period": f"2025-0{m}-01", "numerator": m,
         "denominator": 50} for m in range(1, 7)
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert writer.post(URL, {"rows": rows}, format="json").status_code == 200
    charts = sorted(args[0] for name, args in sent if name == "recompute_measure")
    assert charts == sorted([measures["own"].pk, measures["own_rate"].pk])


def test_a_token_over_its_rate_is_429_with_retry_after(writer, measures, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {"token": "3/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    api_settings.reload()
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        from django.core.cache import cache

        cache.delete(f"throttle_token_{writer.token.pk}")
        codes = [writer.get(reverse("api:measures")).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        last = writer.get(reverse("api:measures"))
        assert last.json()["error"]["status"] == 429 and int(last["Retry-After"]) > 0
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
        api_settings.reload()


@pytest.mark.parametrize("text", ["nul\x00inside", "lone \ud800 surrogate"])
def test_text_the_database_cannot_hold_is_a_problem_not_a_server_error(writer, measures, text):
    rows = [
        {"external_id": text, "period": "2025-01-06", "value": 1},
        {"measure": measures["own"].pk, "period": "2025-01-06", "value": 1, "note": text},
    ]
    body = json.dumps({"rows": rows})  # ASCII escapes: the JSON itself is valid
    response = writer.post(URL, body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    problems = response.json()["error"]["problems"]
    assert [(p["row"], p["field"]) for p in problems] == [(0, "external_id"), (1, "note")]
    assert not DataPoint.objects.exists()


def test_a_batch_of_many_measures_goes_to_the_bulk_recompute_in_chunks(
    writer, measure_factory, mondays, monkeypatch, django_capture_on_commit_callbacks
):
    from metrics import background
    from metrics.charts import recompute
    from metrics.models import ChartSnapshot

    monkeypatch.setattr(recompute, "CHUNK_SIZE", 5)
    many = [measure_factory(name=f"Ward measure {i}", chart_type="xmr") for i in range(12)]
    rows = [row for m in many for row in rows_for(m, mondays(15))]
    sent = []
    real = background.enqueue_on_commit
    eager = background.app.conf.task_always_eager  # else no worker here: leave Redis alone

    def enqueue(task, *a, **k):
        sent.append((task.name.rsplit(".", 1)[-1], a))
        if eager:
            real(task, *a, **k)

    monkeypatch.setattr(background, "enqueue_on_commit", enqueue)
    with django_capture_on_commit_callbacks(execute=True):
        assert writer.post(URL, {"rows": rows}, format="json").status_code == 200
    chunks = [args[0] for name, args in sent if name == "recompute_chunk"]
    assert [len(c) for c in chunks] == [5, 5, 2]
    assert sorted(i for c in chunks for i in c) == sorted(m.pk for m in many)
    assert not [name for name, _ in sent if name == "recompute_measure"]
    if not eager:
        return  # with a broker, a worker computes them (tests/faults, benchmarks/bench_api.py)
    for measure in many:  # in-process, the chunks ran after commit: every chart is fresh
        snapshot = ChartSnapshot.objects.get(measure=measure)
        assert snapshot.status == "fresh" and len(snapshot.result["points"]) == 15


def test_notes_and_figures_come_back_exactly_as_sent(writer, measures, mondays):
    """On PostgreSQL new points go in by COPY's text format: a note's tabs, line breaks and
    backslashes (even a literal \\N) and every float's last digit must survive it."""
    notes = ["tab\there", "two\nlines\r\nthree", "back\\slash and \\N", "naïve – ✓ 🙂", ""]
    values = [0.1 + 0.2, 1e-300, -0.0, 1.7976931348623157e308, 123456789.123456789]
    periods = mondays(len(notes))
    rows = [
        {"measure": measures["own"].pk, "period": p.isoformat(), "value": v, "note": n}
        for p, v, n in zip(periods, values, notes, strict=True)
    ]
    rows.append(
        {"external_id": "DNA-WILLOW", "period": "2025-03-01", "numerator": 0.5, "denominator": 3}
    )
    assert writer.post(URL, {"rows": rows}, format="json").status_code == 200
    stored = DataPoint.objects.filter(measure=measures["own"]).order_by("period")
    assert [(p.period, p.value, p.note, p.numerator) for p in stored] == [
        (p, v, n, None) for p, v, n in zip(periods, values, notes, strict=True)
    ]
    assert all(p.entered_by == writer.token.user and p.entered_at for p in stored)
    rate = DataPoint.objects.get(measure=measures["own_rate"])
    assert (rate.value, rate.numerator, rate.denominator) == (None, 0.5, 3.0)
    # Sent again: all unchanged (what COPY stored equals what the batch holds).
    again = writer.post(URL, {"rows": rows}, format="json").json()
    assert again["counts"] == {"created": 0, "corrected": 0, "unchanged": 6}
