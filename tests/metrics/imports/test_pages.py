"""Pasting or uploading a table: a preview of every row and its problems before anything is
saved; a confirm step that saves exactly the previewed text, all rows or none; large imports
saved by a worker with their progress recorded."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from metrics.imports import jobs as import_jobs
from metrics.models import DataPoint, ImportJob
from metrics.tasks import import_data

GOOD_CSV = 'period,value,note\n06/01/2025,34,first\n2025-01-13,"1,031.5",\n20/01/2025,33,\n'
GOOD_TSV = "06/01/2025\t34\n13/01/2025\t31\n"


@pytest.fixture
def weekly(measure_factory):
    return measure_factory(name="Mean length of stay", unit="days")


@pytest.fixture
def proportion(measure_factory):
    return measure_factory(name="DNA rate", chart_type="p", unit="%", frequency="week")


@pytest.fixture
def member(client, org_world):
    client.force_login(org_world["users"]["member"])
    return org_world["users"]["member"]


def paste(client, measure, text, **extra):
    return client.post(reverse("metrics:import", args=[measure.pk]), {"text": text, **extra})


def preview_html(client, measure, text):
    response = paste(client, measure, text)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"]).content.decode()


def confirm(client, measure, job, follow=False, **data):
    url = reverse("metrics:import_confirm", args=[measure.pk, job.pk])
    return client.post(url, data, follow=follow)


def test_a_csv_paste_is_previewed_row_by_row_and_nothing_is_saved_yet(client, member, weekly):
    html = preview_html(client, weekly, GOOD_CSV)
    assert "3 rows read from pasted text (the first line was taken as a header)" in html
    assert "06/01/2025" in html and "1031.5" in html and "first" in html
    assert html.count(">OK<") == 3
    assert "Save 3 rows" in html
    assert not DataPoint.objects.exists()
    assert ImportJob.objects.get().status == "preview"


def test_confirming_saves_every_row_and_returns_to_the_measure(client, member, weekly):
    preview_html(client, weekly, GOOD_TSV)
    job = ImportJob.objects.get()
    response = confirm(client, weekly, job)
    assert response["Location"] == reverse("metrics:measure", args=[weekly.pk])
    stored = dict(DataPoint.objects.values_list("period", "value"))
    assert stored == {dt.date(2025, 1, 6): 34, dt.date(2025, 1, 13): 31}
    job.refresh_from_db()
    assert (job.status, job.counts, job.progress) == (
        "done",
        {"created": 2, "corrected": 0, "unchanged": 0},
        100,
    )


def test_an_uploaded_csv_file_is_read(client, member, weekly):
    upload = SimpleUploadedFile("los.csv", ("\ufeff" + GOOD_CSV).encode(), "text/csv")
    response = client.post(reverse("metrics:import", args=[weekly.pk]), {"file": upload})
    html = client.get(response["Location"]).content.decode()
    assert "3 rows read from los.csv" in html


BAD_ROWS = [
    ("weekly", "31/02/2025,3", "“31/02/2025” is not a date"),
    ("weekly", "06/01/2025,3l", "The value “3l” is not a number."),
    ("weekly", "08/01/2025,3", "is a Wednesday: weekly measures are recorded by the week"),
    ("weekly", "05/01/2099,3", "is in the future"),
    ("weekly", "06/01/2025,3\n06/01/2025,4", "is given twice (also on line 1)"),
    ("weekly", "06/01/2025,", "The value is missing."),
    ("proportion", "06/01/2025,12,10", "is above the denominator"),
    ("proportion", "06/01/2025,0,0", "The denominator is zero"),
    ("proportion", "06/01/2025,-1,10", "The numerator cannot be negative."),
]


@pytest.mark.parametrize(("which", "text", "expected"), BAD_ROWS)
def test_each_kind_of_bad_row_is_explained_and_nothing_can_be_saved(
    client, member, request, which, text, expected
):
    measure = request.getfixturevalue(which)
    html = preview_html(client, measure, text)
    assert expected in html
    assert "Nothing can be saved until" in html
    assert "Save " not in html, "no confirm button while a row has a problem"
    job = ImportJob.objects.get()
    response = confirm(client, measure, job)
    assert response.status_code == 302
    assert not DataPoint.objects.exists(), "all rows or none"
    job.refresh_from_db()
    assert job.status == "preview"


def test_the_preview_lists_every_row_with_all_its_problems(client, member, proportion):
    html = preview_html(
        client,
        proportion,
        "date,numerator,denominator\n"
        "06/01/2025,3,40\n"
        "not a date,x,40\n"
        "13/01/2025,50,40\n"
        "13/01/2025,2,0\n",
    )
    for line in ("<td>2</td>", "<td>3</td>", "<td>4</td>", "<td>5</td>"):
        assert line in html
    assert "“not a date” is not a date" in html
    assert "The numerator “x” is not a number." in html
    assert "The numerator (50) is above the denominator (40)" in html
    assert "The denominator is zero" in html
    assert "13/01/2025 is given twice (also on line 4)" in html
    assert "3 rows have problems" in html


def test_a_preview_with_problems_links_back_to_the_same_text(client, member, weekly):
    text = "06/01/2025,34\n06/01/2025,oops\n"
    preview_html(client, weekly, text)
    job = ImportJob.objects.get()
    html = client.get(reverse("metrics:import", args=[weekly.pk]) + f"?job={job.pk}")
    assert "06/01/2025,oops" in html.content.decode(), "the pasted text is never lost"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "Paste some rows or choose a file"),
        ("period,value\n", "There is only a header row"),
        ("06/01/2025,1\n" * 5001, "at most 5,000 can be imported at once"),
    ],
)
def test_a_table_that_cannot_be_read_keeps_the_text_in_the_form(
    client, member, weekly, text, expected
):
    response = paste(client, weekly, text)
    html = response.content.decode()
    assert response.status_code == 200
    assert expected in html
    assert text[:20] in html
    assert not ImportJob.objects.exists()


def test_confirm_saves_what_was_previewed_never_what_the_browser_sends(client, member, weekly):
    preview_html(client, weekly, GOOD_TSV)
    job = ImportJob.objects.get()
    confirm(client, weekly, job, text="06/01/2025\t999\n", value="999")
    assert sorted(DataPoint.objects.values_list("value", flat=True)) == [31, 34]


def test_confirming_twice_saves_once(client, member, weekly):
    preview_html(client, weekly, GOOD_TSV)
    job = ImportJob.objects.get()
    confirm(client, weekly, job)
    confirm(client, weekly, job)
    assert DataPoint.objects.count() == 2
    job.refresh_from_db()
    assert job.counts["created"] == 2


def test_rows_that_became_invalid_after_the_preview_save_nothing(client, member, weekly):
    preview_html(client, weekly, GOOD_TSV)
    job = ImportJob.objects.get()
    weekly.frequency = "month"  # the lead changed the measure meanwhile
    weekly.save(update_fields=["frequency"])
    response = confirm(client, weekly, job, follow=True)
    assert "Some rows have problems" in response.content.decode()
    assert not DataPoint.objects.exists()


def test_another_users_import_is_not_found(client, member, weekly, org_world):
    job = import_jobs.import_job_create(
        measure=weekly, user=org_world["users"]["lead"], text=GOOD_TSV, source="pasted text"
    )
    assert client.get(reverse("metrics:import_job", args=[weekly.pk, job.pk])).status_code == 404
    assert confirm(client, weekly, job).status_code == 404
    assert not DataPoint.objects.exists()


# Large imports: a worker saves them and records its progress.


def daily_rows(n):
    start = dt.date(2024, 1, 1)
    return "".join(f"{start + dt.timedelta(days=i):%d/%m/%Y}\t{20 + i % 7}\n" for i in range(n))


@pytest.fixture
def daily(measure_factory):
    return measure_factory(name="Observations on time", frequency="day")


def test_a_large_import_is_queued_for_a_worker_after_commit(
    client, member, daily, django_capture_on_commit_callbacks
):
    preview_html(client, daily, daily_rows(600))
    job = ImportJob.objects.get()
    assert job.rows_total == 600
    with django_capture_on_commit_callbacks() as callbacks:
        response = confirm(client, daily, job)
    assert response["Location"] == reverse("metrics:import_job", args=[daily.pk, job.pk])
    job.refresh_from_db()
    assert job.status == "queued"
    assert not DataPoint.objects.exists()
    assert len(callbacks) == 1

    html = client.get(response["Location"]).content.decode()
    assert 'role="progressbar"' in html and 'hx-trigger="every 1s"' in html

    assert import_data(job.pk) == "done"  # what the worker runs
    job.refresh_from_db()
    assert (job.status, job.progress, job.counts["created"]) == ("done", 100, 600)
    assert job.started_at and job.finished_at
    assert DataPoint.objects.filter(measure=daily).count() == 600

    partial = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and "Imported: 600 new" in partial
    assert "hx-trigger" not in partial, "polling stops when the import is done"


def test_the_import_task_is_idempotent(member, daily):
    job = import_jobs.import_job_create(
        measure=daily, user=member, text=daily_rows(600), source="a.csv"
    )
    ImportJob.objects.filter(pk=job.pk).update(status="queued")
    assert import_data(job.pk) == "done"
    assert import_data(job.pk) == "nothing to do (done)"
    assert import_data(999_999) == "gone"
    assert DataPoint.objects.count() == 600


def test_an_import_that_fails_in_the_worker_saves_nothing_and_says_why(member, daily):
    job = import_jobs.import_job_create(
        measure=daily, user=member, text=daily_rows(600) + "01/01/2099\t3\n", source="a.csv"
    )
    ImportJob.objects.filter(pk=job.pk).update(status="queued")
    assert import_data(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed"
    assert "1 row has a problem now" in job.error and "Nothing was saved" in job.error
    assert not DataPoint.objects.exists()


def test_with_tasks_in_process_a_large_import_is_done_by_the_time_the_page_loads(
    client, member, daily, eager_tasks, django_capture_on_commit_callbacks
):
    preview_html(client, daily, daily_rows(600))
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, daily, job)
    html = client.get(response["Location"]).content.decode()
    assert "Imported: 600 new" in html
    assert f'href="{reverse("metrics:measure", args=[daily.pk])}"' in html
    assert DataPoint.objects.filter(measure=daily).count() == 600


def test_an_unreadable_number_is_one_problem_not_two(client, member, weekly):
    html = preview_html(client, weekly, "06/01/2025,3l\n")
    assert "The value “3l” is not a number." in html
    assert "The value is missing." not in html
