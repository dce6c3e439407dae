"""PostgreSQL drops the web process's connection (a failover, an idle-connection killer, a
restart): with persistent connections (CONN_MAX_AGE > 0) the next request must still succeed.
Django checks a reused connection at the start of each request (CONN_HEALTH_CHECKS) and opens a
new one when the old one is dead. The web process is a real gunicorn started by the test."""

import http.client
import os

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import require_postgres
from tests.faults.services import HOST, free_port, service_env, start_gunicorn, stop, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def web_backends(application_name: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE application_name = %s AND datname = current_database()",
            [application_name],
        )
        return [row[0] for row in cursor.fetchall()]


def get(port: int, path: str, cookie: str) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_the_next_request_after_postgres_drops_the_connection_succeeds(org_world, tmp_path):
    from django.conf import settings

    require_postgres("dropping the database connection")  # SQLite keeps no connection to drop
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    # A logged-in page that reads the database: the member's team page.
    client = Client()
    client.force_login(org_world["users"]["member"])
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    path = f"/teams/{org_world['own'].pk}/"

    name = f"qi-fault-web-{os.getpid()}"
    env = service_env(redis_url=None, PGAPPNAME=name, DB_CONN_MAX_AGE="600")
    port, log = free_port(), tmp_path / "gunicorn.log"
    server = start_gunicorn(env, port=port, log=log, workers=1)
    try:
        assert get(port, path, cookie) == 200
        [first] = web_backends(name)  # one worker, one persistent connection
        assert get(port, path, cookie) == 200
        assert web_backends(name) == [first], "the connection is kept between requests"

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [first])
            assert cursor.fetchone()[0] is True
        assert wait_for(lambda: first not in web_backends(name), 10)

        assert get(port, path, cookie) == 200, log.read_text()[-3000:]
        [second] = web_backends(name)
        assert second != first, "a new connection replaced the dropped one"
        assert get(port, path, cookie) == 200
        assert web_backends(name) == [second]
    finally:
        stop(server)
    assert "Traceback" not in log.read_text()
