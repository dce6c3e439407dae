"""Load: simulated users reading pages and entering data on the whole stack (issue 8).

    python benchmarks/bench_load.py                       # 50 users for 60 s
    python benchmarks/bench_load.py --smoke               # 5 users for 5 s (CI)
    python benchmarks/bench_load.py --users 20 --duration 30 \\
        --database-url postgres://postgres@127.0.0.1:5432/qi_load --redis-url redis://127.0.0.1:6379/9

What runs, all on this machine (loopback only):

1. The database (default `qi_load`) is created if missing, migrated, and seeded with the demo
   trust (`manage.py seed_demo`) if it has none; Redis is its own db (default 9), emptied of
   earlier runs' tasks. Give each run its own database and Redis db.
2. gunicorn serves the app with production settings (DEBUG off; bench_settings.py only moves
   the collected static files to a temporary folder), `--workers 3` (sync) as the Dockerfile
   runs it; a Celery worker process with `--concurrency=2` (two pool processes) consumes the
   charts and dashboards queues, as docker-compose runs it. Anything left stale by an earlier
   run is re-enqueued first, as beat's sweep would.
3. Each simulated user is a thread with its own keep-alive HTTP connection. Users are signed in
   through the real login form (CSRF token, POST /accounts/login/), one session per demo user:
   a team lead (team, project and measure pages), a board member (trust and directorate
   dashboards), a coach (the coach view) and a member or lead of each of a few teams (entries).
   A user sends its next request as soon as the last is answered (no think time: a closed
   loop, the heaviest load N users can make). Each user first makes one request of each kind
   (in an order of its own), then: 80% are page loads, chosen evenly among the six pages;
   20% are entries, half "this period" (POST /measures/<id>/enter/), half the grid of
   recent periods (POST /measures/<id>/enter/grid/, two rows filled), each with the form's
   CSRF token, on a measure of the writer's own team. Two users never write the same period
   of a measure at the same moment (a lock per period on this side), so the last accepted
   value of each period is known.
4. Checks, after the load: zero 5xx answers and zero connection errors; every entry answered
   as accepted (302 to the measure page) is in the database with its value; then, once the
   queue has drained (every chart snapshot no longer stale, no dashboard waiting; with a
   timeout), every chart snapshot of the trust is at its measure's data version and equal to
   what the engine computes in this process from the data now in the database. An entry
   the page asks "is this right?" about (a random figure far outside the history) is
   confirmed, as its writer would, and counted (asked_and_confirmed).

Prints p50/p95 per kind of request, requests/s, errors, entries accepted/found/lost,
snapshots checked/mismatched, the drain time, the load average, and the command to reproduce.
Exits 1 if any check fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

sys.path[:0] = [str(Path(__file__).resolve().parent)]
import bench_pages  # noqa: E402 - its set-up, server, sign-in and percentile helpers

ROOT = bench_pages.ROOT
HOST = bench_pages.HOST
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/qi_load"
DEFAULT_REDIS = "redis://127.0.0.1:6379/9"
READS = ("team", "project", "measure", "board", "directorate", "coach")
# The "is this right?" box of an entry far outside the measure's history (issue 15): its
# "Yes, it is right: save" button carries what is confirmed.
CONFIRM = re.compile(rb'name="confirm" value="([^"]*)"')
WRITES = ("this period", "grid")
WRITER_TEAMS = 6
MEASURES_PER_TEAM = 3


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    env = os.environ.get
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--write-share", type=float, default=0.2)
    parser.add_argument("--smoke", action="store_true", help="5 users for 5 s (CI)")
    parser.add_argument("--database-url", default=env("QI_BENCH_LOAD_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=env("QI_BENCH_LOAD_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--drain-timeout", type=float, default=600.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.smoke:
        args.users, args.duration = min(args.users, 5), min(args.duration, 5.0)
        args.drain_timeout = min(args.drain_timeout, 180.0)
    if args.port == 0:
        with socket.socket() as s:
            s.bind((HOST, 0))
            args.port = s.getsockname()[1]
    args.scale = "default"  # bench_pages.setup seeds the default demo trust
    return args


# ---------------------------------------------------------------- who does what


class Plan:
    """The pages to read (with the session that reads each) and the measures to write."""

    def __init__(self, port: int):
        from django.conf import settings

        from metrics.models import Measure
        from teams.models import Membership

        pages = bench_pages.targets()
        self.organisation_id = pages["board"][0].organisation_id
        sessions: dict[str, str] = {}

        def session(user) -> str:
            if user.username not in sessions:
                sessions[user.username] = bench_pages.sign_in(
                    user.username, settings.DEMO_PASSWORD, port
                )
            return sessions[user.username]

        self.reads = {name: (session(pages[name][0]), pages[name][1]) for name in READS}
        # Writers: a member (or lead) of each of the teams with most measures, on the team's
        # measures; each measure's entries are checked against the database afterwards.
        self.writes = []
        teams = (
            Measure.objects.filter(organisation_id=self.organisation_id, team__isnull=False)
            .values_list("team_id", flat=True)
            .distinct()
        )
        for team_id in sorted(set(teams))[:WRITER_TEAMS]:
            membership = (
                Membership.objects.filter(team_id=team_id)
                .select_related("user")
                .order_by("role", "user__username")
                .first()
            )
            if membership is None:
                continue
            cookie = session(membership.user)
            for measure in Measure.objects.filter(team_id=team_id).order_by("pk")[
                :MEASURES_PER_TEAM
            ]:
                self.writes.append(Target(measure, cookie))
        if not self.writes:
            raise SystemExit("The trust has no team measure with a member to enter its data.")
        self.users = sorted(sessions)


class Target:
    """One measure a writer enters data into: its periods and what a typed value looks like."""

    def __init__(self, measure, cookie: str):
        from django.utils import timezone

        from metrics import periods as P
        from metrics.entry.forms import value_labels
        from metrics.entry.views import GRID_PERIODS

        today = timezone.localdate()
        self.measure_id = measure.pk
        self.cookie = cookie
        self.csrf = cookie.split("csrftoken=", 1)[1].split(";", 1)[0]
        self.names = list(value_labels(measure))
        self.this_period = P.previous_periods(measure.frequency, today, 2)
        self.grid = P.previous_periods(measure.frequency, today, GRID_PERIODS[measure.frequency])
        last = measure.points.order_by("-period").first()
        self.level = float((last.value if last and last.value is not None else 10) or 10)
        self.denominator = int((last.denominator if last and last.denominator else 40) or 40)

    def values(self, rng: random.Random) -> dict[str, float]:
        if self.names == ["value"]:
            return {"value": round(max(0.0, self.level * rng.uniform(0.7, 1.3)), 1)}
        denominator = max(1, int(self.denominator * rng.uniform(0.8, 1.2)))
        return {"numerator": rng.randint(0, denominator), "denominator": denominator}


# ---------------------------------------------------------------- the simulated users


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)  # kind -> seconds
        self.statuses = defaultdict(lambda: defaultdict(int))  # kind -> status -> count
        self.connection_errors = 0
        self.accepted: dict[tuple[int, dt.date], dict] = {}
        self.accepted_count = 0
        self.rejected = 0
        self.asked = 0  # entries asked "is this right?" and answered yes


class PeriodLocks:
    """One lock per (measure, period): two writes of the same period never cross."""

    def __init__(self):
        self.lock = threading.Lock()
        self.locks: dict[tuple[int, dt.date], threading.Lock] = {}

    def of(self, keys):
        with self.lock:
            return [self.locks.setdefault(key, threading.Lock()) for key in sorted(keys)]


def user_loop(index: int, plan: Plan, args, results: Results, locks: PeriodLocks, stop_at):
    rng = random.Random(args.seed * 1000 + index)
    conn = http.client.HTTPConnection(HOST, args.port, timeout=60)

    def send(kind, method, path, cookie, body=None):
        nonlocal conn
        headers = {"Cookie": cookie}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.body = response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(HOST, args.port, timeout=60)
            with results.lock:
                results.connection_errors += 1
            return None
        elapsed = time.perf_counter() - started
        with results.lock:
            results.latency[kind].append(elapsed)
            results.statuses[kind][response.status] += 1
        return response

    # Every user first makes one request of each kind (in its own order), so even a short run
    # covers them all; then 80/20 at random.
    first = rng.sample([*READS, *WRITES], len(READS) + len(WRITES))
    while time.perf_counter() < stop_at:
        if first:
            kind = first.pop()
        elif rng.random() >= args.write_share:
            kind = rng.choice(READS)
        else:
            kind = rng.choice(WRITES)
        if kind in READS:
            cookie, path = plan.reads[kind]
            send(kind, "GET", path, cookie)
            continue
        target = rng.choice(plan.writes)
        if kind == "this period":
            period = rng.choice(target.this_period)
            rows = {period: target.values(rng)}
            form = {"period": period.isoformat(), **rows[period]}
            path = f"/measures/{target.measure_id}/enter/"
        else:
            rows = {p: target.values(rng) for p in rng.sample(target.grid, 2)}
            form = {
                f"{name}_{p.isoformat()}": v for p, vs in rows.items() for name, v in vs.items()
            }
            path = f"/measures/{target.measure_id}/enter/grid/"
        form["csrfmiddlewaretoken"] = target.csrf
        period_locks = locks.of((target.measure_id, p) for p in rows)
        for lock in period_locks:
            lock.acquire()
        try:
            response = send(kind, "POST", path, target.cookie, urlencode(form))
            if response is None:
                continue
            asked = response.status == 200 and CONFIRM.search(response.body)
            if asked:
                # Random figures are now and then far outside the history: the page asks "is
                # this right?" and the writer, who meant them, answers yes.
                with results.lock:
                    results.asked += 1
                    results.statuses[kind][200] -= 1  # an expected answer, not a failure
                    results.statuses["asked"][200] += 1
                form["confirm"] = asked.group(1).decode()
                response = send(kind, "POST", path, target.cookie, urlencode(form))
                if response is None:
                    continue
            if response.status == 302 and response.getheader("Location", "").endswith(
                f"/measures/{target.measure_id}/"
            ):
                with results.lock:
                    results.accepted_count += 1
                    for period, values in rows.items():
                        results.accepted[(target.measure_id, period)] = values
            elif response.status < 500:
                with results.lock:
                    results.rejected += 1
        finally:
            for lock in period_locks:
                lock.release()
    conn.close()


def run_load(plan: Plan, args) -> tuple[Results, float]:
    results, locks = Results(), PeriodLocks()
    started = time.perf_counter()
    stop_at = started + args.duration
    threads = [
        threading.Thread(target=user_loop, args=(i, plan, args, results, locks, stop_at))
        for i in range(args.users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


# ---------------------------------------------------------------- checks


def close_enough(a, b) -> bool:
    return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9


def check_entries(results: Results) -> tuple[int, int, list]:
    from metrics.models import DataPoint

    found, lost = 0, []
    for (measure_id, period), values in sorted(results.accepted.items()):
        point = DataPoint.objects.filter(measure_id=measure_id, period=period).first()
        if point and all(close_enough(getattr(point, k), v) for k, v in values.items()):
            found += 1
        else:
            lost.append((measure_id, period.isoformat(), values))
    return found, len(lost), lost


def wait_drained(organisation_id: int, timeout: float) -> float | None:
    from django.db import connection

    from metrics.models import ChartSnapshot, DashboardSnapshot

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        stale = ChartSnapshot.objects.filter(
            measure__organisation_id=organisation_id, status=ChartSnapshot.Status.STALE
        ).exists()
        waiting = DashboardSnapshot.objects.filter(
            organisation_id=organisation_id, dirty_since__isnull=False
        ).exists()
        if not stale and not waiting:
            return time.perf_counter() - started
        time.sleep(0.25)
        connection.close_if_unusable_or_obsolete()
    return None


def check_snapshots(organisation_id: int) -> tuple[int, list[str]]:
    """Every chart of the trust: at its measure's data version, and equal to the engine's
    result computed here from the data in the database now."""
    from metrics.charts import inputs as charting
    from metrics.charts import recompute
    from metrics.models import ChartSnapshot, Measure

    mismatched = []
    measures = Measure.objects.filter(organisation_id=organisation_id).order_by("pk")
    snapshots = {s.measure_id: s for s in ChartSnapshot.objects.filter(measure__in=measures)}
    for measure in measures:
        snapshot = snapshots.get(measure.pk)
        if snapshot is None:
            mismatched.append(f"measure {measure.pk}: no snapshot")
            continue
        result, error = charting.compute(recompute._load(measure))
        expected_status = ChartSnapshot.Status.FAILED if error else ChartSnapshot.Status.FRESH
        problems = []
        if snapshot.status != expected_status:
            problems.append(f"status {snapshot.status}, expected {expected_status}")
        if snapshot.data_version != measure.data_version:
            problems.append(f"data version {snapshot.data_version} != {measure.data_version}")
        if snapshot.result != json.loads(json.dumps(result)):
            problems.append("result differs from the engine's")
        if (snapshot.error or "") != (error or ""):
            problems.append("error differs from the engine's")
        if problems:
            mismatched.append(f"measure {measure.pk}: " + "; ".join(problems))
    return len(measures), mismatched


# ---------------------------------------------------------------- main


def start_worker(env) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A", "qi_portal", "worker", "-Q", "charts,dashboards", "--concurrency=2",
        "--loglevel=WARNING", "--hostname=bench-load@%h", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def stop(proc) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=20)


def reproduce(args) -> str:
    command = ["python", "benchmarks/bench_load.py"]
    if args.smoke:
        command.append("--smoke")
    else:
        command += ["--users", str(args.users), "--duration", f"{args.duration:g}"]
    command += ["--database-url", args.database_url, "--redis-url", args.redis_url]
    return shlex.join(command)


def report(args, plan, results, elapsed, entries, drained, snapshots) -> bool:
    pct = bench_pages.percentile
    total = sum(len(v) for v in results.latency.values())
    server_errors = sum(
        n for kind in results.statuses.values() for status, n in kind.items() if status >= 500
    )
    unexpected = sum(
        n
        for kind, statuses in results.statuses.items()
        for status, n in statuses.items()
        if status < 500 and status != (200 if kind in READS or kind == "asked" else 302)
    )
    found, lost, lost_rows = entries
    checked, mismatched = snapshots
    print(f"# machine: nproc={os.cpu_count()} python={sys.version.split()[0]} "
          f"loadavg={' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    print(f"# trust: {bench_pages.scale_line()}")
    print(f"# {args.users} users for {args.duration:g} s, {args.write_share:.0%} entries; "
          f"gunicorn --workers {args.web_workers} (sync) on {HOST}:{args.port}; one Celery "
          f"worker --concurrency=2; signed in: {', '.join(plan.users)}")  # fmt: skip
    print(f"# database={args.database_url} redis={args.redis_url}")
    print(f"\n  {'kind':<12} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  statuses")
    for kind in (*READS, *WRITES):
        ms = [x * 1000 for x in results.latency.get(kind, [])]
        statuses = " ".join(
            f"{s}:{n}" for s, n in sorted(results.statuses.get(kind, {}).items()) if n
        )
        if ms:
            print(f"  {kind:<12} {len(ms):>6} {pct(ms, 0.5):8.1f} {pct(ms, 0.95):8.1f} "
                  f"{max(ms):8.1f}  {statuses}")  # fmt: skip
            print(f"RESULT kind={kind.replace(' ', '_')} n={len(ms)} p50_ms={pct(ms, 0.5):.1f} "
                  f"p95_ms={pct(ms, 0.95):.1f}")  # fmt: skip
    print(f"RESULT load requests={total} rps={total / elapsed:.1f} "
          f"server_errors={server_errors} connection_errors={results.connection_errors} "
          f"unexpected_status={unexpected}")  # fmt: skip
    print(f"RESULT entries accepted={results.accepted_count} periods={len(results.accepted)} "
          f"found={found} lost={lost} rejected={results.rejected} "
          f"asked_and_confirmed={results.asked}")  # fmt: skip
    drain = f"{drained:.1f}" if drained is not None else "timeout"
    print(f"RESULT snapshots checked={checked} mismatched={len(mismatched)} drain_s={drain}")
    for row in lost_rows[:10]:
        print(f"  lost: {row}")
    for line in mismatched[:10]:
        print(f"  mismatched: {line}")
    print("# reproduce: " + reproduce(args))
    return (
        server_errors == 0
        and results.connection_errors == 0
        and lost == 0
        and drained is not None
        and not mismatched
        and total > 0
        and results.accepted_count > 0
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    # A terminated run still stops the gunicorn and Celery it started (the finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    env = bench_pages.bench_env(args)
    env["ALLOWED_HOSTS"] = f"{HOST},localhost"
    bench_pages.setup(args, env)
    from metrics.workers.sweep import SWEEP_GRACE, sweep
    from qi_portal.celery import app

    app.control.purge()  # tasks of an earlier, interrupted run
    log_dir = tempfile.mkdtemp(prefix="qi-bench-load-")
    access_log = os.path.join(log_dir, "access.log")
    server = worker = None
    try:
        worker = start_worker(env)
        server = bench_pages.start_gunicorn(args, env, access_log)
        plan = Plan(args.port)
        # Whatever an earlier run left stale or waiting goes back on the queue, as beat's
        # sweep would a minute on.
        sweep(now=timezone_now() + SWEEP_GRACE * 2)
        print(f"# load: {args.users} users, {args.duration:g} s", flush=True)
        results, elapsed = run_load(plan, args)
        entries = check_entries(results)
        drained = wait_drained(plan.organisation_id, args.drain_timeout)
        snapshots = check_snapshots(plan.organisation_id)
    finally:
        stop(server)
        stop(worker)
    ok = report(args, plan, results, elapsed, entries, drained, snapshots)
    return 0 if ok else 1


def timezone_now():
    from django.utils import timezone

    return timezone.now()


if __name__ == "__main__":
    sys.exit(main())
