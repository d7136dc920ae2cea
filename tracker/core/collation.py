"""Text sorting that follows the active language where the database can.

PostgreSQL ships ICU collations: ordering through ``"uk-x-icu"`` puts Ukrainian words in
alphabet order (А Б В Г Ґ Д Е Є Ж З И І Ї Й ...), and ``"en-x-icu"`` sorts English without
regard to case. SQLite has no locale collations, so there the ordering stays plain
(code-point order: upper case before lower case, Є/І/Ї before А).

Use in list views::

    from tracker.core.collation import localized_order

    Provision.objects.order_by(localized_order("title", bilingual=True))
    Organisation.objects.order_by(localized_order("name", bilingual=True, descending=True))

``bilingual=True`` sorts by what the page shows for a ``field``/``field_uk`` pair: the
active language's column, falling back to the other one when it is empty
(``tracker.core.models.localized_sql``, the SQL form of ``localized``).
"""

from __future__ import annotations

from django.db import connections
from django.db.models import F, OrderBy
from django.db.models.expressions import Expression
from django.db.models.functions import Collate

from tracker.core.models import in_ukrainian, localized_sql

ICU_COLLATIONS = {"en": "en-x-icu", "uk": "uk-x-icu"}


def active_language() -> str:
    return "uk" if in_ukrainian() else "en"


def collated(expression: Expression | str, using: str = "default") -> Expression:
    """The expression under the active language's collation, where the database has one."""
    if isinstance(expression, str):
        expression = F(expression)
    if connections[using].vendor != "postgresql":
        return expression
    return Collate(expression, ICU_COLLATIONS[active_language()])


def localized_order(
    field: str, *, bilingual: bool = False, descending: bool = False, using: str = "default"
) -> OrderBy:
    """An ``order_by()`` term sorting ``field`` in the active language's alphabet.

    Call it while the request's language is active (inside the view), not at import time.
    """
    expression = localized_sql(field) if bilingual else F(field)
    term = collated(expression, using=using)
    return term.desc() if descending else term.asc()
