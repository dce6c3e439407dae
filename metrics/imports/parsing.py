"""Reading pasted or uploaded tables of periods and values into `entry.Row`s.

What people paste comes from Excel, e-mails and reporting systems: tabs or commas (or
semicolons), a header row or none, UK dates (31/03/2025) or ISO dates (2025-03-31), numbers with
thousands separators or a percent sign. Each cell that cannot be read gives one problem, in words,
on its row; the domain checks (future period, duplicates, numerator above denominator...) are the
entry service's. Nothing here touches the database.
"""

import codecs
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from metrics.entry.numbers import parse_number, shortened
from metrics.entry.services import Row

# More rows than any real series (ten years of daily data is 3,650): a bigger paste is a mistake.
MAX_ROWS = 5000
MAX_UPLOAD_BYTES = 1_000_000

# Header words people use, mapped to our columns (compared lower-cased, punctuation stripped).
HEADER_WORDS = {
    "period": {"period", "date", "week", "weekcommencing", "wc", "weekstarting", "month", "day"},
    "value": {"value", "count", "result", "measure", "number", "total", "days", "rate"},
    "numerator": {"numerator", "num", "events", "cases"},
    "denominator": {"denominator", "den", "denom", "population", "outof", "base"},
    "note": {"note", "notes", "comment", "comments", "annotation"},
}

UK_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
MONTH_NAMES = ("%b %Y", "%B %Y", "%d %b %Y", "%d %B %Y", "%b-%y", "%b %y", "%B %y")
# A data point's note holds at most this many characters (DataPoint.note).
NOTE_LENGTH = 500
# No period, number or note is anywhere near this long; csv refuses longer cells anyway.
CELL_LENGTH = 10_000


class TableRefused(ValueError):
    """The whole paste or file cannot be read (empty, too long, not text)."""


@dataclass(frozen=True)
class Table:
    rows: list[Row]
    delimiter: str
    has_header: bool
    columns: tuple[str, ...]  # our column name for each position, "" for ignored ones


def decode_upload(data: bytes) -> str:
    """Text of an uploaded file: UTF-8 (with or without Excel's BOM), else Windows-1252."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise TableRefused(
            f"The file is larger than {MAX_UPLOAD_BYTES // 1_000_000} MB: "
            "split it, or keep only the period and value columns."
        )
    not_text = TableRefused(
        "The file is not plain text. In Excel use File → Save As → CSV (comma delimited)."
    )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text" (tab separated, UTF-16 with its byte order mark).
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise not_text from None
    elif b"\x00" in data:
        # Anywhere in the file, not only its start: the database cannot store the character.
        raise not_text
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise not_text
    return text


def detect_delimiter(lines: list[str]) -> str:
    """Tabs (a paste from a spreadsheet), else whichever of , ; splits the first lines into
    cells best: most lines holding a date cell, then most lines of two cells or more; a comma
    when they tie. (csv.Sniffer was misled by quoted cells holding the other delimiter.)"""
    sample = lines[:20]
    if any("\t" in line for line in sample):
        return "\t"

    def score(delimiter: str) -> tuple[int, int]:
        dated = split = 0
        for line in sample:
            try:
                cells = next(csv.reader([line], delimiter=delimiter), [])
            except csv.Error:
                continue
            dated += any(len(c) <= 40 and parse_date(c) is not None for c in cells)
            split += len(cells) >= 2
        return dated, split

    return ";" if score(";") > score(",") else ","


def parse_date(text: str) -> dt.date | None:
    """ISO (2025-03-31) or UK (31/03/2025, 31-03-25, 31.03.2025); 'March 2025' is its first day.
    US order (03/31/2025) is never guessed: a UK trust's dates are day first."""
    text = text.strip()
    try:
        if match := ISO_DATE.match(text):
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if match := UK_DATE.match(text):
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year + 2000 if year < 100 else year, month, day)
    except ValueError:
        return None
    for fmt in MONTH_NAMES:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _header_word(cell: str) -> str:
    word = re.sub(r"[^a-z]", "", cell.lower())
    for column, words in HEADER_WORDS.items():
        if word in words:
            return column
    return ""


