"""scripts/push_extract.py, the data team's example client (issue 14): a CSV extract of many
measures pushed in batches to the app served for real (pytest-django's live server), with the
token from the environment; refusals named by CSV line; 429s from the app's own throttle;
retries against a real local HTTP server (the standard library's) that answers as scripted."""

import json
import re
import socket
import subprocess
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from tests.scripts.conftest import SCRIPT

live = pytest.mark.django_db(transaction=True)

HEADER = "external_id,measure,period,value,numerator,denominator,note"
# Interleaved as a warehouse query might give them; OCC named by its id (`measure`), the rest by
# their keys. With batches of 3: LOS-WILLOW 3 + 1, DNA-WILLOW 3, INC-CEDAR 2, OCC 2.
EXTRACT = [
    ("LOS-WILLOW", "2025-01-06", "31.5", "", "", ""),
    ("DNA-WILLOW", "2025-01-01", "", "12", "80", "New reminder texts"),
    ("INC-CEDAR", "2025-01-06", "4", "", "", ""),
    ("LOS-WILLOW", "2025-01-13", "29", "", "", ""),
    ("OCC", "2025-01-06", "92.5", "", "", ""),
    ("DNA-WILLOW", "2025-02-01", "", "9", "75", ""),
    ("LOS-WILLOW", "2025-01-20", "33", "", "", "Bank holiday week, with a comma"),
    ("INC-CEDAR", "2025-01-13", "2", "", "", ""),
    ("DNA-WILLOW", "2025-03-01", "", "10", "78", ""),
    ("OCC", "2025-01-13", "90", "", "", ""),
    ("LOS-WILLOW", "2025-01-27", "30", "", "", ""),
]
SUMMARY = re.compile(
    r"^Summary: (?P<batches>\d+) batch(es)?, (?P<sent>\d+) of (?P<rows>\d+) rows? sent: "
    r"(?P<saved>\d+) saved \((?P<created>\d+) created, (?P<corrected>\d+) corrected, "
    r"(?P<unchanged>\d+) unchanged\), (?P<refused>\d+) refused, (?P<failed>\d+) failed, "
    r"(?P<not_sent>\d+) not sent; (?P<retried>\d+) retried; [\d.]+ s, [\d,]+ rows/s\.$",
    re.M,
)


def write_extract(path, rows, measures, header=HEADER):
    """The CSV as the warehouse writes it; OCC's rows name the measure by its id."""
    occ = measures["trust"].pk
    lines = [header]
    for key, period, value, numerator, denominator, note in rows:
        by = ("", str(occ)) if key == "OCC" else (key, "")
        cells = [*by, period, value, numerator, denominator, f'"{note}"' if note else ""]
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def expected(rows):
    """What the portal should hold for the rows: (key, period) -> (value, num, den, note)."""
    out = {}
    for key, period, value, numerator, denominator, note in rows:
        figures = [float(x) if x else None for x in (value, numerator, denominator)]
        out[(key, period)] = (*figures, note)
    return out


def stored():
    from metrics.models import DataPoint

    points = DataPoint.objects.select_related("measure")
    return {
        (p.measure.external_id, p.period.isoformat()): (p.value, p.numerator, p.denominator, p.note)
        for p in points
    }


def history():
    """Everything a write would change: the points, their revisions, the trail, the versions."""
    from metrics.models import DataPoint, DataPointRevision, Measure
    from teams.models import AuditEvent

    return {
        "points": sorted(DataPoint.objects.values_list("measure_id", "period", "updated_at")),
        "revisions": DataPointRevision.objects.count(),
        "events": AuditEvent.objects.count(),
        "versions": sorted(Measure.objects.values_list("pk", "data_version")),
    }


def requests_counted(throttled: str) -> int:
    """How many requests the API's rate limit has counted for the token (any request would)."""
    from teams.api.throttling import TokenRateThrottle

    return len(TokenRateThrottle.cache.get(throttled, []))


def summary_of(out: str) -> dict[str, int]:
    found = SUMMARY.search(out)
    assert found, out
    return {k: int(v) for k, v in found.groupdict().items() if v and v.isdigit()}


