"""The CSV's line writer writes a text cell exactly as csv.writer does into a file,
formula-neutralised."""

from __future__ import annotations

import csv
import io
import itertools

import pytest

from tracker.reports.exporters import csv_line_writer, neutralise

# Every character csv.writer or the neutralising treats specially, and some that it does not.
ALPHABET = [",", '"', "\r", "\n", "\t", " ", "=", "+", "-", "@", "'", "a", "Ї", ";"]


def written_by_csv(text: str) -> str:
    """The field as csv.writer writes it in the middle of a row of three."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["left", neutralise(text), "right"])
    line = buffer.getvalue()
    return line[len("left,") : -len(",right\r\n")]


def csv_field(text: str | None) -> str:
    """The field as the export's line writer writes it in the middle of a row of three."""
    line = csv_line_writer()(["left", text, "right"])
    return line[len("left,") : -len(",right\r\n")]


def every_text(longest: int) -> list[str]:
    return [
        "".join(letters)
        for length in range(longest + 1)
        for letters in itertools.product(ALPHABET, repeat=length)
    ]


def test_csv_field_matches_csv_writer_on_every_short_text():
    mismatches = [text for text in every_text(3) if csv_field(text) != written_by_csv(text)]

    assert mismatches == []


@pytest.mark.parametrize(
    "text",
    [
        'She said "done", then left',
        "Line one\r\nline two",
        '=HYPERLINK("http://x","y")',
        "Київ, Львів — «Дніпро»",
        "  spaces around  ",
    ],
)
def test_csv_field_matches_csv_writer_on_longer_text(text):
    assert csv_field(text) == written_by_csv(text)


def test_csv_field_of_nothing_is_an_empty_field():
    assert csv_field(None) == csv_field("") == ""
