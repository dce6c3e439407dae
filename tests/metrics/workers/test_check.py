"""The round trip an admin asks for: a view enqueues a task on commit and a worker answers."""

import time

import pytest
from django.urls import reverse

from metrics.models import WorkerCheck
from metrics.workers import checks as worker_checks


def test_the_view_enqueues_the_task_only_after_commit(
    client, org_world, django_capture_on_commit_callbacks
):
    client.force_login(org_world["users"]["admin"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("metrics:worker_check"))
    assert response.status_code == 302
    assert len(callbacks) == 1
    check = WorkerCheck.objects.get()
    assert check.answered_at is None, "nothing runs before the transaction commits"


def test_answering_is_idempotent(org_world):
    check = worker_checks.worker_check_request(user=org_world["users"]["admin"])
    assert worker_checks.worker_check_answer(check_id=check.pk, hostname="w1") is True
    first = WorkerCheck.objects.get(pk=check.pk)
    assert worker_checks.worker_check_answer(check_id=check.pk, hostname="w2") is False
    again = WorkerCheck.objects.get(pk=check.pk)
    assert (again.answered_at, again.answered_by) == (first.answered_at, "w1")


@pytest.mark.parametrize("role", ["member", "lead", "coach", "board"])
def test_only_admins_see_the_workers(client, org_world, role):
    client.force_login(org_world["users"][role])
    assert client.get(reverse("metrics:worker_status")).status_code == 403
    assert client.post(reverse("metrics:worker_check")).status_code == 403
    assert not WorkerCheck.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_answers_what_the_view_enqueued(client, celery_worker_on_redis, org_world):
    client.force_login(org_world["users"]["admin"])
    response = client.post(reverse("metrics:worker_check"))
    assert response.status_code == 302
    check = WorkerCheck.objects.get()

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        check.refresh_from_db()
        if check.answered_at is not None:
            break
        time.sleep(0.05)
    assert check.answered_at is not None, "the worker did not answer within 20 s"
    assert check.answered_by, "the worker names itself"
    page = client.get(reverse("metrics:worker_status")).content.decode()
    assert "Answered by" in page
