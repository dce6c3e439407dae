"""Hypothesis strategies for pasted and uploaded tables: well-formed ones in all the ways people
write them (with the values they mean), and malformed ones of every kind an import meets."""

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from hypothesis import strategies as st

# One measure of each chart type's data shape, and the frequency its periods follow.
SPECS = {
    "xmr_week": {"chart_type": "xmr", "frequency": "week"},
    "run_month": {"chart_type": "run", "frequency": "month"},
    "c_day": {"chart_type": "c", "frequency": "day"},
    "p_week": {"chart_type": "p", "frequency": "week"},
    "u_month": {"chart_type": "u", "frequency": "month"},
}
DENOMINATOR_CHARTS = {"p", "pp", "u", "up"}

FIRST = dt.date(2022, 1, 3)  # a Monday


def periods_of(frequency: str) -> list[dt.date]:
    """Aligned periods in the past: 150 of them, so imports repeat and overlap stored data."""
    if frequency == "day":
        return [FIRST + dt.timedelta(days=i) for i in range(150)]
    if frequency == "week":
        return [FIRST + dt.timedelta(weeks=i) for i in range(150)]
    return [dt.date(2012 + i // 12, i % 12 + 1, 1) for i in range(150)]


HEADER_SYNONYMS = {
    "period": ["period", "Date", "Week commencing", "W/C", "Month", "week starting", "DAY"],
    "value": ["value", "Count", "Result", "Number", "Total", "rate", "Days"],
    "numerator": ["numerator", "Num", "Events", "cases"],
    "denominator": ["denominator", "Den", "Denom", "Population", "Out of", "base"],
    "note": ["note", "Notes", "Comment", "comments", "Annotation"],
}


def date_forms(day: dt.date) -> list[str]:
    """The ways people write one date (all read as that date)."""
    forms = [
        f"{day:%Y-%m-%d}",
        f"{day.year}-{day.month}-{day.day}",
        f"{day:%d/%m/%Y}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day:%d-%m-%Y}",
        f"{day:%d.%m.%Y}",
        f"{day:%d %B %Y}",
        f"{day:%d %b %Y}",
        f" {day:%d/%m/%Y} ",
    ]
    if 2000 <= day.year <= 2099:
        forms.append(f"{day:%d/%m/%y}")
    if day.day == 1:
        forms += [f"{day:%B %Y}", f"{day:%b %Y}", f"{day:%b-%y}", f"{day:%b %y}"]
    return forms


def written(pair) -> str:
    day, choice = pair
    forms = date_forms(day)
    return forms[choice % len(forms)]


def date_text(days: st.SearchStrategy[dt.date]) -> st.SearchStrategy[str]:
    return st.tuples(days, st.integers(0, 15)).map(written)


@st.composite
def number_text(draw, *, minimum: int = 0, maximum: int = 10**7, percent_ok=True):
    """A number as people write it, and the float it means."""
    whole = draw(st.integers(minimum, maximum))
    places = draw(st.integers(0, 3))
    fraction = draw(st.integers(0, 10**places - 1)) if places else None
    if whole < 0 and fraction:
        digits = f"{-whole:,}" if draw(st.booleans()) else str(-whole)
        plain = f"-{digits}.{fraction:0{places}d}"
    else:
        digits = f"{abs(whole):,}" if draw(st.booleans()) else str(abs(whole))
        plain = (
            ("-" if whole < 0 else "")
            + digits
            + (f".{fraction:0{places}d}" if fraction is not None else "")
        )
    meant = float(plain.replace(",", ""))
    style = draw(st.sampled_from(["plain", "spaces", "plus", "minus sign", "percent", "nbsp"]))
    text = plain
    if style == "spaces":
        text = plain.replace(",", " ")
    elif style == "nbsp":
        text = plain.replace(",", "\u00a0")
    elif style == "plus" and whole >= 0:
        text = "+" + plain
    elif style == "minus sign" and whole < 0:
        text = plain.replace("-", "\u2212", 1)
    elif style == "percent" and percent_ok:
        text = plain + "%"
    return text, meant


# Notes people write: letters, digits, punctuation (the delimiters and quotes among them),
# accents, hostile HTML and formula-like text. No line breaks (a line is a row) and no tabs
# (a tab anywhere in a paste means it came from a spreadsheet: tab separated).
NOTE_ALPHABET = st.characters(
    blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff"
)
HOSTILE_NOTES = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil.example","click")',
    "=cmd|' /C calc'!A0",
    "+SUM(A1:A9)",
    "@SUM(1+1)",
    "-2+3",
    'Bank staff, 2 shifts; "agency" too',
]
note_text = st.one_of(
    st.just(""),
    st.text(NOTE_ALPHABET, max_size=60),
    st.sampled_from(HOSTILE_NOTES),
    st.integers(400, 500).map(lambda n: ("A long note, with detail. " * 20)[:n]),
)
# Notes of any length, 500 characters being the most a data point keeps.
any_note_text = st.one_of(
    note_text, st.integers(480, 5000).map(lambda n: ("x" * 499 + "yz") * (n // 501 + 1))
)


@dataclass
class Table:
    """A generated table: its text, and (for well-formed ones) the rows it means."""

    text: str
    meant: list[dict] = field(default_factory=list)
    line_of: list[int] = field(default_factory=list)


def _line(cells: list[str], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="").writerow(cells)
    return out.getvalue()


@st.composite
def good_tables(draw, spec_key: str):
    """A table that must import exactly: aligned past periods, each once, readable numbers."""
    spec = SPECS[spec_key]
    chart = spec["chart_type"]
    ratio = chart in DENOMINATOR_CHARTS
    pool = periods_of(spec["frequency"])
    periods = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=15, unique=True))
    delimiter = draw(st.sampled_from(["\t", ",", ";"]))
    columns = (
        ["period", "numerator", "denominator", "note"] if ratio else ["period", "value", "note"]
    )
    with_header = draw(st.booleans())
    if with_header:
        columns = draw(st.permutations(columns))
    with_note = draw(st.booleans()) or columns[-1] != "note"
    if not with_note:
        columns = columns[:-1]
    rows, meant = [], []
    for period in periods:
        row = {"period": period, "note": ""}
        cells = {"period": written((period, draw(st.integers(0, 15))))}
        if ratio:
            den_text, den = draw(number_text(minimum=1, maximum=10**6, percent_ok=False))
            high = int(den) if chart == "p" else 10**6
            num_text, num = draw(number_text(minimum=0, maximum=high, percent_ok=False))
            if chart == "p" and num > den:
                num_text, num = str(int(den)), float(int(den))
            cells |= {"numerator": num_text, "denominator": den_text}
            row |= {"numerator": num, "denominator": den, "value": None}
        else:
            low = 0 if chart == "c" else -(10**6)
            value_text, value = draw(number_text(minimum=low))
            cells["value"] = value_text
            row |= {"value": value, "numerator": None, "denominator": None}
        if with_note:
            note = draw(note_text)
            if delimiter != "\t":
                note = note.replace("\t", " ")
            cells["note"] = note
            row["note"] = note.strip()
        rows.append([cells[c] for c in columns])
        meant.append(row)
    header = None
    if with_header:
        header = [draw(st.sampled_from(HEADER_SYNONYMS[c])) for c in columns]
    return _assemble(draw, rows, header, delimiter, meant)


def _assemble(draw, rows, header, delimiter, meant) -> Table:
    """Join rows into text with mixed line endings, blank lines, maybe a BOM."""
    lines, line_of = [], []
    if header is not None:
        lines.append(_line(header, delimiter))
    for row in rows:
        while draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "   ", delimiter * 3, "\t"])))
        lines.append(_line(row, delimiter))
        line_of.append(len(lines))
    text, previous = "", ""
    for line in lines:
        # A blank line after a lone CR must end in CR too: CR then LF is one line break.
        ending = (
            "\r" if previous == "\r" and not line else draw(st.sampled_from(["\n", "\r\n", "\r"]))
        )
        text += line + ending
        previous = ending
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    if draw(st.integers(0, 4)) == 0:
        text = "\ufeff" + text
    return Table(text=text, meant=meant, line_of=line_of)


