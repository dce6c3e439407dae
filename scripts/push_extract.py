"""Push a CSV extract of many measures to the QI Portal's API, in batches (issue 14).

The example client the trust's data team runs after each warehouse extract:

    export QI_API_TOKEN=qi_...     # a writing token: from the environment, never an argument
    python scripts/push_extract.py extract.csv --url https://portal.example.nhs.uk
    python scripts/push_extract.py extract.csv --dry-run       # check the CSV, send nothing
    python scripts/push_extract.py extract.csv --url ... --batch-size 2000 --stop-on-error

The CSV has a header line, then a row per period of a measure:

    external_id,period,value,numerator,denominator,note
    LOS-WILLOW,2025-01-06,31.5,,,
    DNA-WILLOW,2025-01-01,,12,80,New reminder texts

`external_id` (the warehouse's key of the measure) or `measure` (its id in the portal);
`period`, a day of the period written YYYY-MM-DD; `value`, or `numerator` and `denominator`;
`note`, optional; `confirmed`, optional: yes on a row whose figures you have checked although
the portal said they are far outside the measure's history ("is this right?": a batch holding
such a row unconfirmed is refused, 409, naming its line). An empty cell is null. Every cell
is checked before anything is sent: each bad one is reported with its line number, and then
nothing is sent (exit 2).

Rows go to POST /api/data-points/ in batches (--batch-size, at most 10,000), one measure's rows
kept in one batch where they fit, so that each measure is saved whole or not at all. A batch
the portal refuses (400) has each problem printed with its CSV line; the next batches go on
(or --stop-on-error stops). A 429 waits as Retry-After says; a 5xx or a lost connection is
tried again after 1, 2, 4... seconds (--max-attempts, --max-wait).

Re-running is safe: the API is idempotent, so rows already saved come back "unchanged". After
a failure, fix the CSV (or wait) and send the whole extract again.

Exit codes: 0 every row saved; 1 some rows refused or not saved; 2 a usage or CSV error
(nothing sent). Needs `requests` and `rich` only (pip install requests rich), not Django.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import email.utils
import math
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import requests
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

ENDPOINT = "/api/data-points/"
MAX_BATCH = 10_000  # the API's API_MAX_BATCH_ROWS (its default)
DEFAULT_BATCH = 5_000
FIGURES = ("value", "numerator", "denominator")
COLUMNS = ("external_id", "measure", "period", *FIGURES, "note", "confirmed")
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0"}
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")  # not "1,5", "5%", "nan", "1_0"
WHOLE = re.compile(r"[+-]?\d+")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
EPILOG = """\
the CSV: a header line, then a row per period of a measure
  external_id,period,value,numerator,denominator,note
  LOS-WILLOW,2025-01-06,31.5,,,
  DNA-WILLOW,2025-01-01,,12,80,New reminder texts
  (`measure`, the portal's id, may name the measure instead of `external_id`; an
  empty cell is null; `note` is optional; `confirmed`, optional, is yes on a row
  checked after the portal asked "is this right?" of figures far outside its history)

Re-running after a failure is safe: the API is idempotent, so rows already saved
come back "unchanged". Exit codes: 0 every row saved; 1 some rows refused or not
saved; 2 a usage or CSV error (nothing sent)."""
RETRYABLE = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class ExtractError(Exception):
    """The extract cannot be sent: every problem found, each naming its line."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the extract")
        self.problems = problems


@dataclass(frozen=True)
class Line:
    number: int  # the CSV line the row starts on (the header is line 1)
    row: dict  # the row as POST /api/data-points/ takes it

    @property
    def measure(self) -> tuple[str, object]:
        """What names the row's measure: ("external_id", "LOS-WILLOW") or ("measure", 12)."""
        name = "external_id" if "external_id" in self.row else "measure"
        return name, self.row[name]


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 'es' if word.endswith('ch') else 's'}"


