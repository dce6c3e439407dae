"""The bulk recompute benchmark keeps working: ``--smoke`` seeds 5 teams (50 measures) and
recomputes them through real workers on Redis. It needs PostgreSQL and Redis, so it runs only
when DATABASE_URL and REDIS_URL are set; it uses its own database (qi_large_smoke) and Redis db
7, so it never touches the tests' ones."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]


def test_bench_recompute_smoke_prints_its_figures():
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if not (database_url and redis_url and database_url.startswith("postgres")):
        skip_or_fail("the recompute benchmark needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    bench_db = urlunparse(urlparse(database_url)._replace(path="/qi_large_smoke"))
    bench_redis = urlunparse(urlparse(redis_url)._replace(path="/7"))
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_recompute.py"),
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
    assert re.search(r"^RESULT seed organisation=large-smoke measures=50 seconds=[\d.]+$",
                     proc.stdout, re.M), proc.stdout  # fmt: skip
    line = re.search(
        r"^RESULT recompute workers=2 chunks=(\d+) measures=50 dashboards=(\d+) "
        r"charts_s=(\S+) wall_s=(\S+) measures_per_s=\d+$",
        proc.stdout,
        re.M,
    )
    assert line, proc.stdout
    chunks, dashboards, charts_s, wall_s = line.groups()
    assert int(chunks) >= 2 and int(dashboards) == 1 + 5 + 5
    assert 0 < float(charts_s) <= float(wall_s)
    assert "# reproduce: python benchmarks/bench_recompute.py --smoke" in proc.stdout
