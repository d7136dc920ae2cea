"""Strings the Python code shows to people are marked for translation.

An AST scan of tracker/ (not migrations, not management commands, whose output is for
operators): a plain string literal with a letter in it is flagged where it reaches a page —
ValidationError messages, messages.*() and form.add_error() texts, labels, help texts,
verbose names, empty labels, widget placeholders/titles, and the labels of choices.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

SOURCE_DIR = Path(settings.BASE_DIR) / "tracker"
SOURCES = sorted(
    path
    for path in SOURCE_DIR.rglob("*.py")
    if "migrations" not in path.parts and "management" not in path.parts
)
SHOWN_KEYWORDS = {
    "label",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "empty_label",
    "empty_value_display",
    "description",
}
SHOWN_WIDGET_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}
MESSAGE_FUNCTIONS = {"debug", "info", "success", "warning", "error"}
CHOICES_BASES = {"TextChoices", "IntegerChoices", "Choices"}
LETTER = re.compile(r"[^\W\d_]")


def is_plain_text(node: ast.AST | None) -> bool:
    """A literal (or f-string) with words in it, not wrapped in gettext."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(LETTER.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(
            isinstance(part, ast.Constant) and LETTER.search(str(part.value))
            for part in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return is_plain_text(node.left)
    return False


def call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def argument(node: ast.Call, position: int, keyword: str) -> ast.AST | None:
    if len(node.args) > position:
        return node.args[position]
    return next((kw.value for kw in node.keywords if kw.arg == keyword), None)


class Finder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []

    def flag(self, node: ast.AST, why: str) -> None:
        self.found.append((node.lineno, why))

    def visit_Call(self, node: ast.Call) -> None:
        name = call_name(node)
        is_messages = (
            isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "messages"
        )
        if name == "ValidationError" and is_plain_text(argument(node, 0, "message")):
            self.flag(node, "ValidationError text")
        if (
            is_messages
            and name in MESSAGE_FUNCTIONS
            and is_plain_text(argument(node, 1, "message"))
        ):
            self.flag(node, f"messages.{name} text")
        if is_messages and name == "add_message" and is_plain_text(argument(node, 2, "message")):
            self.flag(node, "messages.add_message text")
        if name == "add_error" and is_plain_text(argument(node, 1, "error")):
            self.flag(node, "add_error text")
        for keyword in node.keywords:
            if keyword.arg in SHOWN_KEYWORDS and is_plain_text(keyword.value):
                self.flag(keyword.value, f"{keyword.arg}=")
            if keyword.arg == "attrs" and isinstance(keyword.value, ast.Dict):
                self.check_widget_attributes(keyword.value)
        self.generic_visit(node)

    def check_widget_attributes(self, attrs: ast.Dict) -> None:
        for key, value in zip(attrs.keys, attrs.values, strict=True):
            if (
                isinstance(key, ast.Constant)
                and key.value in SHOWN_WIDGET_ATTRIBUTES
                and is_plain_text(value)
            ):
                self.flag(value, f"widget {key.value}")

    def visit_Assign(self, node: ast.Assign) -> None:
        # Class attributes like `verbose_name = "..."` in Meta or AppConfig.
        for target in node.targets:
            if (
                isinstance(target, ast.Name)
                and target.id in SHOWN_KEYWORDS
                and is_plain_text(node.value)
            ):
                self.flag(node, f"{target.id} =")
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        bases = {
            base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
            for base in node.bases
        }
        if bases & CHOICES_BASES:
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and isinstance(statement.value, ast.Tuple)
                    and len(statement.value.elts) >= 2
                    and is_plain_text(statement.value.elts[-1])
                ):
                    self.flag(statement, f"label of {node.name}")
        self.generic_visit(node)


def untranslated(source: str) -> list[tuple[int, str]]:
    finder = Finder()
    finder.visit(ast.parse(source))
    return finder.found


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(SOURCE_DIR)))
def test_shown_python_strings_are_marked_for_translation(path):
    problems = untranslated(path.read_text(encoding="utf-8"))
    assert not problems, [f"{path.relative_to(SOURCE_DIR)}:{line} {why}" for line, why in problems]


@pytest.mark.parametrize(
    "source",
    [
        'raise ValidationError("Too large.")',
        'raise ValidationError(f"{name} is too large.")',
        'raise ValidationError("%(name)s is too large." % {"name": name})',
        'messages.success(request, "Saved.")',
        'messages.add_message(request, messages.INFO, "Saved.")',
        'form.add_error("note", "Say why.")',
        'note = forms.CharField(label="Note")',
        'field = forms.CharField(help_text="Why the change")',
        'widget = forms.TextInput(attrs={"placeholder": "Search"})',
        'class Meta:\n    verbose_name = "dispute"',
        'class Kind(models.TextChoices):\n    OPEN = "open", "Open"',
    ],
)
def test_scanner_finds_unmarked_strings(source):
    assert untranslated(source)


@pytest.mark.parametrize(
    "source",
    [
        'raise ValidationError(_("Too large."), code="too_large")',
        'messages.success(request, gettext("Saved."))',
        'form.add_error("note", _("Say why."))',
        'note = forms.CharField(label=_("Note"))',
        'widget = forms.TextInput(attrs={"class": "wide", "placeholder": _("Search")})',
        'class Kind(models.TextChoices):\n    OPEN = "open", _("Open")',
        'label = "%"',
    ],
)
def test_scanner_accepts_marked_strings(source):
    assert untranslated(source) == []
