"""Running a benchmark script's ``--smoke`` mode against its own PostgreSQL database and Redis
db (never the tests' ones: a worker on the tests' db would take their tasks, and they its)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from tests.conftest import require_postgres, require_redis

ROOT = Path(__file__).resolve().parents[2]


def run_smoke(script: str, *, what: str, database: str, redis_db: int, timeout: int,
              extra: tuple[str, ...] = ()) -> str:
    """Run benchmarks/<script> --smoke; its standard output once it has exited 0."""
    require_postgres(f"the {what} benchmark")
    require_redis(f"the {what} benchmark")
    # Settings come only from the environment, so these are the URLs the settings use.
    database_url, redis_url = os.environ["DATABASE_URL"], os.environ["REDIS_URL"]
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / script),
            "--smoke",
            "--database-url",
            urlunparse(urlparse(database_url)._replace(path=f"/{database}")),
            "--redis-url",
            urlunparse(urlparse(redis_url)._replace(path=f"/{redis_db}")),
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout
