"""Benchmark the SPC engine (metrics.spc) against the fastest Python peer, in one run.

    python benchmarks/bench_spc.py            # full run; installs the peer venv if missing
    python benchmarks/bench_spc.py --smoke    # tiny sizes, no peer, a few seconds (CI)

Cases (same generated data on both sides):
  xmr_24        one XmR chart of 24 points
  xmr_long      one XmR chart of 10,000 points
  p_24          one P chart of 24 points
  batch         2,000 series x 104 weekly XmR points, results only
  batch_dict    the same batch, plus to_dict() on every result (the stored snapshot JSON)
  t_24, g_24    one T chart (24 times between events) and one G chart (24 counts between)
  batch_t/_g    2,000 series x 26 events of each, analyse_many() + to_dict() each

T and G charts (issue 17) are ours only in the timings, compared with the XmR cases (they
always take the pure-Python path: a point per event makes short series). The peer's public
``qic(chart="t")`` is used only to check our T chart's centre and limits; its G chart takes
its sigma from the median, not qicharts2's mean, so for G only the centre line is checked.

Ours: ``analyse(...).to_dict()`` (``analyse_many`` for the batch) — centre, 3-sigma and
2-sigma limits, Anhoej runs analysis, the four Making Data Count rules, point types,
variation, assurance, and the snapshot dict. XmR cases use ``screen=True`` so both sides
screen moving ranges the same way (qicharts2 behaviour, which the peer follows).

Peer: clinical-qikit 0.5.0 (``qikit.spc.compute.compute``, the pure-numpy engine under its
``qic()``), run in a separate venv through a subprocess: centre, 3-sigma limits, points
outside the limits, Anhoej runs analysis (longest run, crossings, both signals). It has no
batch API, so the batch is a loop over ``compute``. Its public ``qic()`` is also timed on
the 24-point chart, for reference.

The peer venv (default /tmp/qi-bench-peers, or $QI_BENCH_PEERS_VENV / --peers-venv) is
created with ``pip install clinical-qikit==0.5.0`` when missing; nothing is installed into
the app's environment or lock files.

Timing: 3 rounds; in each, every case is timed on our side and then on the peer's (the peer
stays loaded in its subprocess and is idle while ours runs, so both sides see the same machine
load), 3 repeats of a fixed number of calls per side (timeit-style autorange for the single
charts, 1 call for the batch); best and median per call over the 9 repeats are printed. The
garbage collector stays on, as in the app; objects alive before timing (the generated data)
are moved out of its way with ``gc.freeze()`` on both sides. Ratios are peer best / ours best.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PEER = "clinical-qikit"
PEER_VERSION = "0.5.0"
DEFAULT_PEERS_VENV = os.environ.get("QI_BENCH_PEERS_VENV", "/tmp/qi-bench-peers")
SEED = 20240604
ROUNDS, REPEAT = 3, 3  # full run: 9 timed repeats per case and side
BUDGET, SMOKE_BUDGET = 0.1, 0.01  # seconds per repeat for the single-chart cases
ROOT = Path(__file__).resolve().parent.parent

FULL = {"xmr_long": 10_000, "series": 2_000, "weeks": 104, "events": 26}
SMOKE = {"xmr_long": 400, "series": 20, "weeks": 104, "events": 26}

# case id, label, target (seconds per call, or None), min speed-up over the peer
TARGETS = {
    "xmr_24": (1e-4, 3.0),
    "xmr_long": (None, None),
    "p_24": (None, None),
    "batch": (0.25, 5.0),
    "batch_dict": (0.25, 5.0),
    "t_24": (None, None),
    "g_24": (None, None),
    "batch_t": (None, None),
    "batch_g": (None, None),
}
OURS_ONLY = ("t_24", "g_24", "batch_t", "batch_g")  # not timed on the peer's side


# --------------------------------------------------------------------------- data

def make_data(sizes: dict) -> dict:
    """Deterministic benchmark data, as plain Python lists (what the app hands the engine)."""
    rng = np.random.default_rng(SEED)
    xmr_24 = np.round(rng.normal(50.0, 5.0, 24), 1)
    xmr_long = np.round(rng.normal(120.0, 12.0, sizes["xmr_long"]), 2)
    p_den = rng.integers(80, 200, 24)
    p_num = rng.binomial(p_den, 0.22)
    batch = np.round(rng.normal(rng.uniform(10, 500, (sizes["series"], 1)),
                                rng.uniform(1, 40, (sizes["series"], 1)),
                                (sizes["series"], sizes["weeks"])), 2)
    # Rare events: days between restraints (exponential, mean 30) and admissions between
    # them (geometric, mean 25); 0.5 keeps every time above 0.
    t_24 = np.round(rng.exponential(30.0, 24) + 0.5, 2)
    g_24 = rng.geometric(1 / 25, 24) - 1
    shape = (sizes["series"], sizes["events"])
    batch_t = np.round(rng.exponential(rng.uniform(5, 90, (sizes["series"], 1)), shape) + 0.5, 2)
    batch_g = rng.geometric(rng.uniform(0.02, 0.2, (sizes["series"], 1)), shape) - 1
    return {"xmr_24": xmr_24.tolist(), "xmr_long": xmr_long.tolist(),
            "p_num": p_num.tolist(), "p_den": p_den.tolist(), "batch": batch.tolist(),
            "t_24": t_24.tolist(), "g_24": g_24.tolist(), "batch_t": batch_t.tolist(),
            "batch_g": batch_g.tolist()}


# --------------------------------------------------------------------------- timing

def samples(fn, number: int, repeat: int) -> list[float]:
    """Seconds per call for each of ``repeat`` repeats of ``number`` calls (timeit-style)."""
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        out.append((time.perf_counter() - t0) / number)
    return out


def settle() -> None:
    """Keep the benchmark's own input data out of the garbage collector's way (both sides).

    The collector stays on while timing; only objects alive before timing are frozen.
    """
    gc.collect()
    gc.freeze()


def calls_for(fn, budget: float) -> int:
    """timeit-style autorange: calls per repeat so that one repeat takes about ``budget`` s."""
    fn()  # warm-up (imports, caches)
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    return max(1, min(100_000, int(budget / one)))


class Side:
    """One side's cases: each a callable, timed in repeats of a fixed number of calls."""

    def __init__(self, cases: dict, budget: float):
        self.cases = cases
        self.number = {name: (1 if name.startswith("batch") else calls_for(fn, budget))
                       for name, fn in cases.items()}

    def time(self, name: str, repeat: int) -> list[float]:
        return samples(self.cases[name], self.number[name], repeat)