@pytest.fixture
def portal(live_server, measures, make_token, monkeypatch):
    """The live app, an admin's token writing all four of the trust's measures (two teams and
    trust-wide) in the environment, and its rate-limit history empty."""
    from rest_framework.throttling import SimpleRateThrottle

    from teams.api.throttling import TokenRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"token": "100000/min"})
    token, key = make_token(
        "admin", name="Warehouse push", teams=["own", "other"], write=True, trust_wide=True
    )
    # Test databases reuse ids: an earlier test's requests must not count against this token.
    throttled = TokenRateThrottle.cache_format % {
        "scope": TokenRateThrottle.scope,
        "ident": token.pk,
    }
    TokenRateThrottle.cache.delete(throttled)
    monkeypatch.setenv("QI_API_TOKEN", key)
    yield SimpleNamespace(url=live_server.url, key=key, measures=measures, throttled=throttled)
    TokenRateThrottle.cache.delete(throttled)


def push(push_extract, capsys, *args):
    code = push_extract.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


# The app served for real.


@live
def test_an_extract_of_several_measures_is_pushed_in_batches_and_stored(
    portal, push_extract, capsys, tmp_path
):
    extract = write_extract(tmp_path / "extract.csv", EXTRACT, portal.measures)
    code, out, err = push(push_extract, capsys, extract, "--url", portal.url, "--batch-size", 3)
    assert code == 0, out + err
    assert stored() == expected(EXTRACT)
    assert summary_of(out) == {
        "batches": 5,
        "sent": 11,
        "rows": 11,
        "saved": 11,
        "created": 11,
        "corrected": 0,
        "unchanged": 0,
        "refused": 0,
        "failed": 0,
        "not_sent": 0,
        "retried": 0,
    }
    # Without a terminal, a plain line per batch: LOS-WILLOW's 4 rows took two of them.
    assert "batch 1/5: 3 rows saved (3 created, 0 corrected, 0 unchanged); 3/11 done" in err
    assert "batch 5/5: 2 rows saved (2 created, 0 corrected, 0 unchanged); 11/11 done" in err

    # The same extract again: the API is idempotent, so nothing changes, and it says so.
    before = history()
    code, out, err = push(push_extract, capsys, extract, "--url", portal.url, "--batch-size", 3)
    assert code == 0, out + err
    counts = summary_of(out)
    assert (counts["created"], counts["corrected"], counts["unchanged"]) == (0, 0, 11)
    assert history() == before


@live
def test_a_refused_batch_names_its_csv_lines_and_the_other_batches_are_stored(
    portal, push_extract, capsys, tmp_path
):
    rows = [
        ("LOS-WILLOW", "2025-01-06", "31.5", "", "", ""),  # line 2
        ("DNA-WILLOW", "2025-01-01", "", "12", "80", ""),  # line 3
        ("LOS-WILLOW", "2025-01-13", "29", "", "", ""),  # line 4
        ("DNA-WILLOW", "2025-02-01", "", "13", "12", ""),  # line 5: 13 of 12
        ("INC-CEDAR", "2025-01-06", "4", "", "", ""),  # line 6
        ("DNA-WILLOW", "2025-01-15", "", "3", "70", ""),  # line 7: January again
        ("LOS-WILLOW", "2025-01-20", "33", "", "", ""),  # line 8
        ("OCC", "2025-01-06", "92.5", "", "", ""),  # line 9
        ("INC-CEDAR", "2025-01-13", "2", "", "", ""),  # line 10
        ("OCC", "2025-01-13", "90", "", "", ""),  # line 11
    ]
    extract = write_extract(tmp_path / "extract.csv", rows, portal.measures)
    code, out, err = push(push_extract, capsys, extract, "--url", portal.url, "--batch-size", 3)
    assert code == 1, out + err
    # DNA-WILLOW's rows were one batch (the second): refused whole, each problem at its line,
    # the row the portal names inside a message ("also on row 0") as a line too.
    assert "batch 2/4: not saved: 400 2 of 3 rows have problems: nothing was saved." in err
    assert "  line 5 (numerator): The numerator (13) is above the denominator (12)" in err
    assert "  line 7 (period): 01/01/2025 is given twice (also on line 3)." in err
    good = [r for r in rows if r[0] != "DNA-WILLOW"]
    assert stored() == expected(good)
    counts = summary_of(out)
    assert (counts["saved"], counts["refused"], counts["not_sent"]) == (7, 3, 0)
    assert "Re-running the whole extract is safe" in err

    # --stop-on-error: nothing after the refused batch is sent.
    from metrics.models import DataPoint

    DataPoint.objects.all().delete()
    code, out, err = push(
        push_extract, capsys, extract, "--url", portal.url, "--batch-size", 3, "--stop-on-error"
    )
    assert code == 1
    assert "Stopped: the next batches were not sent." in err
    assert set(stored()) == {(k, p) for k, p, *_ in rows if k == "LOS-WILLOW"}
    counts = summary_of(out)
    assert (counts["sent"], counts["saved"], counts["refused"], counts["not_sent"]) == (6, 3, 3, 4)


