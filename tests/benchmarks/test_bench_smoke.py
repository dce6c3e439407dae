"""The benchmark script keeps working: ``--smoke`` runs tiny sizes, without the peer."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASES = ("xmr_24", "xmr_long", "p_24", "batch", "batch_dict", "t_24", "g_24", "batch_t", "batch_g")


def test_bench_smoke_runs_and_prints_every_figure():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_spc.py"), "--smoke"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "peer: skipped (--smoke)" in out
    assert re.search(r"^# machine: nproc=\d+", out, re.M)
    for case in CASES:
        line = re.search(rf"^RESULT {case} ours_best_s=(\S+) ours_median_s=(\S+) .*peer=skipped$",
                         out, re.M)
        assert line, f"no figure line for {case}:\n{out}"
        best, median = (float(x) for x in line.groups())
        assert 0 < best <= median
    for label in ("XmR, 24 points", "P, 24 points", "batch 20 x 104 XmR, analyse_many()",
                  "T, 24 times between events", "batch 20 x 26 G", "T and G beside XmR",
                  "analyse_many() + to_dict() each"):
        assert label in out