# --------------------------------------------------------------------------- ours

def ours_side(data: dict, budget: float) -> tuple[Side, dict]:
    sys.path.insert(0, str(ROOT))
    from metrics.spc import analyse, analyse_many

    x24, xl = data["xmr_24"], data["xmr_long"]
    num, den = data["p_num"], data["p_den"]
    specs = [{"values": v, "screen": True} for v in data["batch"]]
    t24, g24 = data["t_24"], data["g_24"]
    t_specs = [{"values": v, "chart": "t"} for v in data["batch_t"]]
    g_specs = [{"values": v, "chart": "g"} for v in data["batch_g"]]
    cases = {
        "xmr_24": lambda: analyse(x24, screen=True).to_dict(),
        "xmr_24_nodict": lambda: analyse(x24, screen=True),
        "xmr_long": lambda: analyse(xl, screen=True).to_dict(),
        "p_24": lambda: analyse(num, chart="p", denominators=den).to_dict(),
        "batch": lambda: analyse_many(specs),
        "batch_dict": lambda: [r.to_dict() for r in analyse_many(specs)],
        "t_24": lambda: analyse(t24, chart="t").to_dict(),
        "g_24": lambda: analyse(g24, chart="g").to_dict(),
        "batch_t": lambda: [r.to_dict() for r in analyse_many(t_specs)],
        "batch_g": lambda: [r.to_dict() for r in analyse_many(g_specs)],
    }

    def summary(res):
        ph = res.phases[0]
        return {"centre": res.centre[0], "ucl": list(res.ucl), "lcl": list(res.lcl),
                "n_useful": ph.n_useful, "longest_run": ph.longest_run,
                "crossings": ph.crossings}

    check = {
        "xmr_24": summary(analyse(x24, screen=True)),
        "xmr_long": summary(analyse(xl, screen=True)),
        "p_24": summary(analyse(num, chart="p", denominators=den)),
        "batch": [{"centre": r.centre[0], "ucl": r.ucl[0], "n_useful": r.phases[0].n_useful,
                   "longest_run": r.phases[0].longest_run, "crossings": r.phases[0].crossings}
                  for r in analyse_many(specs)],
        "t_24": summary(analyse(t24, chart="t")),
        "g_24": summary(analyse(g24, chart="g")),
    }
    return Side(cases, budget), check


