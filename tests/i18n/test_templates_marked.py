"""No visible text in the templates escapes translation.

Each template is reduced to what a reader would see that is not translated: comments,
{% translate %}/{% blocktranslate %} and every other tag and variable are removed, then the
HTML is parsed and its text nodes and human-readable attributes (title, alt, placeholder,
aria-label, ...) collected. Whatever still holds a letter, once the allow-list is taken out,
is untranslated text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
TEMPLATES = sorted(TEMPLATES_DIR.rglob("*.html"))

# Names, codes and formats that read the same in both languages.
ALLOWED = ("SHA-256", "CSV", "XLSX", "PDF", "ISO", "ESG", "ID")
VISIBLE_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-placeholder",
    "aria-roledescription",
    "aria-valuetext",
    "label",
}
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}

COMMENT_BLOCK = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.S)
BLOCKTRANSLATE = re.compile(
    r"{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}", re.S
)
TAG_OR_VARIABLE = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
# A literal shown through a filter argument, e.g. {{ value|default:"None" }}; _("...") is fine.
SHOWN_LITERAL = re.compile(r"\|(?:default|default_if_none|yesno):\s*(['\"])(.*?)\1")
LETTER = re.compile(r"[^\W\d_]")


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  # (where, text)
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden_depth += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value and name in VISIBLE_ATTRIBUTES:
                self.found.append((f"<{tag} {name}>", value))
        if (
            tag == "input"
            and attributes.get("type") in BUTTON_INPUT_TYPES
            and attributes.get("value")
        ):
            self.found.append(("<input value>", attributes["value"]))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._hidden_depth -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden_depth = max(0, self._hidden_depth - 1)

    def handle_data(self, data):
        if not self._hidden_depth and data.strip():
            self.found.append(("text", data.strip()))


def untranslated(text: str) -> bool:
    for word in ALLOWED:
        text = text.replace(word, "")
    return bool(LETTER.search(text))


def shown_literals(match: re.Match) -> str:
    """A variable leaves behind only the literals it may show; a tag leaves nothing."""
    if not match.group().startswith("{{"):
        return ""
    return " ".join(literal.group(2) for literal in SHOWN_LITERAL.finditer(match.group()))


def untranslated_text(source: str) -> list[str]:
    source = COMMENT_BLOCK.sub("", source)
    source = BLOCKTRANSLATE.sub("", source)
    source = TAG_OR_VARIABLE.sub(shown_literals, source)
    parser = VisibleText()
    parser.feed(source)
    parser.close()
    return [f"{where} {text!r}" for where, text in parser.found if untranslated(text)]


@pytest.mark.parametrize(
    "template", TEMPLATES, ids=lambda path: str(path.relative_to(TEMPLATES_DIR))
)
def test_template_has_no_untranslated_text(template):
    problems = untranslated_text(template.read_text(encoding="utf-8"))
    assert not problems, f"untranslated text in {template.relative_to(TEMPLATES_DIR)}: {problems}"


def test_templates_are_found():
    assert len(TEMPLATES) > 10


@pytest.mark.parametrize(
    "source",
    [
        "<p>Hello</p>",
        '<a href="/" title="Home">{% translate "Home" %}</a>',
        '<img src="x.png" alt="Logo">',
        '<input type="search" placeholder="Search">',
        '<nav aria-label="Main">{% translate "Dashboard" %}</nav>',
        '<input type="submit" value="Save">',
        '<td>{{ value|default:"None" }}</td>',
        "<a title=\"{{ value|default_if_none:'Unknown' }}\">·</a>",
        "{% if x %}Open{% endif %}",
        "<p>{% translate 'Saved' %} to CSV file</p>",
    ],
)
def test_scanner_finds_untranslated_text(source):
    assert untranslated_text(source)


@pytest.mark.parametrize(
    "source",
    [
        "<p>{% translate 'Hello' %}</p>",
        "<p>{% blocktranslate count counter=n %}{{ counter }} item{% plural %}{{ counter }} "
        "items{% endblocktranslate %}</p>",
        "<nav aria-label=\"{% translate 'Main' %}\"></nav>",
        '<td>{{ value|default:"—" }} %</td>',
        '<td>{{ value|default:_("none") }}</td>',
        "{# A note for developers #}<span>·</span>",
        "<html lang=\"{{ LANGUAGE_CODE|default:'en' }}\">",
        "<a href=\"?sort={{ key|default:'title' }}\">{% translate 'Title' %}</a>",
        "{% comment %}Explained here{% endcomment %}",
        "<script>const label = 'not shown';</script><style>p::after{content:'x'}</style>",
        '<a href="?format=csv">CSV</a> · <a href="?format=pdf">PDF</a> SHA-256',
        '<input type="hidden" name="next" value="/provisions/">',
    ],
)
def test_scanner_accepts_translated_text_and_symbols(source):
    assert untranslated_text(source) == []