def _shown(text: str) -> str:
    return f"“{text[:40]}{'…' if len(text) > 40 else ''}”"


def _number(text: str | None, name: str, where: str, problems: list[str]) -> float | int | None:
    if text is None:
        return None
    if not NUMBER.fullmatch(text):
        problems.append(f"{where}: {name} {_shown(text)} is not a number (write 31.5, not 31,5).")
        return None
    x = int(text) if WHOLE.fullmatch(text) else float(text)
    if not math.isfinite(x):
        problems.append(f"{where}: {name} {_shown(text)} is too large.")
        return None
    return x


def _row(cells: dict[str, str | None], where: str, problems: list[str]) -> dict | None:
    """One CSV row as the API takes it, or None (its problems added)."""
    before = len(problems)
    row: dict = {}
    key, ref = cells.get("external_id"), cells.get("measure")
    if key is not None and ref is not None:
        problems.append(f"{where}: give external_id or measure, not both.")
    elif key is not None:
        row["external_id"] = key
    elif ref is not None:
        if ref.isdigit() and int(ref) > 0:
            row["measure"] = int(ref)
        else:
            problems.append(f"{where}: measure {_shown(ref)} is not a measure id (a whole number).")
    else:
        problems.append(f"{where}: no measure: external_id (or measure) is empty.")
    period = cells.get("period")
    try:
        valid = period is not None and DATE.fullmatch(period) and dt.date.fromisoformat(period)
    except ValueError:
        valid = False
    if valid:
        row["period"] = period
    elif period is None:
        problems.append(f"{where}: the period is empty (a date, YYYY-MM-DD).")
    else:
        problems.append(f"{where}: period {_shown(period)} is not a date written YYYY-MM-DD.")
    for name in FIGURES:
        if name in cells:
            row[name] = _number(cells[name], name, where, problems)
    if row.get("value") is not None and any(row.get(n) is not None for n in FIGURES[1:]):
        problems.append(f"{where}: give a value, or a numerator and denominator, not both.")
    if cells.get("note") is not None:
        row["note"] = cells["note"]
    confirmed = cells.get("confirmed")
    if confirmed is not None:
        if confirmed.lower() in YES:
            row["confirmed"] = True
        elif confirmed.lower() not in NO:
            problems.append(f"{where}: confirmed {_shown(confirmed)} is not yes or no.")
    return row if len(problems) == before else None


def _header_problems(columns: list[str]) -> list[str]:
    problems = [
        f"line 1: the column {_shown(c)} is given twice."
        for c in sorted(set(columns))
        if columns.count(c) > 1
    ]
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        problems.append(
            f"line 1: unknown column {_shown(unknown[0])}: the columns are {', '.join(COLUMNS)}."
        )
    if "external_id" not in columns and "measure" not in columns:
        problems.append("line 1: no external_id (or measure) column names the measures.")
    if "period" not in columns:
        problems.append("line 1: no period column.")
    if not any(name in columns for name in FIGURES):
        problems.append("line 1: no figures: give a value column, or numerator and denominator.")
    if ("numerator" in columns) != ("denominator" in columns):
        problems.append("line 1: numerator and denominator go together: give both columns.")
    return problems


def read_extract(path: str | Path) -> list[Line]:
    """Every row of the CSV, checked; ExtractError lists every problem, each with its line."""
    problems: list[str] = []
    lines: list[Line] = []
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:  # Excel's BOM is fine
            reader = csv.reader(file, strict=True)
            try:
                header = next(reader, None)
                if header is None:
                    raise ExtractError([f"{path} is empty: it needs a header line."])
                columns = [name.strip().lower() for name in header]
                if problems := _header_problems(columns):
                    raise ExtractError(problems)
                start = reader.line_num + 1
                for cells in reader:
                    number, start = start, reader.line_num + 1  # a quoted note may span lines
                    where = f"line {number}"
                    if not any(cell.strip() for cell in cells):
                        continue  # a blank line
                    if len(cells) != len(columns):
                        problems.append(
                            f"{where}: {len(cells)} cells; the header has {len(columns)}."
                        )
                        continue
                    given = {
                        c: cell.strip() or None for c, cell in zip(columns, cells, strict=True)
                    }
                    row = _row(given, where, problems)
                    if row is not None:
                        lines.append(Line(number, row))
            except csv.Error as error:
                problems.append(f"line {reader.line_num}: {error} (the CSV cannot be read on).")
    except UnicodeDecodeError:
        problems.append(f"{path} is not UTF-8 text: save the extract as “CSV UTF-8”.")
    except OSError as error:
        problems.append(f"{path}: {error.strerror}.")
    if problems:
        raise ExtractError(problems)
    return lines


