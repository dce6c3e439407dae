"""The load benchmark keeps working: ``--smoke`` runs 5 simulated users for 5 s against gunicorn,
PostgreSQL, Redis and a Celery worker on the demo trust, then checks every accepted entry and
every chart. It needs PostgreSQL and Redis, so it runs only when DATABASE_URL and REDIS_URL are
set; it uses its own database (qi_load_smoke) and Redis db 10, never the tests' ones."""

import re

from tests.benchmarks.smoke import run_smoke

KINDS = ("team", "project", "measure", "board", "directorate", "coach", "this_period", "grid")


def test_bench_load_smoke_prints_its_figures_and_finds_nothing_wrong():
    out = run_smoke("bench_load.py", what="load", database="qi_load_smoke", redis_db=10,
                    timeout=420)  # fmt: skip
    for kind in KINDS:
        line = re.search(rf"^RESULT kind={kind} n=(\d+) p50_ms=(\S+) p95_ms=(\S+)$", out, re.M)
        assert line, f"no figure line for {kind}:\n{out}"
        n, p50, p95 = int(line[1]), float(line[2]), float(line[3])
        assert n > 0 and 0 < p50 <= p95
    load = re.search(
        r"^RESULT load requests=(\d+) rps=(\S+) server_errors=0 connection_errors=0 "
        r"unexpected_status=0$",
        out,
        re.M,
    )
    assert load and int(load[1]) > 0 and float(load[2]) > 0, out
    entries = re.search(
        r"^RESULT entries accepted=(\d+) periods=(\d+) found=(\d+) lost=0 ", out, re.M
    )
    assert entries and int(entries[1]) > 0 and entries[2] == entries[3], out
    snapshots = re.search(r"^RESULT snapshots checked=(\d+) mismatched=0 drain_s=\d", out, re.M)
    assert snapshots and int(snapshots[1]) > 0, out
    assert "# reproduce: python benchmarks/bench_load.py --smoke" in out
