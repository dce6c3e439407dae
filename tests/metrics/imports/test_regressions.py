"""Bugs the import's property tests found (tests/metrics/imports/test_properties.py), each kept
as a plain example with the message people now see."""

import codecs
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from metrics.imports.parsing import TableRefused, decode_upload, parse_table
from metrics.models import DataPoint, ImportJob


def test_a_cell_beyond_the_csv_field_limit_is_refused_naming_its_line():
    # Was an unhandled csv.Error (field larger than field limit): a 500 on the import page.
    with pytest.raises(TableRefused, match="Line 2 cannot be read: it has a cell longer than"):
        parse_table('06/01/2025,3\n13/01/2025,"' + "x" * 200_000 + '"\n', uses_denominator=False)


def test_a_nul_anywhere_in_a_file_is_refused():
    # Was accepted past the first 4 KB, then refused by PostgreSQL: a 500 on the import page.
    with pytest.raises(TableRefused, match="not plain text"):
        decode_upload(b"06/01/2025,3\n" * 400 + b"\x00")
    with pytest.raises(TableRefused, match="Line 2 holds a character that is not text"):
        parse_table("06/01/2025,3\n13/01/2025,\x004\n", uses_denominator=False)


def test_excel_unicode_text_is_read():
    # Excel's "Unicode Text": UTF-16 with a byte order mark, tab separated. Was refused.
    data = codecs.BOM_UTF16_LE + "Period\tValue\n06/01/2025\t3\n".encode("utf-16-le")
    table = parse_table(decode_upload(data), uses_denominator=False)
    assert [(r.period, r.value) for r in table.rows] == [(dt.date(2025, 1, 6), 3)]


def test_a_pasted_byte_order_mark_is_no_part_of_the_first_date():
    table = parse_table("\ufeff06/01/2025,3\n", uses_denominator=False)
    assert table.rows[0].period == dt.date(2025, 1, 6) and not table.rows[0].problems


def test_a_column_named_twice_is_refused_rather_than_guessed():
    # The last of the two columns used to win silently.
    with pytest.raises(TableRefused, match=r"names the value twice: column 2 \(“Value”\) and "):
        parse_table("Date,Value,Count\n06/01/2025,3,4\n", uses_denominator=False)


def test_semicolons_are_found_despite_quoted_commas_in_notes():
    # csv.Sniffer took the comma for the delimiter: every row was refused.
    text = '06/01/2025;3;"late, bank"\n13/01/2025;4;""","""\n20/01/2025;5;\n'
    table = parse_table(text, uses_denominator=False)
    assert table.delimiter == ";"
    assert [(r.value, r.note) for r in table.rows] == [(3, "late, bank"), (4, '","'), (5, "")]


def test_a_decimal_comma_with_semicolons_is_a_clear_problem():
    table = parse_table("06/01/2025;12,5\n", uses_denominator=False)
    assert table.delimiter == ";"
    assert table.rows[0].problems == [
        "The value “12,5” is not a number: use a point for decimals (12.5)."
    ]


def test_a_note_too_long_is_a_problem_not_cut_silently():
    table = parse_table("06/01/2025,3," + "n" * 501 + "\n", uses_denominator=False)
    assert table.rows[0].problems == [
        "The note is 501 characters long; at most 500 can be kept. Shorten it."
    ]


def test_minus_zero_is_zero():
    assert str(parse_table("06/01/2025,-0\n", uses_denominator=False).rows[0].value) == "0.0"


@pytest.fixture
def weekly(measure_factory):
    return measure_factory(name="Falls")


@pytest.fixture
def member(client, org_world):
    client.force_login(org_world["users"]["member"])
    return org_world["users"]["member"]


def test_lines_are_numbered_as_pasted_leading_blank_lines_included(client, member, weekly):
    # The form stripped the paste, so the problems named the wrong lines.
    url = reverse("metrics:import", args=[weekly.pk])
    response = client.post(url, {"text": "\n\n06/01/2025,3\n06/01/2025,4\n"})
    html = client.get(response["Location"]).content.decode()
    assert "06/01/2025 is given twice (also on line 3)" in html
    assert "<td>4</td>" in html


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"06/01/2025,3\n" * 400 + b"\x00", "The file is not plain text"),
        (b'"' + b"x" * 200_000 + b'"\n', "Line 1 cannot be read"),
    ],
)
def test_such_uploads_get_a_message_not_a_server_error(client, member, weekly, data, expected):
    upload = SimpleUploadedFile("data.csv", data, "text/csv")
    response = client.post(reverse("metrics:import", args=[weekly.pk]), {"file": upload})
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not ImportJob.objects.exists() and not DataPoint.objects.exists()


@pytest.mark.parametrize("job", ["abc", "1.5", "99999999999999999999999", "-1", "١"])
def test_a_malformed_import_number_in_the_address_is_not_found(client, member, weekly, job):
    # ?job=abc raised ValueError: a 500 on the import page.
    response = client.get(reverse("metrics:import", args=[weekly.pk]), {"job": job})
    assert response.status_code == 404