def batches(lines: list[Line], size: int) -> list[list[Line]]:
    """The rows in batches of at most `size`, each measure's rows in one batch where they fit
    (a measure with more rows than a batch holds fills batches of its own first)."""
    groups: dict[tuple, list[Line]] = {}
    for line in lines:
        groups.setdefault(line.measure, []).append(line)
    out: list[list[Line]] = []
    current: list[Line] = []
    for group in groups.values():
        if current and len(current) + len(group) > size:
            out.append(current)
            current = []
        while len(group) > size:
            out.append(group[:size])
            group = group[size:]
        current += group
    if current:
        out.append(current)
    return out


@dataclass
class Outcome:
    """What became of one batch."""

    saved: bool
    counts: dict = field(default_factory=dict)  # created / corrected / unchanged, when saved
    message: str = ""  # why not, when not saved
    problems: list[str] = field(default_factory=list)  # the portal's, each with its CSV line
    retries: int = 0
    refused: bool = False  # the portal said no to these rows (else: it could not be reached)
    fatal: bool = False  # no later batch can fare better (a bad token, a wrong address)


def retry_after(response: requests.Response) -> float | None:
    """The wait a 429 (or 503) asks for: Retry-After in seconds, or as an HTTP date."""
    text = (response.headers.get("Retry-After") or "").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000": UTC, as HTTP dates are
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, round((when - dt.datetime.now(dt.UTC)).total_seconds(), 1))


def _problem(problem: dict, batch: list[Line]) -> str:
    """A problem of the portal's, its row index (and any 'row N' it names) as CSV lines."""

    def line_of(match: re.Match) -> str:
        i = int(match.group(1))
        return f"line {batch[i].number}" if i < len(batch) else match.group(0)

    row, name = problem.get("row"), problem.get("field") or ""
    message = re.sub(r"\brow (\d+)\b", line_of, str(problem.get("message", "")))
    known = isinstance(row, int) and 0 <= row < len(batch)
    where = f"line {batch[row].number}" if known else "the batch"
    return f"{where}{f' ({name})' if name else ''}: {message}"


def _refusal(response: requests.Response, batch: list[Line], retries: int) -> Outcome:
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    problems = [_problem(p, batch) for p in error.get("problems") or [] if isinstance(p, dict)]
    status = response.status_code
    message = f"{status} {error.get('message') or response.reason}"
    unconfirmed = status == 409 and error.get("code") == "unconfirmed"
    if unconfirmed:
        message += (
            " Check those lines at the source; if they are right, put yes in a `confirmed` "
            "column on them and send the extract again."
        )
    about_rows = (status in (400, 403) or unconfirmed) and any(
        p.startswith("line ") for p in problems
    )
    return Outcome(
        saved=False,
        message=message,
        problems=problems,
        retries=retries,
        refused=True,
        fatal=not about_rows,
    )


