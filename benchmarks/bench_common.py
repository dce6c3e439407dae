"""Helpers the benchmark scripts share: their own database, percentiles, peak memory."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse, urlunparse


def ensure_database(url: str, *, fresh: bool = False) -> None:
    """CREATE DATABASE if it does not exist (connecting to the server's `postgres` database);
    with `fresh`, drop it first."""
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(urlunparse(parts._replace(path="/postgres")))
    conn.autocommit = True
    with conn.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def percentile(values, q):
    """Linear interpolation between the closest ranks (NaN for no values)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def children(pid: int) -> list[int]:
    """The process's child processes (e.g. a Celery worker's pool, gunicorn's workers)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def vm_hwm_mb(pid: int) -> float:
    """Peak resident memory of a process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
