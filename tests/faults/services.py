"""Real services for the fault tests, each started by the test as its own process: a
redis-server on a loopback port of this suite's range, a Celery worker, a gunicorn server.
Each is stopped by the test (by its own pid), never by name."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from tests.conftest import require_postgres, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
# Ports these tests may bind (their own range, so they never meet another suite's servers).
PORTS = range(18400, 18500)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def wait_for(predicate, seconds=30.0, step=0.05) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def test_database_url() -> str:
    """The URL of the test database pytest-django made, for processes started by the test."""
    from django.db import connection

    require_postgres("the fault tests")
    url = os.environ["DATABASE_URL"]  # settings come only from the environment
    return urlunparse(urlparse(url)._replace(path=f"/{connection.settings_dict['NAME']}"))


def stop(proc: subprocess.Popen | None, sig=signal.SIGTERM, timeout=15) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


class RedisServer:
    """A redis-server of the test's own, on a fixed port so it can be stopped and started
    again at the same address (no persistence: a restart starts empty, like a lost broker)."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if not self.binary:
            skip_or_fail("redis-server is not installed (Debian package: redis-server)")
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="qi-fault-redis-")
        self.proc: subprocess.Popen | None = None

    def url(self, db=0) -> str:
        return f"redis://{HOST}:{self.port}/{db}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.binary, "--port", str(self.port), "--bind", HOST, "--save", "",
                "--appendonly", "no", "--dir", self.dir, "--protected-mode", "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        if not wait_for(self.answers, 10):
            raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def answers(self) -> bool:
        try:
            with socket.create_connection((HOST, self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        stop(self.proc)
        self.proc = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def service_env(*, redis_url: str | None, **extra) -> dict:
    """The environment of a process started by a test: the test database, this Redis."""
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.update(
        DATABASE_URL=test_database_url(),
        DJANGO_SETTINGS_MODULE="qi_portal.settings",
        DEBUG="true",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def start_worker(env: dict, *, app="qi_portal", concurrency=1, log: Path) -> subprocess.Popen:
    """`celery worker` as its own process (prefork pool), on the charts and dashboards queues."""
    command = [
        str(Path(sys.executable).with_name("celery")), "-A", app, "worker",
        "-Q", "charts,dashboards", f"--concurrency={concurrency}", "--loglevel=INFO",
        f"--hostname=fault-{os.getpid()}-{time.monotonic_ns()}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    out = open(log, "ab")  # noqa: SIM115 - the worker writes to it until it stops
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def start_gunicorn(env: dict, *, port: int, log: Path, workers=1) -> subprocess.Popen:
    """The app served by gunicorn (sync workers), as in production; waits for /healthz."""
    import http.client

    command = [
        str(Path(sys.executable).with_name("gunicorn")), "qi_portal.wsgi",
        "--bind", f"{HOST}:{port}", "--workers", str(workers), "--log-level", "warning",
        "--access-logfile", "-", "--access-logformat", "%(m)s %(U)s %(s)s",
    ]  # fmt: skip
    out = open(log, "ab")  # noqa: SIM115 - gunicorn writes to it until it stops
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    def answers():
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        except OSError:
            return False

    if not wait_for(answers, 60, 0.2):
        stop(proc)
        raise RuntimeError("gunicorn did not answer /healthz:\n" + log.read_text()[-3000:])
    return proc