# Malformed cells of every kind.
BAD_DATES = [
    "31/02/2025",
    "29/02/2023",
    "0000-01-01",
    "2025-13-01",
    "2025-00-10",
    "32/01/2025",
    "01/01/0000",
    "9999-12-31",
    "31/12/9999",
    "01/01/2100",
    "0001-01-01",
    "03/31/2025",
    "2025/01/06",
    "6th Jan 2025",
    "Janvier 2025",
    "yesterday",
    "45658",
    "",
    "  ",
    "n/a",
]
BAD_NUMBERS = [
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "-1e400",
    "1e308",
    "1.7976931348623157e308",
    "-0",
    "-0.0",
    "1,2",
    "12,5",
    "1,234,56",
    "12 days",
    "£5",
    "5£",
    "12%%",
    "%",
    "1.2.3",
    "--3",
    "0x1A",
    "1_000",
    "١٢",
    "½",
    "-",
    "n/a",
    "",
    "   ",
    "=1+1",
    "9" * 400,
    "-5",
    "0",
    "0.0000001",
]


ANY_DATE_TEXT = st.one_of(
    st.sampled_from(BAD_DATES),
    date_text(st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))),
    date_text(st.sampled_from(periods_of("week") + periods_of("month"))),
    st.text(max_size=12),
)
ANY_NUMBER_TEXT = st.one_of(
    st.sampled_from(BAD_NUMBERS),
    number_text(minimum=-(10**6)).map(lambda pair: pair[0]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**30), 10**30).map(str),
    st.text(max_size=8),
)
ANY_CELL = st.one_of(ANY_DATE_TEXT, ANY_NUMBER_TEXT, any_note_text, st.text(max_size=20))
HEADER_WORDS = [w for group in HEADER_SYNONYMS.values() for w in group] + ["foo", "", "x"]
MUTATIONS = st.sampled_from(
    ["row", "row", "cut", "repeat", "quote", "header", "mix", "blank", "swap"]
)