@live
def test_a_figure_far_outside_its_history_is_asked_about_then_sent_confirmed(
    portal, push_extract, capsys, tmp_path
):
    """Issue 15's "is this right?" through the API: a batch holding a figure far outside the
    measure's history (3,000 days where ten weeks held 28 to 33) is refused whole, 409, its CSV
    line named, the other batches saved; with yes in a `confirmed` column it is saved."""
    weeks = [f"2025-01-{d:02d}" for d in (6, 13, 20, 27)] + [
        f"2025-02-{d:02d}" for d in (3, 10, 17, 24)
    ] + ["2025-03-03", "2025-03-10"]  # fmt: skip
    history_rows = [("LOS-WILLOW", w, str(28 + i % 6), "", "", "") for i, w in enumerate(weeks)]
    extract = write_extract(tmp_path / "history.csv", history_rows, portal.measures)
    assert push(push_extract, capsys, extract, "--url", portal.url)[0] == 0

    lines = [
        "external_id,period,value,note,confirmed",
        "INC-CEDAR,2025-03-10,4,,",  # line 2
        "LOS-WILLOW,2025-03-17,3000,Typed in minutes?,",  # line 3
    ]
    extract = tmp_path / "extract.csv"
    extract.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = push(push_extract, capsys, extract, "--url", portal.url, "--batch-size", 1)
    assert code == 1, out + err
    assert "batch 2/2: not saved: 409 1 figure is far outside" in err, err
    assert "put yes in a `confirmed` column on them" in err
    assert "  line 3 (value): Is this right? 3,000 is far above what this measure usually" in err
    assert ('send the row again with "confirmed": true.') in err
    assert ("LOS-WILLOW", "2025-03-17") not in stored()
    assert stored()[("INC-CEDAR", "2025-03-10")] == (4.0, None, None, "")
    counts = summary_of(out)
    assert (counts["saved"], counts["refused"], counts["failed"]) == (1, 1, 0)

    lines[2] += "yes"
    extract.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = push(push_extract, capsys, extract, "--url", portal.url, "--batch-size", 1)
    assert code == 0, out + err
    assert stored()[("LOS-WILLOW", "2025-03-17")] == (3000.0, None, None, "Typed in minutes?")


@live
def test_a_bad_cell_is_reported_by_its_line_and_nothing_is_sent(
    portal, push_extract, capsys, tmp_path
):
    rows = [
        *EXTRACT[:3],
        ("LOS-WILLOW", "2025-13-01", "31", "", "", ""),  # line 5
        ("LOS-WILLOW", "2025-01-13", "31,5", "", "", ""),  # line 6 (quoted below)
        ("DNA-WILLOW", "2025-02-01", "", "9", "75%", ""),  # line 7
        ("LOS-WILLOW", "2025-01-20", "nan", "", "", ""),  # line 8
    ]
    extract = write_extract(tmp_path / "extract.csv", rows, portal.measures)
    extract.write_text(extract.read_text().replace(",31,5,", ',"31,5",'))
    code, out, err = push(push_extract, capsys, extract, "--url", portal.url)
    assert code == 2
    assert err.splitlines() == [
        "line 5: period “2025-13-01” is not a date written YYYY-MM-DD.",
        "line 6: value “31,5” is not a number (write 31.5, not 31,5).",
        "line 7: denominator “75%” is not a number (write 31.5, not 31,5).",
        "line 8: value “nan” is not a number (write 31.5, not 31,5).",
        f"{extract}: nothing sent; fix the lines above and run again.",
    ]
    assert stored() == {}
    assert requests_counted(portal.throttled) == 0  # no request reached the API at all