def _columns(header: list[str] | None, width: int, uses_denominator: bool) -> tuple[str, ...]:
    if header is not None:
        named = [_header_word(cell) for cell in header]
        if not uses_denominator and "value" not in named and "denominator" not in named:
            # "events" or "cases" alone is the value of a count (C, T or G chart).
            named = ["value" if c == "numerator" else c for c in named]
        if "period" in named and any(c in named for c in ("value", "numerator", "denominator")):
            _refuse_repeated_columns(header, named)
            return tuple(named)
        # A header we cannot map: assume the usual order, as without a header.
    order = (
        ("period", "numerator", "denominator", "note")
        if uses_denominator
        else ("period", "value", "note")
    )
    return tuple(order[i] if i < len(order) else "" for i in range(width))


def _refuse_repeated_columns(header: list[str], named: list[str]) -> None:
    for column in dict.fromkeys(c for c in named if c):
        positions = [i + 1 for i, c in enumerate(named) if c == column]
        if len(positions) > 1:
            cells = " and ".join(
                f"column {i} (“{shortened(header[i - 1], 20)}”)" for i in positions
            )
            raise TableRefused(
                f"The header names the {column} twice: {cells}. Keep one of them, so that it is "
                "clear which one to import."
            )


def _is_header(cells: list[str]) -> bool:
    """A first row whose first cell is no date but some cell has letters is a header."""
    first = cells[0] if cells else ""
    return parse_date(first) is None and any(re.search(r"[A-Za-z]", c) for c in cells)


def _row(cells: list[str], columns: tuple[str, ...], line: int) -> Row:
    row = Row(period=None, line=line)
    for cell, column in zip(cells, columns, strict=False):
        if column == "period":
            if not cell.strip():
                row.problems.append("The period is missing.")
            else:
                row.period = parse_date(cell)
                if row.period is None:
                    row.problems.append(
                        f"“{shortened(cell)}” is not a date: use 31/03/2025 or 2025-03-31."
                    )
        elif column == "note":
            row.note = cell.strip()
            if len(row.note) > NOTE_LENGTH:
                # Never cut silently: what is saved must be what the person sees.
                row.problems.append(
                    f"The note is {len(row.note):,} characters long; at most {NOTE_LENGTH} "
                    "can be kept. Shorten it."
                )
        elif column:
            number, problem = parse_number(cell)
            if problem is None and column != "value" and cell.strip().endswith("%"):
                # A rate's parts are counts; a percentage there would be saved as a count.
                number = None
                problem = (
                    f"“{cell.strip()}” is a percentage: give the counts (how many out of how many)."
                )
            if problem:
                # "The value ..." also tells the entry service the value was given, just unreadable.
                row.problems.append(f"The {column} {problem}")
            setattr(row, column, number)
    if "period" in columns[: len(cells)] or not cells:
        return row
    row.problems.append("The period is missing.")
    return row


def _cells(line: str, number: int, delimiter: str) -> list[str]:
    """The cells of one line (a line never holds a line break: quoted ones are not joined)."""
    try:
        cells = [cell for row in csv.reader(io.StringIO(line), delimiter=delimiter) for cell in row]
    except csv.Error:
        cells = None
    if cells is None or any(len(cell) > CELL_LENGTH for cell in cells):
        raise TableRefused(
            f"Line {number} cannot be read: it has a cell longer than {CELL_LENGTH:,} characters "
            "or a broken quote. Check that line."
        )
    return cells


def parse_table(text: str, *, uses_denominator: bool) -> Table:
    """Every non-blank line as a Row (line numbers as the person sees them in their paste)."""
    # A byte order mark pasted along with the text (or left by a decoder) is not part of a cell.
    lines = text.removeprefix("\ufeff").splitlines()
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip(" \t,;")]
    if not numbered:
        raise TableRefused("There is nothing to import: paste rows of periods and values.")
    for number, line in numbered:
        if "\x00" in line:
            raise TableRefused(f"Line {number} holds a character that is not text (NUL).")
    delimiter = detect_delimiter([line for _, line in numbered])
    records = [(number, _cells(line, number, delimiter)) for number, line in numbered]
    has_header = _is_header(records[0][1])
    header = records[0][1] if has_header else None
    body = records[1:] if has_header else records
    if not body:
        raise TableRefused("There is only a header row: paste the rows of data under it.")
    if len(body) > MAX_ROWS:
        raise TableRefused(
            f"There are {len(body):,} rows; at most {MAX_ROWS:,} can be imported at once. "
            "Split the data into smaller pieces."
        )
    width = max(len(cells) for _, cells in records)
    columns = _columns(header, width, uses_denominator)
    rows = [_row(cells, columns, number) for number, cells in body]
    return Table(rows=rows, delimiter=delimiter, has_header=has_header, columns=columns)
