"""Reading pasted tables: delimiters, headers, UK and ISO dates, numbers as people write them,
and one plain-words problem per cell that cannot be read."""

import datetime as dt

import pytest

from metrics.entry.numbers import parse_number
from metrics.imports.parsing import MAX_ROWS, TableRefused, decode_upload, parse_date, parse_table


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-31", dt.date(2025, 3, 31)),
        ("31/03/2025", dt.date(2025, 3, 31)),
        ("3/2/2025", dt.date(2025, 2, 3)),  # day first: a UK trust's dates
        ("31-03-2025", dt.date(2025, 3, 31)),
        ("31.03.25", dt.date(2025, 3, 31)),
        ("March 2025", dt.date(2025, 3, 1)),
        ("Mar 2025", dt.date(2025, 3, 1)),
        (" 06/01/2025 ", dt.date(2025, 1, 6)),
        ("31/02/2025", None),
        ("03/31/2025", None),  # US order is never guessed
        ("last week", None),
        ("45678", None),  # an Excel serial number is not a date
    ],
)
def test_dates_are_read_uk_or_iso(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12.0),
        ("12.5", 12.5),
        ("1,234", 1234.0),
        ("1,234,567.5", 1234567.5),
        ("1 234", 1234.0),
        ("12%", 12.0),
        ("12.5 %", 12.5),
        ("-3", -3.0),
        ("\u22123", -3.0),
        (".5", 0.5),
        ("", None),
        ("-", None),
        ("n/a", None),
    ],
)
def test_numbers_are_read_as_people_write_them(text, expected):
    assert parse_number(text) == (expected, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,5", "use a point for decimals"),
        ("3l", "“3l” is not a number"),
        ("twelve", "is not a number"),
        ("1,23", "use a point for decimals"),
    ],
)
def test_bad_numbers_say_why(text, expected):
    number, problem = parse_number(text)
    assert number is None
    assert expected in problem


def test_a_tab_separated_paste_from_excel_with_a_header():
    table = parse_table(
        "Week commencing\tValue\tNote\n06/01/2025\t1,234\tfirst\n13/01/2025\t12\t\n",
        uses_denominator=False,
    )
    assert table.delimiter == "\t"
    assert table.has_header
    assert [(r.period, r.value, r.note, r.line) for r in table.rows] == [
        (dt.date(2025, 1, 6), 1234.0, "first", 2),
        (dt.date(2025, 1, 13), 12.0, "", 3),
    ]
    assert all(not r.problems for r in table.rows)


def test_a_csv_without_a_header_uses_the_usual_column_order():
    table = parse_table("2025-01-06,14,96\n2025-01-13,11,102\n", uses_denominator=True)
    assert table.delimiter == ","
    assert not table.has_header
    assert [(r.numerator, r.denominator) for r in table.rows] == [(14, 96), (11, 102)]


def test_quoted_csv_cells_keep_their_thousands_separators():
    table = parse_table('period,value\n06/01/2025,"1,250"\n', uses_denominator=False)
    assert table.rows[0].value == 1250


def test_semicolons_are_a_delimiter_too():
    table = parse_table("06/01/2025;14;96\n13/01/2025;11;102\n", uses_denominator=True)
    assert table.delimiter == ";"
    assert table.rows[1].denominator == 102


def test_header_columns_may_come_in_any_order():
    table = parse_table(
        "Denominator,Note,Numerator,Date\n200,audit,20,2025-01-01\n", uses_denominator=True
    )
    row = table.rows[0]
    assert (row.period, row.numerator, row.denominator, row.note) == (
        dt.date(2025, 1, 1),
        20,
        200,
        "audit",
    )


def test_every_bad_cell_has_its_own_problem_and_line():
    table = parse_table(
        "period,numerator,denominator\n"
        "06/01/2025,14,96\n"
        "not a date,x,96\n"
        "\n"  # blank lines are skipped, line numbers still match the paste
        "20/01/2025,7%,\n",
        uses_denominator=True,
    )
    assert [r.line for r in table.rows] == [2, 3, 5]
    assert table.rows[0].problems == []
    assert table.rows[1].problems == [
        "“not a date” is not a date: use 31/03/2025 or 2025-03-31.",
        "The numerator “x” is not a number.",
    ]
    assert table.rows[2].problems == [
        "The numerator “7%” is a percentage: give the counts (how many out of how many)."
    ]


def test_a_missing_period_cell_is_a_problem():
    table = parse_table(",12\n06/01/2025,3\n", uses_denominator=False)
    assert table.rows[0].problems == ["The period is missing."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "nothing to import"),
        ("  \n\t\n", "nothing to import"),
        ("period,value\n", "only a header row"),
        ("06/01/2025,1\n" * (MAX_ROWS + 1), f"at most {MAX_ROWS:,}"),
    ],
)
def test_a_table_that_cannot_be_imported_is_refused_in_words(text, expected):
    with pytest.raises(TableRefused, match=expected):
        parse_table(text, uses_denominator=False)


def test_uploads_are_decoded_from_utf8_with_bom_or_windows_1252():
    assert decode_upload("\ufeffperiod,value\n".encode()) == "period,value\n"
    assert decode_upload("note: caf\xe9\n".encode("cp1252")) == "note: café\n"
    with pytest.raises(TableRefused, match="not plain text"):
        decode_upload(b"PK\x03\x04\x00\x00binary")
