"""The API benchmark keeps working: ``--smoke`` pushes a 3-team trust (3,000 points) through
gunicorn and a real worker on Redis. It needs PostgreSQL and Redis, so it runs only when the
settings use them; its own database (qi_bench_api_smoke) and Redis db 4 keep it apart."""

import re

from tests.benchmarks.smoke import run_smoke


def test_bench_api_smoke_prints_its_figures():
    out = run_smoke("bench_api.py", what="API", database="qi_bench_api_smoke", redis_db=4,
                    timeout=300)  # fmt: skip
    push = re.search(r"^RESULT api_push points=3000 batches=1 .* points_per_s=(\d+)$", out, re.M)
    assert push and int(push.group(1)) > 0, out
    fresh = re.search(r"^RESULT charts_fresh charts=30 after_first_request_s=(\S+) ", out, re.M)
    assert fresh and float(fresh.group(1)) > 0, out
    probe = re.search(r"^RESULT single_measure_batch_to_fresh n=3 p50_ms=(\S+) p95_ms=(\S+) ",
                      out, re.M)  # fmt: skip
    assert probe and 0 < float(probe.group(1)) <= float(probe.group(2)), out
    assert re.search(r"^RESULT memory web_workers_mb=\d+ celery_main_mb=\d+ celery_pool_mb=\d+$",
                     out, re.M), out  # fmt: skip
    assert "# reproduce: python benchmarks/bench_api.py --smoke" in out
