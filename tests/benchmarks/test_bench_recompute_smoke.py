"""The bulk recompute benchmark keeps working: ``--smoke`` seeds 5 teams (50 measures) and
recomputes them through real workers on Redis. It needs PostgreSQL and Redis, so it runs only
when DATABASE_URL and REDIS_URL are set; it uses its own database (qi_large_smoke) and Redis db
7, so it never touches the tests' ones."""

import re

from tests.benchmarks.smoke import run_smoke


def test_bench_recompute_smoke_prints_its_figures():
    out = run_smoke("bench_recompute.py", what="recompute", database="qi_large_smoke",
                    redis_db=7, timeout=240)
    assert re.search(r"^RESULT seed organisation=large-smoke measures=50 seconds=[\d.]+$",
                     out, re.M), out  # fmt: skip
    line = re.search(
        r"^RESULT recompute workers=2 chunks=(\d+) measures=50 dashboards=(\d+) "
        r"charts_s=(\S+) wall_s=(\S+) measures_per_s=\d+$",
        out,
        re.M,
    )
    assert line, out
    chunks, dashboards, charts_s, wall_s = line.groups()
    assert int(chunks) >= 2 and int(dashboards) == 1 + 5 + 5
    assert 0 < float(charts_s) <= float(wall_s)
    memory = re.search(
        r"^RESULT memory celery_main_peak_mb=(\d+) celery_pool_peak_mb=(\d+),(\d+)$", out, re.M
    )
    assert memory, out
    assert all(20 < int(mb) < 1000 for mb in memory.groups())  # a worker's size, in MB
    assert "# reproduce: python benchmarks/bench_recompute.py --smoke" in out