@live
def test_a_dry_run_from_the_shell_checks_the_csv_and_sends_nothing(portal, tmp_path):
    extract = write_extract(tmp_path / "extract.csv", EXTRACT, portal.measures)
    done = subprocess.run(  # noqa: S603 (this interpreter, our script)
        [
            sys.executable,
            str(SCRIPT),
            str(extract),
            "--url",
            portal.url,
            "--dry-run",
            "--batch-size",
            "3",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == (
        "Dry run: 11 rows of 4 measures, valid; they would go in 5 batches of at most 3 rows. "
        "Nothing sent.\n"
    )
    assert stored() == {}
    assert requests_counted(portal.throttled) == 0


@live
def test_the_apps_own_429_is_honoured_then_a_rerun_sends_the_rest(
    portal, push_extract, capsys, tmp_path, monkeypatch
):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"token": "2/min"})
    extract = write_extract(tmp_path / "extract.csv", EXTRACT, portal.measures)
    args = (extract, "--url", portal.url, "--batch-size", 3, "--max-attempts", 2)
    code, out, err = push(push_extract, capsys, *args, "--max-wait", 0.2)
    assert code == 1, out + err
    # Two requests a minute: the first two batches (LOS-WILLOW's 3 + 1 rows) are saved; the
    # third is told to wait about a minute, waits --max-wait at most, tries once more, gives up.
    waits = re.findall(
        r"^batch 3/5: 429 Too Many Requests \(Retry-After (\d+) s\): trying again in 0\.2 s "
        r"\(attempt 2 of 2\)$",
        err,
        re.M,
    )
    assert len(waits) == 1 and 1 <= int(waits[0]) <= 60, err
    assert "batch 3/5: not saved: gave up after 2 attempts: 429 Too Many Requests" in err
    los = [r for r in EXTRACT if r[0] == "LOS-WILLOW"]
    assert stored() == expected(los)
    counts = summary_of(out)
    assert (counts["saved"], counts["failed"], counts["retried"]) == (4, 7, 3)

    # As the help says, run it again once the rate allows: the saved rows come back unchanged.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"token": "100000/min"})
    code, out, err = push(push_extract, capsys, *args)
    assert code == 0, out + err
    assert stored() == expected(EXTRACT)
    counts = summary_of(out)
    assert (counts["created"], counts["unchanged"], counts["retried"]) == (7, 4, 0)


