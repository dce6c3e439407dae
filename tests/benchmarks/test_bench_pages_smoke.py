"""The page benchmark keeps working: ``--smoke`` serves the demo trust with gunicorn, signs in
through the login form, loads every page for half a second with the Python client, counts each
page's SQL queries and reads peak memory of a web and a Celery worker. It needs PostgreSQL and
Redis, so it runs only when DATABASE_URL and REDIS_URL are set; it uses its own database
(qi_pages_smoke) and Redis db 12, never the tests' ones."""

import re

from tests.benchmarks.smoke import run_smoke

PAGES = ("ceiling", "board", "directorate", "coach", "team", "project", "measure")


def test_bench_pages_smoke_prints_its_figures():
    out = run_smoke("bench_pages.py", what="page", database="qi_pages_smoke", redis_db=12,
                    timeout=300, extra=("--port", "8766"))
    for page in PAGES:
        line = re.search(
            rf"^RESULT page={page} p50_ms=(\S+) p95_ms=(\S+) server_p50_ms=(\S+) "
            rf"server_p95_ms=(\S+) rps=(\S+) ratio=(\S+) n=(\d+) errors=0$",
            out,
            re.M,
        )
        assert line, f"no figure line for {page}:\n{out}"
        p50, p95, s50, s95, rps, ratio, n = (float(x) for x in line.groups())
        assert 0 < p50 <= p95 and 0 < s50 <= s95 and rps > 0 and n > 0
        assert re.search(rf"^QUERIES {page} n=[1-9]\d*$", out, re.M), out
    assert re.search(r"^RESULT memory web_workers_peak_mb=\d+", out, re.M), out
    assert re.search(
        r"^RESULT memory celery_pool_peak_mb=\d+.* recompute_measures=[1-9]", out, re.M
    ), out
    assert "# reproduce: python benchmarks/bench_pages.py --smoke" in out
