import socket

from celery import shared_task

from metrics import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def answer_worker_check(check_id: int) -> bool:
    hostname = getattr(answer_worker_check.request, "hostname", None) or socket.gethostname()
    return services.worker_check_answer(check_id=check_id, hostname=hostname)
