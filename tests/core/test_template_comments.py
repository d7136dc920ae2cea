"""Django's `{# … #}` comment is single-line only: spread over two lines, it is shown to readers.

A multi-line note needs `{% comment %}…{% endcomment %}`. Every template is scanned so that a
new multi-line `{#` fails here before a reader ever sees it.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
# `{#` with no `#}` before the end of its line.
UNCLOSED_COMMENT = re.compile(r"{#(?:(?!#}).)*$", re.M)


def multi_line_comments(text: str) -> list[int]:
    return [text.count("\n", 0, match.start()) + 1 for match in UNCLOSED_COMMENT.finditer(text)]


def test_the_scan_finds_a_comment_spread_over_two_lines():
    assert multi_line_comments("<p>\n{# first line\n   second line #}\n</p>") == [2]
    assert multi_line_comments("{# one line #}\n{% comment %}\nmany\n{% endcomment %}") == []


def test_no_template_has_a_multi_line_hash_comment():
    found = [
        f"{path.relative_to(TEMPLATES_DIR)}:{line}"
        for path in sorted(TEMPLATES_DIR.rglob("*"))
        if path.is_file() and path.suffix in {".html", ".txt", ".xml"}
        for line in multi_line_comments(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "use {% comment %} for a note of more than one line"