@live
def test_a_bad_token_stops_at_the_first_batch(portal, push_extract, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_KEY", "qi_not-a-key-of-ours")
    extract = write_extract(tmp_path / "extract.csv", EXTRACT, portal.measures)
    code, out, err = push(
        push_extract,
        capsys,
        extract,
        "--url",
        portal.url,
        "--batch-size",
        3,
        "--token-env",
        "WAREHOUSE_KEY",
    )
    assert code == 1
    assert "batch 1/5: not saved: 401 The token is unknown, revoked or expired" in err
    assert "Stopped: the next batches were not sent." in err
    assert summary_of(out)["not_sent"] == 8
    assert stored() == {}


# A real HTTP server of the standard library's, answering as a test scripts it.


class Scripted(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.seen.append((time.monotonic(), self.headers["Authorization"], body))
        status, headers, answer = self.server.answers.pop(0)
        data = json.dumps(answer).encode()
        self.send_response(status)
        for name, value in {**headers, "Content-Type": "application/json"}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def scripted():
    """Start a local server that gives these answers in turn; it records every request."""
    servers = []

    def start(*answers):
        server = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
        server.answers, server.seen = list(answers), []
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return server, f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def ok(rows):
    return (
        200,
        {},
        {"rows": rows, "measures": 1, "counts": {"created": rows, "corrected": 0, "unchanged": 0}},
    )


def small_extract(tmp_path, n=2):
    path = tmp_path / "small.csv"
    rows = [f"LOS-WILLOW,2025-01-{6 + 7 * i:02d},{30 + i}" for i in range(n)]
    path.write_text("external_id,period,value\n" + "\n".join(rows) + "\n")
    return path


def test_a_503_backs_off_and_a_429_waits_as_retry_after_says(
    scripted, push_extract, capsys, tmp_path, monkeypatch
):
    unavailable = (503, {}, {"error": {"status": 503, "code": "down", "message": "Restarting"}})
    too_many = (429, {"Retry-After": "1"}, {"error": {"status": 429, "code": "throttled"}})
    server, url = scripted(unavailable, too_many, ok(2))
    monkeypatch.setenv("QI_API_TOKEN", "qi_from-the-environment")
    code, out, err = push(
        push_extract,
        capsys,
        small_extract(tmp_path),
        "--url",
        url,
        "--max-wait",
        5,
        "--max-attempts",
        4,
    )
    assert code == 0, out + err
    assert err.splitlines()[:2] == [
        "batch 1/1: 503 Service Unavailable: trying again in 1 s (attempt 2 of 4)",
        "batch 1/1: 429 Too Many Requests (Retry-After 1 s): trying again in 1 s (attempt 3 of 4)",
    ]
    assert len(server.seen) == 3
    (t1, auth, body), (t2, _, again), (t3, _, last) = server.seen
    assert auth == "Bearer qi_from-the-environment"
    assert body == again == last  # the same batch each time (safe: the API is idempotent)
    assert body == {
        "rows": [
            {"external_id": "LOS-WILLOW", "period": "2025-01-06", "value": 30},
            {"external_id": "LOS-WILLOW", "period": "2025-01-13", "value": 31},
        ]
    }
    assert t2 - t1 >= 1 and t3 - t2 >= 1  # it really waited
    assert summary_of(out)["retried"] == 2


def test_a_long_retry_after_is_cut_to_max_wait(
    scripted, push_extract, capsys, tmp_path, monkeypatch
):
    in_a_minute = formatdate(time.time() + 60, usegmt=True)  # Retry-After as an HTTP date
    server, url = scripted((429, {"Retry-After": in_a_minute}, {}), ok(2))
    monkeypatch.setenv("QI_API_TOKEN", "qi_x")
    started = time.monotonic()
    code, out, err = push(
        push_extract, capsys, small_extract(tmp_path), "--url", url, "--max-wait", 0.3
    )
    assert code == 0, out + err
    asked = re.search(r"\(Retry-After ([\d.]+) s\): trying again in 0\.3 s", err)
    assert asked and 50 < float(asked.group(1)) <= 60, err
    assert 0.3 <= time.monotonic() - started < 30


def test_no_answer_is_retried_then_given_up_and_the_next_batch_still_tried(
    push_extract, capsys, tmp_path, monkeypatch
):
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("QI_API_TOKEN", "qi_x")
    extract = tmp_path / "two.csv"
    extract.write_text("external_id,period,value\nA,2025-01-06,1\nB,2025-01-06,2\n")
    code, out, err = push(
        push_extract,
        capsys,
        extract,
        "--url",
        f"http://127.0.0.1:{port}",
        "--batch-size",
        1,
        "--max-attempts",
        3,
        "--max-wait",
        0.05,
    )
    assert code == 1
    for n in (1, 2):
        assert (
            f"batch {n}/2: no answer (ConnectionError): trying again in 0.05 s (attempt 3 of 3)"
            in err
        )
        assert f"batch {n}/2: not saved: gave up after 3 attempts: no answer" in err
    counts = summary_of(out)
    assert (counts["sent"], counts["failed"], counts["retried"]) == (2, 2, 4)


def test_on_a_terminal_it_draws_rich_progress_bar(
    scripted, push_extract, capsys, tmp_path, monkeypatch
):
    server, url = scripted(ok(1), ok(1))
    monkeypatch.setenv("QI_API_TOKEN", "qi_x")
    monkeypatch.setenv("TTY_INTERACTIVE", "1")  # rich: behave as on a terminal
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    code, out, err = push(
        push_extract, capsys, small_extract(tmp_path), "--url", url, "--batch-size", 1
    )
    assert code == 0, out + err
    assert "Pushing" in err and "2/2" in err and "rows saved" not in err
    assert summary_of(out)["saved"] == 2 and len(server.seen) == 2


# The parts, on their own.


def line(push_extract, number, key):
    return push_extract.Line(number, {"external_id": key, "period": "2025-01-06", "value": 1})


def test_batches_keep_each_measures_rows_together_where_they_fit(push_extract):
    keys = "AABACCCBDDDDDDDE"
    lines = [line(push_extract, i + 2, k) for i, k in enumerate(keys)]
    got = [[x.row["external_id"] for x in b] for b in push_extract.batches(lines, 4)]
    # A 3, B 2, C 3, D 7 (more than a batch holds: split, a whole batch first), E 1.
    assert got == [["A", "A", "A"], ["B", "B"], ["C", "C", "C"], ["D"] * 4, ["D", "D", "D", "E"]]
    flat = [x for b in push_extract.batches(lines, 4) for x in b]
    assert sorted(x.number for x in flat) == [x.number for x in lines]
    grouped = [x for key in "ABCDE" for x in lines if x.row["external_id"] == key]
    assert push_extract.batches(lines, 100) == [grouped]


def test_read_extract_numbers_lines_as_a_spreadsheet_shows_them(push_extract, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(
        "\ufeffExternal_ID,Period,Numerator,Denominator,Note\n"  # Excel's BOM and capitals
        'DNA-WILLOW,2025-01-01,12,80,"Two\nlines"\n'
        "\n"
        "DNA-WILLOW, 2025-02-01 ,9,,\n",
        encoding="utf-8",
    )
    got = push_extract.read_extract(path)
    assert [(x.number, x.row) for x in got] == [
        (
            2,
            {
                "external_id": "DNA-WILLOW",
                "period": "2025-01-01",
                "numerator": 12,
                "denominator": 80,
                "note": "Two\nlines",
            },
        ),
        (
            5,
            {
                "external_id": "DNA-WILLOW",
                "period": "2025-02-01",
                "numerator": 9,
                "denominator": None,
            },
        ),
    ]


def test_read_extract_takes_yes_or_no_in_the_confirmed_column(push_extract, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(
        "external_id,period,value,Confirmed\nA,2025-01-06,1,Yes\nA,2025-01-13,2,no\n"
        "A,2025-01-20,3,\nA,2025-01-27,4,TRUE\n",
        encoding="utf-8",
    )
    got = [x.row.get("confirmed") for x in push_extract.read_extract(path)]
    assert got == [True, None, None, True]  # "no" and empty: the key is not sent at all


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("period,value\n2025-01-06,1\n", "line 1: no external_id (or measure) column"),
        ("external_id,period,vaule\nA,2025-01-06,1\n", "line 1: unknown column “vaule”"),
        ("external_id,period,numerator\nA,2025-01-06,1\n", "numerator and denominator go together"),
        ("external_id,period,value\nA,2025-01-06,1,2\n", "line 2: 4 cells; the header has 3."),
        ("external_id,measure,period,value\nA,3,2025-01-06,1\n", "line 2: give external_id or"),
        ("measure,period,value\nx12,2025-01-06,1\n", "line 2: measure “x12” is not a measure id"),
        ("external_id,period,value\nA,20250106,1\n", "line 2: period “20250106” is not a date"),
        ("external_id,period,value\nA,2025-01-06,1e999\n", "line 2: value “1e999” is too large."),
        ("external_id,period,value\nA,2025-01-06,1_000\n", "line 2: value “1_000” is not a number"),
        ("", "is empty: it needs a header line."),
        ("external_id,period,value,confirmed\nA,2025-01-06,1,sure\n", "confirmed “sure” is not"),
    ],
)
def test_read_extract_refuses_what_the_api_would_misread(push_extract, tmp_path, text, problem):
    path = tmp_path / "x.csv"
    path.write_text(text)
    with pytest.raises(push_extract.ExtractError) as refused:
        push_extract.read_extract(path)
    assert any(problem in p for p in refused.value.problems), refused.value.problems


def test_the_token_is_never_an_argument(push_extract, tmp_path, monkeypatch, capsys):
    extract = small_extract(tmp_path)
    monkeypatch.delenv("QI_API_TOKEN", raising=False)
    with pytest.raises(SystemExit) as no_token:
        push_extract.main([str(extract), "--url", "https://portal.example.nhs.uk"])
    assert no_token.value.code == 2
    assert "no API token: set it first" in capsys.readouterr().err
    # No --token, not even as an abbreviation of --token-env.
    with pytest.raises(SystemExit) as given:
        push_extract.main([str(extract), "--url", "https://x.example", "--token", "qi_secret"])
    assert given.value.code == 2
    assert "unrecognized arguments: --token" in capsys.readouterr().err
    with pytest.raises(SystemExit) as named:
        push_extract.main([str(extract), "--url", "https://x.example", "--token-env", "qi_a-b"])
    assert named.value.code == 2
    assert "qi_a-b" not in capsys.readouterr().err


@pytest.mark.parametrize("size", ["0", "10001"])
def test_a_batch_holds_1_to_10000_rows(push_extract, tmp_path, size, capsys):
    with pytest.raises(SystemExit) as refused:
        push_extract.main([str(small_extract(tmp_path)), "--dry-run", "--batch-size", size])
    assert refused.value.code == 2
    assert "--batch-size must be from 1 to 10,000." in capsys.readouterr().err