def push_batch(
    session: requests.Session,
    url: str,
    batch: list[Line],
    *,
    max_attempts: int = 5,
    max_wait: float = 300.0,
    timeout: float = 300.0,
    say: Callable[[str], None] = print,
) -> Outcome:
    """POST one batch; on a 429, a 5xx or a lost connection wait and send it again (safe: the
    API is idempotent), at most `max_attempts` times, each wait at most `max_wait` seconds."""
    body = {"rows": [line.row for line in batch]}
    why = ""
    for attempt in range(1, max_attempts + 1):
        try:
            response = session.post(url, json=body, timeout=timeout)
        except RETRYABLE as error:
            why, asked = f"no answer ({type(error).__name__})", None
        else:
            status = response.status_code
            if status == 200:
                try:
                    return Outcome(
                        saved=True, counts=response.json()["counts"], retries=attempt - 1
                    )
                except (ValueError, KeyError, TypeError):
                    return Outcome(
                        saved=False, message="200 with an unreadable answer", retries=attempt - 1
                    )
            if status != 429 and status < 500:
                return _refusal(response, batch, attempt - 1)
            asked = retry_after(response)
            why = f"{status} {response.reason}"
            if asked is not None:
                why += f" (Retry-After {asked:g} s)"
        if attempt == max_attempts:
            break
        wait = min(max_wait, asked if asked is not None else 2.0 ** (attempt - 1))
        say(f"{why}: trying again in {wait:g} s (attempt {attempt + 1} of {max_attempts})")
        time.sleep(wait)
    return Outcome(
        saved=False,
        message=f"gave up after {max_attempts} attempts: {why}",
        retries=max_attempts - 1,
    )


@dataclass
class Summary:
    batches: int
    rows: int
    sent: int = 0
    saved: int = 0
    refused: int = 0
    failed: int = 0
    retries: int = 0
    counts: Counter = field(default_factory=lambda: Counter(created=0, corrected=0, unchanged=0))

    def add(self, outcome: Outcome, n: int) -> None:
        self.sent += n
        self.retries += outcome.retries
        if outcome.saved:
            self.saved += n
            self.counts.update(outcome.counts)
        elif outcome.refused:
            self.refused += n
        else:
            self.failed += n

    def text(self, seconds: float) -> str:
        counts = ", ".join(f"{v:,} {k}" for k, v in self.counts.items())
        rate = self.sent / seconds if seconds > 0 else 0.0
        return (
            f"Summary: {_n(self.batches, 'batch')}, {self.sent:,} of {_n(self.rows, 'row')} sent: "
            f"{self.saved:,} saved ({counts}), {self.refused:,} refused, {self.failed:,} failed, "
            f"{self.rows - self.sent:,} not sent; {self.retries:,} retried; "
            f"{seconds:.2f} s, {rate:,.0f} rows/s."
        )