# --------------------------------------------------------------------------- peer
# Runs inside the peer venv (``--peer-worker DATA``); must not import metrics.

def peer_side(data: dict, budget: float) -> tuple[Side, dict]:
    import warnings

    warnings.filterwarnings("ignore")
    from qikit import qic
    from qikit.spc.compute import compute

    x24, xl = data["xmr_24"], data["xmr_long"]
    num, den = data["p_num"], data["p_den"]
    batch = data["batch"]

    def p_chart():
        n = np.asarray(den, dtype=float)
        return compute("p", np.asarray(num, dtype=float) / n, n=n, method="anhoej")

    cases = {
        "xmr_24": lambda: compute("i", x24, method="anhoej"),
        "xmr_24_qic": lambda: qic(y=x24, chart="i"),
        "xmr_long": lambda: compute("i", xl, method="anhoej"),
        "p_24": p_chart,
        "batch": lambda: [compute("i", v, method="anhoej") for v in batch],
    }

    def summary(r, full=True):
        s = r["summary"]
        out = {"centre": float(r["cl"][0]), "n_useful": s["n_useful"],
               "longest_run": s["longest_run"], "crossings": s["n_crossings"]}
        if full:
            out.update(ucl=r["ucl"].tolist(), lcl=r["lcl"].tolist())
        else:
            out.update(ucl=float(r["ucl"][0]))
        return out

    def public(y, chart):
        d = qic(y=y, chart=chart).data
        return {"centre": float(d["cl"].iloc[0]), "ucl": d["ucl"].tolist(),
                "lcl": d["lcl"].tolist()}

    check = {
        "t_24": public(data["t_24"], "t"),
        "g_24": public(data["g_24"], "g"),
        "xmr_24": summary(compute("i", x24, method="anhoej")),
        "xmr_long": summary(compute("i", xl, method="anhoej")),
        "p_24": summary(p_chart()),
        "batch": [summary(compute("i", v, method="anhoej"), full=False) for v in batch],
    }
    return Side(cases, budget), check


