"""The entry-to-chart benchmark keeps working: ``--smoke`` times 5 entries through a real worker
on Redis. It needs PostgreSQL and Redis, so it runs only when DATABASE_URL and REDIS_URL are set;
it uses its own database (qi_bench) and Redis db 2, so it never touches the tests' ones."""

import re

from tests.benchmarks.smoke import run_smoke


def test_bench_entry_smoke_prints_its_figures():
    out = run_smoke("bench_entry_to_chart.py", what="entry", database="qi_bench", redis_db=2,
                    timeout=240)
    line = re.search(
        r"^RESULT entry_to_fresh_chart n=5 p50_ms=(\S+) p95_ms=(\S+) max_ms=(\S+) mean_ms=\S+$",
        out,
        re.M,
    )
    assert line, out
    p50, p95, largest = (float(x) for x in line.groups())
    assert 0 < p50 <= p95 <= largest
    assert "# reproduce: python benchmarks/bench_entry_to_chart.py --smoke" in out