class Report:
    """Progress on stderr: rich's bar on a terminal, a plain line per batch otherwise (a cron
    job's log). Messages are plain text (never read as rich markup)."""

    def __init__(self, total: int):
        console = Console(stderr=True)
        self.bar = None
        if console.is_interactive:
            self.bar = Progress(
                TextColumn("Pushing"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("rows"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=console,
            )
            self.task = self.bar.add_task("push", total=total)
        self.total, self.done = total, 0

    def __enter__(self) -> Report:
        if self.bar:
            self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.bar:
            self.bar.stop()

    def say(self, text: str, *, about: str = "") -> None:
        text = f"{about}: {text}" if about else text
        if self.bar:
            self.bar.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            print(text, file=sys.stderr, flush=True)

    def batch_done(self, label: str, n: int, outcome: Outcome) -> None:
        self.done += n
        if self.bar:
            self.bar.advance(self.task, n)
        elif outcome.saved:
            counts = ", ".join(f"{v:,} {k}" for k, v in outcome.counts.items())
            self.say(f"{n:,} rows saved ({counts}); {self.done:,}/{self.total:,} done", about=label)


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, str]:
    parser = argparse.ArgumentParser(
        prog="push_extract.py",
        description="Push a CSV extract of many measures to the QI Portal's API, in batches.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,  # so that "--token KEY" is refused, not read as --token-env
    )
    parser.add_argument("extract", type=Path, help="the CSV extract")
    parser.add_argument("--url", help="the portal's address, e.g. https://portal.example.nhs.uk")
    parser.add_argument(
        "--token-env",
        default="QI_API_TOKEN",
        metavar="NAME",
        help="the environment variable holding the API token (default QI_API_TOKEN); the "
        "token itself is never an argument, so it stays out of shell history",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH,
        metavar="N",
        help=f"rows per request, 1 to {MAX_BATCH:,} (default {DEFAULT_BATCH:,})",
    )
    parser.add_argument("--dry-run", action="store_true", help="check the CSV; send nothing")
    parser.add_argument(
        "--stop-on-error",
        action="store_true",
        help="stop at the first batch not saved (default: go on, and exit 1 at the end)",
    )
    parser.add_argument(
        "--max-attempts",
        type=int,
        default=5,
        metavar="N",
        help="tries per batch on a 429, a 5xx or a lost connection (default 5)",
    )
    parser.add_argument(
        "--max-wait",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="the longest wait before a try: caps Retry-After and the backoff (default 300)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="how long to wait for the portal's answer to one batch (default 300)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.batch_size <= MAX_BATCH:
        parser.error(f"--batch-size must be from 1 to {MAX_BATCH:,}.")
    if args.max_attempts < 1 or args.max_wait < 0 or args.timeout <= 0:
        parser.error("--max-attempts must be 1 or more, --max-wait 0 or more, --timeout > 0.")
    if args.dry_run:
        return args, ""
    if not args.url or not re.match(r"https?://[^/\s]+", args.url):
        parser.error("--url is needed, e.g. https://portal.example.nhs.uk (or use --dry-run).")
    if not ENV_NAME.fullmatch(args.token_env) or args.token_env.startswith("qi_"):
        parser.error("--token-env takes the name of an environment variable, not the token.")
    token = os.environ.get(args.token_env, "").strip()
    if not token:
        parser.error(
            f"no API token: set it first, e.g. `read -s {args.token_env}; export "
            f"{args.token_env}` (a QI admin makes tokens)."
        )
    return args, token


def main(argv: list[str] | None = None) -> int:
    args, token = parse_args(argv)
    try:
        lines = read_extract(args.extract)
    except ExtractError as error:
        print("\n".join(error.problems), file=sys.stderr)
        print(f"{args.extract}: nothing sent; fix the lines above and run again.", file=sys.stderr)
        return 2
    planned = batches(lines, args.batch_size)
    measures = len({line.measure for line in lines})
    if args.dry_run:
        print(
            f"Dry run: {_n(len(lines), 'row')} of {_n(measures, 'measure')}, valid; they would go "
            f"in {_n(len(planned), 'batch')} of at most {args.batch_size:,} rows. Nothing sent."
        )
        return 0
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {token}", "User-Agent": "push-extract/1"})
    url = args.url.rstrip("/") + ENDPOINT
    summary = Summary(batches=len(planned), rows=len(lines))
    started = time.monotonic()
    with Report(total=len(lines)) as report:
        for number, batch in enumerate(planned, 1):
            label = f"batch {number}/{len(planned)}"
            outcome = push_batch(
                session,
                url,
                batch,
                max_attempts=args.max_attempts,
                max_wait=args.max_wait,
                timeout=args.timeout,
                say=partial(report.say, about=label),
            )
            summary.add(outcome, len(batch))
            report.batch_done(label, len(batch), outcome)
            if not outcome.saved:
                report.say(f"not saved: {outcome.message}", about=label)
                for problem in outcome.problems:
                    report.say(f"  {problem}")
                if outcome.fatal or args.stop_on_error:
                    report.say("Stopped: the next batches were not sent.")
                    break
    print(summary.text(time.monotonic() - started))
    if summary.saved < summary.rows:
        print(
            "Re-running the whole extract is safe: rows already saved stay unchanged.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