@st.composite
def messy_tables(draw, spec_key: str):
    """Anything from a good table with a few broken cells to a table that is all wrong:
    broken, missing, extra or repeated columns and headers, repeated periods, unbalanced
    quotes, mixed delimiters, stray line breaks."""
    if draw(st.booleans()):
        table = draw(good_tables(spec_key))
        lines = table.text.removeprefix("\ufeff").splitlines()
    else:
        lines = []
    delimiter = draw(st.sampled_from(["\t", ",", ";", "|"]))
    for _ in range(draw(st.integers(0, 8))):
        mutation = draw(MUTATIONS)
        at = draw(st.integers(0, len(lines)))
        if mutation == "row":
            width = draw(st.integers(0, 5))
            cells = [draw(ANY_CELL) for _ in range(width)]
            if width and draw(st.booleans()):
                cells[0] = draw(ANY_DATE_TEXT)
            lines.insert(
                at, delimiter.join(cells) if draw(st.booleans()) else _line(cells, delimiter)
            )
        elif mutation == "cut" and lines:
            line = lines[min(at, len(lines) - 1)]
            lines[min(at, len(lines) - 1)] = line[: draw(st.integers(0, len(line)))]
        elif mutation == "repeat" and lines:
            lines.insert(at, lines[draw(st.integers(0, len(lines) - 1))])
        elif mutation == "quote" and lines:
            i = min(at, len(lines) - 1)
            j = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:j] + '"' + lines[i][j:]
        elif mutation == "header":
            header = draw(st.lists(st.sampled_from(HEADER_WORDS), min_size=1, max_size=6))
            lines.insert(0 if draw(st.booleans()) else at, delimiter.join(header))
        elif mutation == "mix" and lines:
            i = min(at, len(lines) - 1)
            other = draw(st.sampled_from(["\t", ",", ";"]))
            lines[i] = lines[i].replace(delimiter, other).replace("\t", other)
        elif mutation == "blank":
            lines.insert(at, draw(st.sampled_from(["", " ", ",,,", "\t\t", ";"])))
        elif mutation == "swap" and len(lines) > 1:
            i = min(at, len(lines) - 1)
            lines[0], lines[i] = lines[i], lines[0]
    endings = st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x0b"])
    text = "".join(line + draw(endings) for line in lines)
    if draw(st.integers(0, 5)) == 0:
        text = "\ufeff" + text
    return text


def encodings():
    """How a file's text becomes bytes: as Excel and other tools save it."""
    return st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le"])


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-le":  # without a byte order mark: not readable as text
        return text.encode("utf-16-le", errors="replace")
    if encoding == "utf-16":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le", errors="replace")
    return text.encode(encoding, errors="replace")