def peer_worker(data_path: str) -> None:
    """Serve timing requests on stdin/stdout: one JSON line per request."""
    from importlib.metadata import version

    data = json.loads(Path(data_path).read_text())
    side, check = peer_side(data, BUDGET)
    settle()
    print(json.dumps({"version": version(PEER), "numpy": np.__version__, "check": check}),
          flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        print(json.dumps(side.time(req["case"], req["repeat"])), flush=True)


class PeerProcess:
    def __init__(self, python: Path, data: dict, tmp: str):
        data_path = Path(tmp, "data.json")
        data_path.write_text(json.dumps(data))
        self.proc = subprocess.Popen(
            [str(python), str(Path(__file__).resolve()), "--peer-worker", str(data_path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.info = json.loads(self.proc.stdout.readline())

    def time(self, case: str, repeat: int) -> list[float]:
        self.proc.stdin.write(json.dumps({"case": case, "repeat": repeat}) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def ensure_peers_venv(venv: Path, install: bool) -> Path | None:
    python = venv / "bin" / "python"
    probe = [str(python), "-c", f"import importlib.metadata as m; "
             f"assert m.version({PEER!r}) == {PEER_VERSION!r}"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    if not install:
        return None
    print(f"# installing {PEER}=={PEER_VERSION} into {venv} (benchmark only)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", f"{PEER}=={PEER_VERSION}"],
                   check=True)
    return python


# --------------------------------------------------------------------------- checks

XMR_OURS, XMR_PEER = 2.66, 3 / 1.128  # MDC's 2.66 vs the peer's 3/d2 with d2 = 1.128


def _close(a, b, rel=1e-9) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


def check_lines(ours: dict, peer: dict, batch_values: list) -> list[str]:
    """Centre, average moving range (XmR) or limits (P) and runs statistics must agree."""
    lines = []
    for case in ("xmr_24", "xmr_long"):
        o, p = ours[case], peer[case]
        mr_o = (o["ucl"][0] - o["centre"]) / XMR_OURS
        mr_p = (p["ucl"][0] - p["centre"]) / XMR_PEER
        ok = (_close(o["centre"], p["centre"]) and _close(mr_o, mr_p)
              and all(o[k] == p[k] for k in ("n_useful", "longest_run", "crossings")))
        lines.append(
            f"CHECK {case}: {'OK' if ok else 'MISMATCH'} centre {o['centre']:.6f} vs "
            f"{p['centre']:.6f}; average moving range {mr_o:.6f} vs {mr_p:.6f}; UCL "
            f"{o['ucl'][0]:.4f} vs {p['ucl'][0]:.4f} (2.66 vs 3/1.128 x MR-bar); runs "
            f"(useful, longest, crossings) {o['n_useful']},{o['longest_run']},{o['crossings']}"
            f" vs {p['n_useful']},{p['longest_run']},{p['crossings']}")
    o, p = ours["p_24"], peer["p_24"]
    ok = (_close(o["centre"], p["centre"])
          and all(_close(a, b) for a, b in zip(o["ucl"], p["ucl"], strict=True))
          and all(_close(a, b) for a, b in zip(o["lcl"], p["lcl"], strict=True))
          and all(o[k] == p[k] for k in ("n_useful", "longest_run", "crossings")))
    lines.append(f"CHECK p_24: {'OK' if ok else 'MISMATCH'} centre {o['centre']:.6f} vs "
                 f"{p['centre']:.6f}; all 24 UCL/LCL equal to 1e-9; runs statistics equal")
    bad, ties = 0, 0
    for values, o, p in zip(batch_values, ours["batch"], peer["batch"], strict=True):
        mr_o = (o["ucl"] - o["centre"]) / XMR_OURS
        mr_p = (p["ucl"] - p["centre"]) / XMR_PEER
        if not (_close(o["centre"], p["centre"]) and _close(mr_o, mr_p)):
            bad += 1
        elif not all(o[k] == p[k] for k in ("n_useful", "longest_run", "crossings")):
            # A value equal to the mean to the last bit in one summation order and not in
            # the other (ours sums left to right; numpy pairwise) is "on the centre line"
            # for one side only. Count those apart; anything else is a real mismatch.
            if any(v != o["centre"] and _close(v, o["centre"]) for v in values):
                ties += 1
            else:
                bad += 1
    o, p = ours["t_24"], peer["t_24"]
    ok = _close(o["centre"], p["centre"]) and all(
        _close(a, b) for key in ("ucl", "lcl") for a, b in zip(o[key], p[key], strict=True))
    lines.append(f"CHECK t_24: {'OK' if ok else 'MISMATCH'} T chart (peer's qic(chart='t')): "
                 f"centre {o['centre']:.6f} vs {p['centre']:.6f}; UCL {o['ucl'][0]:.6f} vs "
                 f"{p['ucl'][0]:.6f}; LCL {o['lcl'][0]:.6f} vs {p['lcl'][0]:.6f}")
    o, p = ours["g_24"], peer["g_24"]
    lines.append(f"CHECK g_24: {'OK' if _close(o['centre'], p['centre']) else 'MISMATCH'} G "
                 f"chart centre (the median) {o['centre']:g} vs {p['centre']:g}; UCL "
                 f"{o['ucl'][0]:.4f} vs {p['ucl'][0]:.4f} differ by convention (sigma from the "
                 "mean, as qicharts2's qic.g, vs the peer's from the median): not compared")
    n = len(ours["batch"])
    lines.append(f"CHECK batch: {'OK' if not bad else 'MISMATCH'} {n - bad - ties}/{n} series "
                 "with equal centre, average moving range and runs statistics"
                 + (f"; {ties} more with equal centre and limits whose runs statistics differ "
                    "only because a value equals the mean within float rounding (a point on "
                    "the centre line for one side, not the other)" if ties else ""))
    return lines


# --------------------------------------------------------------------------- report

def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1.0:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.3f} s"


def machine_lines() -> list[str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    return [f"machine: nproc={os.cpu_count()}, cpu={model}",
            f"python {platform.python_version()}, numpy {np.__version__}, "
            f"OpenBLAS env {blas or 'unset'}"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true",
                    help="tiny sizes, no peer: checks the script still works (CI)")
    ap.add_argument("--peers-venv", default=DEFAULT_PEERS_VENV,
                    help="venv holding the peer library (default %(default)s)")
    ap.add_argument("--no-install", action="store_true",
                    help="do not create the peer venv; skip the peer if it is missing")
    ap.add_argument("--peer-worker", metavar="DATA", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.peer_worker:
        peer_worker(args.peer_worker)
        return 0

    sizes = SMOKE if args.smoke else FULL
    data = make_data(sizes)
    print("# QI Portal SPC engine benchmark" + (" (--smoke: tiny sizes, no peer)"
                                                if args.smoke else ""))
    for line in machine_lines():
        print("# " + line)
    exe = Path(sys.executable)
    exe_shown = exe.relative_to(ROOT) if exe.is_relative_to(ROOT) else exe
    print("# command: " + " ".join(shlex.quote(str(a)) for a in [
        exe_shown, "benchmarks/bench_spc.py", *(argv if argv is not None else sys.argv[1:])])
          + "   (run from the repo root; benchmarks/README.md gives the full command)")
    print("# ours: limits + 2-sigma + Anhoej runs + 4 MDC rules + point types + variation/"
          "assurance + to_dict() (XmR with screen=True)")

    with tempfile.TemporaryDirectory() as tmp:
        peer = None
        peer_note = "skipped (--smoke)"
        if not args.smoke:
            failure = None
            try:
                python = ensure_peers_venv(Path(args.peers_venv), install=not args.no_install)
            except (OSError, subprocess.CalledProcessError) as exc:
                python, failure = None, exc
            if failure is not None:
                peer_note = f"skipped: {PEER} could not be installed ({failure})"
            elif python is None:
                peer_note = f"skipped: no {PEER} in {args.peers_venv} (--no-install)"
            else:
                peer = PeerProcess(python, data, tmp)
                peer_note = (f"{PEER} {peer.info['version']} (numpy {peer.info['numpy']}): "
                             "qikit.spc.compute.compute(): centre + 3-sigma limits + "
                             "outside-limits + Anhoej runs (longest run, crossings); "
                             "batch = loop over compute()")
        print(f"# peer: {peer_note}")
        ours, ours_check = ours_side(data, SMOKE_BUDGET if args.smoke else BUDGET)
        settle()
        rounds, repeat = (1, 3) if args.smoke else (ROUNDS, REPEAT)
        print(f"# timing: {rounds} round(s), each case timed on our side then the peer's, "
              f"{repeat} repeats per side per round; per-call best and median of all repeats")
        sys.stdout.flush()
        times: dict = {"ours": {}, "peer": {}}
        for _ in range(rounds):
            for case in ours.cases:
                times["ours"].setdefault(case, []).extend(ours.time(case, repeat))
                peer_case = {"batch_dict": None, "xmr_24_nodict": None}.get(case, case)
                if case in OURS_ONLY:
                    peer_case = None
                if peer is not None and peer_case:
                    times["peer"].setdefault(case, []).extend(peer.time(peer_case, repeat))
            if peer is not None:
                times["peer"].setdefault("xmr_24_qic", []).extend(peer.time("xmr_24_qic", repeat))
        if peer is not None:
            peer.close()
    stat = {side: {case: {"best": min(v), "median": statistics.median(v), "n": len(v)}
                   for case, v in cases.items()} for side, cases in times.items()}
    stat["peer"]["batch_dict"] = stat["peer"].get("batch")
    ours_t, peer_t = stat["ours"], (stat["peer"] if peer is not None else None)

    n_long, s, w = sizes["xmr_long"], sizes["series"], sizes["weeks"]
    labels = {
        "xmr_24": "XmR, 24 points, rules + to_dict()",
        "xmr_long": f"XmR, {n_long:,} points, rules + to_dict()",
        "p_24": "P, 24 points, rules + to_dict()",
        "batch": f"batch {s:,} x {w} XmR, analyse_many()",
        "batch_dict": f"batch {s:,} x {w} XmR, analyse_many() + to_dict() each",
        "t_24": "T, 24 times between events, rules + to_dict()",
        "g_24": "G, 24 counts between events, rules + to_dict()",
        "batch_t": f"batch {s:,} x {sizes['events']} T, analyse_many() + to_dict() each",
        "batch_g": f"batch {s:,} x {sizes['events']} G, analyse_many() + to_dict() each",
    }
    print()
    print(f"{'case':58s} {'ours best':>11s} {'ours median':>12s} {'peer best':>11s} "
          f"{'peer median':>12s} {'ratio':>7s}  target")
    for case, label in labels.items():
        o = ours_t[case]
        p = None if peer_t is None else peer_t.get(case)
        ratio = None if p is None else p["best"] / o["best"]
        limit, speedup = (None, None) if args.smoke else TARGETS[case]
        target = []
        if limit is not None:
            target.append(f"< {fmt(limit)}: {'met' if o['best'] < limit else 'MISSED'}")
        if speedup is not None and ratio is not None:
            target.append(f">= {speedup:g}x: {'met' if ratio >= speedup else 'MISSED'}")
        print(f"{label:58s} {fmt(o['best']):>11s} {fmt(o['median']):>12s} "
              f"{fmt(p and p['best']):>11s} {fmt(p and p['median']):>12s} "
              f"{'-' if ratio is None else f'{ratio:.1f}x':>7s}  {'; '.join(target) or '-'}")
    extra = ours_t["xmr_24_nodict"]
    print(f"{'(XmR 24 points without to_dict())':58s} {fmt(extra['best']):>11s} "
          f"{fmt(extra['median']):>12s}")
    if peer_t is not None:
        q = peer_t["xmr_24_qic"]
        print(f"{'(peer public qic(), XmR 24 points, no plot)':58s} {'':>11s} {'':>12s} "
              f"{fmt(q['best']):>11s} {fmt(q['median']):>12s} "
              f"{q['best'] / ours_t['xmr_24']['best']:6.1f}x")
    per_point = {case: ours_t[case]["best"] / n for case, n in (
        ("xmr_24", 24), ("t_24", 24), ("g_24", 24), ("batch_dict", s * w),
        ("batch_t", s * sizes["events"]), ("batch_g", s * sizes["events"]))}
    print(f"# T and G beside XmR, per point: single chart T {fmt(per_point['t_24'])}, G "
          f"{fmt(per_point['g_24'])}, XmR {fmt(per_point['xmr_24'])} "
          f"({per_point['t_24'] / per_point['xmr_24']:.2f}x and "
          f"{per_point['g_24'] / per_point['xmr_24']:.2f}x XmR's); batch T "
          f"{fmt(per_point['batch_t'])}, G {fmt(per_point['batch_g'])}, XmR (numpy) "
          f"{fmt(per_point['batch_dict'])} ({per_point['batch_t'] / per_point['batch_dict']:.1f}x "
          f"and {per_point['batch_g'] / per_point['batch_dict']:.1f}x: T and G take the "
          "pure-Python path)")
    print()
    for case in labels:
        o = ours_t[case]
        p = None if peer_t is None else peer_t.get(case)
        print(f"RESULT {case} ours_best_s={o['best']:.6g} ours_median_s={o['median']:.6g} "
              f"calls={ours.number[case]}x{o['n']} "
              + ("peer=skipped" if p is None else
                 f"peer_best_s={p['best']:.6g} peer_median_s={p['median']:.6g} "
                 f"ratio={p['best'] / o['best']:.2f}"))
    if peer is not None:
        print()
        lines = check_lines(ours_check, peer.info["check"], data["batch"])
        for line in lines:
            print(line)
        if any("MISMATCH" in line for line in lines):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
