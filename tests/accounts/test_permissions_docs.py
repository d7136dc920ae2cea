from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from tracker.accounts.matrix import ACTIONS

DOCS = Path(settings.BASE_DIR) / "docs" / "permissions.md"


def _generated() -> str:
    out = StringIO()
    call_command("permissions_matrix", stdout=out)
    return out.getvalue()


def test_docs_permissions_page_is_generated_from_the_matrix():
    assert DOCS.read_text(encoding="utf-8") == _generated(), (
        "docs/permissions.md is out of date: run "
        "`DEBUG=1 .venv/bin/python manage.py permissions_matrix > docs/permissions.md`"
    )


def test_generated_page_has_a_row_for_every_action():
    page = _generated()
    for action in ACTIONS:
        assert f"| {action.label} |" in page
