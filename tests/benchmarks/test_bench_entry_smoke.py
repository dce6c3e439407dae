"""The entry-to-chart benchmark keeps working: ``--smoke`` times 5 entries through a real worker
on Redis. It needs PostgreSQL and Redis, so it runs only when DATABASE_URL and REDIS_URL are set;
it uses its own database (qi_bench) and Redis db 2, so it never touches the tests' ones."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]


def test_bench_entry_smoke_prints_its_figures():
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if not (database_url and redis_url and database_url.startswith("postgres")):
        skip_or_fail("the entry benchmark needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    bench_db = urlunparse(urlparse(database_url)._replace(path="/qi_bench"))
    bench_redis = urlunparse(urlparse(redis_url)._replace(path="/2"))
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_entry_to_chart.py"),
            "--smoke",
            "--database-url",
            bench_db,
            "--redis-url",
            bench_redis,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = re.search(
        r"^RESULT entry_to_fresh_chart n=5 p50_ms=(\S+) p95_ms=(\S+) max_ms=(\S+) mean_ms=\S+$",
        proc.stdout,
        re.M,
    )
    assert line, proc.stdout
    p50, p95, largest = (float(x) for x in line.groups())
    assert 0 < p50 <= p95 <= largest
    assert "# reproduce: python benchmarks/bench_entry_to_chart.py --smoke" in proc.stdout
