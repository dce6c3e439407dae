"""Page latency, SQL queries per page and peak memory (DESIGN §8, issue 7).

    python benchmarks/bench_pages.py                  # default demo trust, 5 s per page
    python benchmarks/bench_pages.py --scale large    # the large trust (seed_demo --scale large)
    python benchmarks/bench_pages.py --smoke          # seconds, no wrk: a check that it runs (CI)

What it does, in order:

1. Creates the database if missing (default `qi_pages`; `qi_pages_large` with --scale large),
   migrates it and, if the trust is not there yet, runs `manage.py seed_demo [--scale large]`
   into it. Redis defaults to db 11: a worker of another run on the same Redis db would take
   this run's tasks (and run them against its own database), so give each run its own db.
2. SQL queries per page, in-process (django.test Client + CaptureQueriesContext, the page
   loaded once to warm up, then counted). With --scale large the same count is also taken on
   the default trust's database (a child run with --queries-only) and both are printed side by
   side; the script exits 1 if they differ.
3. Serves the app with gunicorn (`--workers 2`, sync, DEBUG off, production settings except for
   a temporary STATIC_ROOT, see bench_settings.py) on 127.0.0.1, signs in through the real login
   form (CSRF token, POST /accounts/login/) as the role each page is for, and loads every page
   with `wrk` for --duration seconds (Debian: `apt-get install -y wrk`; without it, or with
   --smoke, a small Python keep-alive client does the load). Prints client p50/p95 and
   requests/s, and the server time per request from gunicorn's access log (%(D)s, µs: from the
   request read to the response written, in the worker), and each page's ratio to the ceiling.
   The ceiling is `/healthz`, a real Django view of the app in the same server that runs one
   `SELECT 1` and reads no session, so it is the cost of gunicorn + Django + one query.
4. Peak memory (VmHWM from /proc/<pid>/status) of each gunicorn worker after all the page runs,
   and of a Celery worker (`-Q charts,dashboards --concurrency=2`, as docker-compose runs it)
   after a full recompute of the trust: every chart marked stale as a bulk import leaves them,
   recomputed in chunks (`recompute_all`, the engine's batch form), every dashboard requested;
   the script waits until every chart and dashboard is fresh again.

Pages and who loads them (chosen the same way at every scale, so the counts compare): the
organisation with most teams; its board dashboard and the directorate with most teams as its
first board member; the coach view as the coach with most teams; the team with most measures,
its project with most cycles and its measure with most data points as that team's lead.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench_common import (  # the scripts run from benchmarks/
    children,
    ensure_database,
    percentile,
    vm_hwm_mb,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/qi_pages"
DEFAULT_REDIS = "redis://127.0.0.1:6379/11"
HOST = "127.0.0.1"
PAGES = ("ceiling", "board", "directorate", "coach", "team", "project", "measure")
WRK_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK p50_us=%d p95_us=%d requests=%d duration_us=%d errors=%d non2xx=%d\\n",
    latency:percentile(50), latency:percentile(95), summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    env = os.environ.get
    parser.add_argument("--scale", choices=("default", "large"), default="default")
    parser.add_argument("--smoke", action="store_true", help="seconds, no wrk (CI)")
    parser.add_argument("--database-url", default=env("QI_BENCH_PAGES_DATABASE_URL"))
    parser.add_argument(
        "--default-database-url",
        default=env("QI_BENCH_PAGES_DEFAULT_DATABASE_URL", DEFAULT_DB),
        help="with --scale large: the default trust's database, for the query counts",
    )
    parser.add_argument("--redis-url", default=env("QI_BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--queries-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-memory", action="store_true", help="skip the Celery part")
    args = parser.parse_args(argv)
    if args.database_url is None:
        args.database_url = DEFAULT_DB + ("_large" if args.scale == "large" else "")
    if args.smoke:
        args.duration = min(args.duration, 0.5)
        args.connections = min(args.connections, 2)
        if args.client == "auto":
            args.client = "python"
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
    return args


# ---------------------------------------------------------------- database and Django


def bench_env(args) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        # Production settings with a temporary STATIC_ROOT (bench_settings.py).
        DJANGO_SETTINGS_MODULE="bench_settings",
        QI_BENCH_STATIC_ROOT=os.path.join(tempfile.gettempdir(), "qi-bench-static"),
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "benchmarks")]),
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or "benchmark-only-secret-key-not-for-production",
        ALLOWED_HOSTS=f"{HOST},testserver",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
    )
    return env


def seed_supports_scale() -> bool:
    text = (ROOT / "teams" / "management" / "commands" / "seed_demo.py").read_text()
    return "--scale" in text


def setup(args, env) -> None:
    ensure_database(args.database_url)
    os.environ.update(env)
    sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    # whitenoise's manifest storage (DEBUG off) needs the collected files, in-process too.
    call_command("collectstatic", interactive=False, verbosity=0)
    from teams.models import Organisation

    organisations = Organisation.objects.filter(teams__isnull=False).distinct()
    if args.scale == "large":
        organisations = organisations.filter(slug__icontains="large")
    if organisations.exists():
        return
    command = [sys.executable, "manage.py", "seed_demo"]
    if args.scale == "large":
        if not seed_supports_scale():
            raise SystemExit("seed_demo has no --scale option yet: the large trust cannot be made.")
        command += ["--scale", "large"]
    print(f"# seeding: {shlex.join(command[1:])} (tasks in-process)", flush=True)
    seed_env = {k: v for k, v in env.items() if k != "REDIS_URL"}  # compute here, not in Redis
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=seed_env, check=True, stdout=subprocess.DEVNULL)
    print(f"# seeded in {time.perf_counter() - started:.0f} s", flush=True)


def targets() -> dict:
    """The users and URLs of the pages, chosen by the same rule at every scale."""
    from django.db.models import Count

    from cycles.models import Project
    from metrics.models import Measure
    from teams.models import Membership, Organisation, OrganisationRole, User

    org = Organisation.objects.annotate(n=Count("teams")).order_by("-n", "pk").first()
    board = (
        User.objects.filter(organisation=org, organisation_roles__role=OrganisationRole.Role.BOARD)
        .order_by("username")
        .first()
    )
    coach = (
        User.objects.filter(organisation=org, organisation_roles__role=OrganisationRole.Role.COACH)
        .annotate(n=Count("coach_assignments"))
        .order_by("-n", "username")
        .first()
    )
    directorate = org.directorates.annotate(n=Count("teams")).order_by("-n", "pk").first()
    team = (
        org.teams.annotate(n=Count("measures", distinct=True))
        .filter(memberships__role=Membership.Role.LEAD)
        .order_by("-n", "pk")
        .first()
    )
    lead = (
        User.objects.filter(memberships__team=team, memberships__role=Membership.Role.LEAD)
        .order_by("username")
        .first()
    )
    project = (
        Project.objects.filter(team=team)
        .annotate(n=Count("change_ideas__cycles"))
        .order_by("-n", "pk")
    ).first()
    measure = (
        Measure.objects.filter(team=team).annotate(n=Count("points")).order_by("-n", "pk").first()
    )
    missing = [
        name
        for name, obj in {
            "board": board,
            "coach": coach,
            "team": team,
            "lead": lead,
            "project": project,
            "measure": measure,
            "directorate": directorate,
        }.items()
        if obj is None
    ]
    if missing:
        raise SystemExit(f"The trust has no {', '.join(missing)} to benchmark with.")
    return {
        "ceiling": (None, "/healthz"),
        "board": (board, "/dashboard/"),
        "directorate": (board, f"/dashboard/directorates/{directorate.pk}/"),
        "coach": (coach, "/coaching/dashboard/"),
        "team": (lead, f"/teams/{team.pk}/"),
        "project": (lead, f"/projects/{project.pk}/"),
        "measure": (lead, f"/measures/{measure.pk}/"),
    }


def scale_line() -> str:
    from cycles.models import PDSACycle, Project
    from metrics.models import DataPoint, Measure
    from teams.models import Team

    return (
        f"teams={Team.objects.count()} projects={Project.objects.count()} "
        f"cycles={PDSACycle.objects.count()} measures={Measure.objects.count()} "
        f"points={DataPoint.objects.count()}"
    )


def query_counts(pages: dict) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, (user, url) in pages.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        first = client.get(url)  # warm-up: a session write, a first visit, caches
        if first.status_code != 200:
            raise SystemExit(f"{name} {url}: status {first.status_code}")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = len(captured.captured_queries)
    return counts


# ---------------------------------------------------------------- server and client


def start_gunicorn(args, env, access_log) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "qi_portal.wsgi",
        "--bind", f"{HOST}:{args.port}",
        "--workers", str(args.web_workers),
        "--access-logfile", access_log,
        "--access-logformat", "%(U)s %(s)s %(D)s",
        "--log-level", "warning",
    ]  # fmt: skip
    proc = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if request("GET", "/healthz", args.port)[0] == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def request(method, path, port, headers=None, body=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.msg, response.read()
    finally:
        conn.close()


def _cookies(msg) -> dict:
    cookies = {}
    for header in msg.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    return cookies


def sign_in(username: str, password: str, port: int) -> str:
    """The Cookie header of a session signed in through the login form."""
    status, msg, body = request("GET", "/accounts/login/", port)
    token = _cookies(msg)["csrftoken"]
    form_token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    status, msg, _ = request(
        "POST",
        "/accounts/login/",
        port,
        headers={
            "Cookie": f"csrftoken={token}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": form_token}
        ),
    )
    session = _cookies(msg).get("sessionid")
    if status != 302 or not session:
        raise SystemExit(f"Signing in as {username} failed (status {status}).")
    return f"csrftoken={token}; sessionid={session}"


def run_wrk(url: str, cookie: str | None, args, lua: str) -> dict:
    seconds = f"{max(1, round(args.duration))}s"
    command = ["wrk", "-t", "2", "-c", str(args.connections), "-d", seconds, "-s", lua, url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(
        r"WRK p50_us=(\d+) p95_us=(\d+) requests=(\d+) duration_us=(\d+) errors=(\d+) "
        r"non2xx=(\d+)",
        out,
    )
    p50, p95, n, duration, errors, non2xx = (int(x) for x in match.groups())
    return {"p50_ms": p50 / 1000, "p95_ms": p95 / 1000, "n": n, "rps": n / (duration / 1e6),
            "errors": errors + non2xx}  # fmt: skip


def run_python(path: str, cookie: str | None, args) -> dict:
    """A small keep-alive client: --connections threads, each on its own connection."""
    latencies, errors, lock = [], [0], threading.Lock()
    headers = {"Cookie": cookie} if cookie else {}
    stop_at = time.perf_counter() + args.duration

    def worker():
        conn = http.client.HTTPConnection(HOST, args.port, timeout=30)
        mine, bad = [], 0
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            bad += response.status != 200
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(args.connections) as pool:
        for future in [pool.submit(worker) for _ in range(args.connections)]:
            future.result()
    elapsed = time.perf_counter() - started
    ms = [x * 1000 for x in latencies]
    return {"p50_ms": percentile(ms, 0.5), "p95_ms": percentile(ms, 0.95), "n": len(ms),
            "rps": len(ms) / elapsed, "errors": errors[0]}  # fmt: skip


def server_times(access_log: str, offset: int, path: str) -> tuple[list[float], int]:
    with open(access_log, "rb") as f:
        f.seek(offset)
        text = f.read().decode()
        end = f.tell()
    ms = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == path.split("?")[0]:
            ms.append(int(parts[2]) / 1000)
    return ms, end


# ---------------------------------------------------------------- memory


def celery_memory(env, organisation_id: int, timeout: float) -> dict:
    """Start a worker, recompute every chart and dashboard of the trust, return peak RSS."""
    from django.db import transaction
    from django.utils import timezone

    from metrics.charts.bulk import recompute_all
    from metrics.dashboards.recompute import dashboards_request
    from metrics.models import ChartSnapshot, DashboardSnapshot, Measure
    from qi_portal.celery import app
    from teams.models import Team

    app.control.purge()
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A", "qi_portal", "worker", "-Q", "charts,dashboards", "--concurrency=2",
        "--loglevel=WARNING", "--hostname=bench-pages@%h", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    worker = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        measure_ids = list(
            Measure.objects.filter(organisation_id=organisation_id).values_list("pk", flat=True)
        )
        # A run interrupted before its dashboards were done leaves them claimed (dirty) with no
        # task on this Redis db; release the claims so they are asked for again.
        DashboardSnapshot.objects.filter(organisation_id=organisation_id).update(dirty_since=None)
        started = time.perf_counter()
        with transaction.atomic():
            # As after a bulk import: every chart stale, recomputed in chunks through the
            # engine's batch form (bench_recompute.py times this path on its own).
            ChartSnapshot.objects.filter(measure__organisation_id=organisation_id).update(
                status=ChartSnapshot.Status.STALE, stale_since=timezone.now()
            )
            recompute_all(organisation_id, workers=2)
            dashboards_request(organisation_id=organisation_id)
            for team in Team.objects.filter(organisation_id=organisation_id).values(
                "pk", "directorate_id"
            ):
                dashboards_request(
                    organisation_id=organisation_id,
                    directorate_id=team["directorate_id"],
                    team_id=team["pk"],
                )
        deadline = started + timeout
        while time.perf_counter() < deadline:
            stale = (
                ChartSnapshot.objects.filter(measure__organisation_id=organisation_id)
                .exclude(status="fresh")
                .count()
            )
            dirty = DashboardSnapshot.objects.filter(
                organisation_id=organisation_id, dirty_since__isnull=False
            ).count()
            if stale == 0 and dirty == 0:
                break
            time.sleep(0.2)
        else:
            raise SystemExit(f"the recompute did not finish within {timeout:.0f} s")
        elapsed = time.perf_counter() - started
        pool = children(worker.pid)
        return {
            "measures": len(measure_ids),
            "seconds": elapsed,
            "main_mb": vm_hwm_mb(worker.pid),
            "pool_mb": [vm_hwm_mb(pid) for pid in pool],
        }
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


# ---------------------------------------------------------------- main


def reproduce(args) -> str:
    command = ["python", "benchmarks/bench_pages.py"]
    if args.smoke:
        command.append("--smoke")
    if args.scale != "default":
        command += ["--scale", args.scale]
    if not args.smoke:
        command += ["--duration", f"{args.duration:g}", "--connections", str(args.connections)]
    command += ["--database-url", args.database_url, "--redis-url", args.redis_url]
    return shlex.join(command)


def main(argv=None) -> int:
    args = parse_args(argv)
    # A terminated run still stops the gunicorn and Celery it started (the finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    env = bench_env(args)
    setup(args, env)
    pages = targets()
    mem = None
    if not (args.no_memory or args.queries_only):
        # First, so every chart and dashboard is fresh for the pages (and timed, for reference).
        mem = celery_memory(
            env, pages["board"][0].organisation_id, timeout=60 if args.smoke else 900
        )
    counts = query_counts(pages)
    if args.queries_only:
        print("QUERIES " + " ".join(f"{name}={counts[name]}" for name in PAGES))
        return 0
    print(f"# machine: nproc={os.cpu_count()} python={sys.version.split()[0]} "
          f"load={os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"# trust: {scale_line()}")
    print(f"# database={args.database_url} redis={args.redis_url} client={args.client}")

    failed = False
    compare = None
    if args.scale == "large":
        out = subprocess.run(
            [sys.executable, __file__, "--queries-only", "--database-url",
             args.default_database_url, "--redis-url", args.redis_url],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        compare = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", out.split("QUERIES", 1)[1])}
    print("\nSQL queries per page (second load, in-process test Client):")
    print(f"  {'page':<12} {'this trust':>10}" + (f" {'default':>8} equal" if compare else ""))
    for name in PAGES:
        line = f"  {name:<12} {counts[name]:>10}"
        if compare:
            equal = compare[name] == counts[name]
            failed |= not equal
            line += f" {compare[name]:>8} {'yes' if equal else 'NO'}"
        print(line)
    for name in PAGES:
        print(f"QUERIES {name} n={counts[name]}" + (f" default={compare[name]}" if compare else ""))

    log_dir = tempfile.mkdtemp(prefix="qi-bench-pages-")
    access_log = os.path.join(log_dir, "access.log")
    Path(access_log).touch()
    server = start_gunicorn(args, env, access_log)
    results = {}
    try:
        from django.conf import settings

        cookies = {}
        lua = os.path.join(log_dir, "report.lua")
        Path(lua).write_text(WRK_LUA)
        offset = Path(access_log).stat().st_size
        for name in PAGES:
            user, path = pages[name]
            cookie = None
            if user is not None:
                if user.username not in cookies:
                    cookies[user.username] = sign_in(user.username, settings.DEMO_PASSWORD,
                                                     args.port)  # fmt: skip
                cookie = cookies[user.username]
            url = f"http://{HOST}:{args.port}{path}"
            # One request first (not counted): the page's first visit and the worker's caches.
            status = request("GET", path, args.port, headers={"Cookie": cookie} if cookie else {})
            if status[0] != 200:
                raise SystemExit(f"{name} {path}: status {status[0]}")
            time.sleep(0.3)
            _, offset = server_times(access_log, offset, path)
            if args.client == "wrk":
                result = run_wrk(url, cookie, args, lua)
            else:
                result = run_python(path, cookie, args)
            time.sleep(0.3)  # gunicorn writes the access log after the response
            server_ms, offset = server_times(access_log, offset, path)
            result["server_p50_ms"] = percentile(server_ms, 0.5)
            result["server_p95_ms"] = percentile(server_ms, 0.95)
            result["user"] = user.username if user else "-"
            result["path"] = path
            results[name] = result
            failed |= result["errors"] > 0
        web_mb = [vm_hwm_mb(pid) for pid in children(server.pid)]
        master_mb = vm_hwm_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=15)
        shutil.rmtree(log_dir, ignore_errors=True)

    ceiling = results["ceiling"]["rps"]
    print(f"\nLoad: {args.client}, {args.connections} connections, {args.duration:g} s per page, "
          f"gunicorn --workers {args.web_workers} (sync) on {HOST}")  # fmt: skip
    print(f"  {'page':<12} {'p50 ms':>7} {'p95 ms':>7} {'srv p50':>8} {'srv p95':>8} "
          f"{'req/s':>7} {'x ceiling':>9} {'errors':>6}  user, path")  # fmt: skip
    for name in PAGES:
        r = results[name]
        print(f"  {name:<12} {r['p50_ms']:7.1f} {r['p95_ms']:7.1f} {r['server_p50_ms']:8.1f} "
              f"{r['server_p95_ms']:8.1f} {r['rps']:7.1f} {r['rps'] / ceiling:9.2f} "
              f"{r['errors']:6d}  {r['user']}, {r['path']}")  # fmt: skip
    for name in PAGES:
        r = results[name]
        print(f"RESULT page={name} p50_ms={r['p50_ms']:.1f} p95_ms={r['p95_ms']:.1f} "
              f"server_p50_ms={r['server_p50_ms']:.1f} server_p95_ms={r['server_p95_ms']:.1f} "
              f"rps={r['rps']:.1f} ratio={r['rps'] / ceiling:.2f} n={r['n']} "
              f"errors={r['errors']}")  # fmt: skip
    print(f"\nRESULT memory web_workers_peak_mb={','.join(f'{m:.0f}' for m in web_mb)} "
          f"web_master_peak_mb={master_mb:.0f}")  # fmt: skip

    if mem is not None:
        print(f"RESULT memory celery_pool_peak_mb={','.join(f'{m:.0f}' for m in mem['pool_mb'])} "
              f"celery_main_peak_mb={mem['main_mb']:.0f} recompute_measures={mem['measures']} "
              f"recompute_s={mem['seconds']:.1f}")  # fmt: skip
    print("# reproduce: " + reproduce(args))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
