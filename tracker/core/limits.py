"""How long free text may be: one place for the limits of every text a person types.

A TextField's ``max_length`` is kept only by forms, so each limited column also gets a
database CheckConstraint (`max_length_constraints`): no path (a service, the admin, an
import, a script) can store more. The limits fit what the records are for:

==============  =======  ===================================================================
limit           chars    used for
==============  =======  ===================================================================
LEGAL_TEXT      20,000   a provision's text and an agreement's summary, in each language
LONG_TEXT       10,000   descriptions (milestone, dispute, corrective action), findings,
                         the parties' positions, a dispute's resolution
COMMENT          5,000   dispute comments, an assessment's reasoning
NOTE             2,000   progress notes, return and planning reasons, a dispute move's note,
                         a corrective action's closing note
==============  =======  ===================================================================

Two columns hold texts put together by the services, so their database limit is the sum of
what goes in: a dispute event's text (a description, a position, or a move's note with its
resolution: twice LONG_TEXT) and a progress entry's note (a typed note or reason, after a
summary of the planning changes: COMMENT).

With every field at its limit at once, the compliance report's PDF stays within seconds
(`manage.py benchmark` measures it).
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

LEGAL_TEXT = 20_000
LONG_TEXT = 10_000
COMMENT = 5_000
NOTE = 2_000


def max_length_constraints(prefix: str, **limits: int) -> list[models.CheckConstraint]:
    """One CheckConstraint per column: ``Length(column) <= limit``."""
    return [
        models.CheckConstraint(
            condition=LessThanOrEqual(Length(column), limit),
            name=f"{prefix}_{column}_max_length",
        )
        for column, limit in limits.items()
    ]


def refuse_over_long_rows(model_limits: dict[str, dict[str, int]]):
    """A migration step that stops, naming each row and column, when stored text is longer
    than the limit about to be enforced. Nothing is cut: a record of the agreement is never
    shortened silently. Shorten the rows named (in the admin or the shell), then migrate
    again. ``model_limits`` maps "app_label.ModelName" to {column: limit}.
    """

    def check(apps, schema_editor) -> None:
        over = []
        for label, limits in model_limits.items():
            model = apps.get_model(label)
            for column, limit in limits.items():
                rows = (
                    model._default_manager.annotate(chars=Length(column))
                    .filter(chars__gt=limit)
                    .values_list("pk", "chars")
                )
                over += [
                    f"{label} {pk}: {column} has {chars} characters (limit {limit})"
                    for pk, chars in rows
                ]
        if over:
            raise RuntimeError(
                "Text longer than the new limits (tracker/core/limits.py); shorten it and "
                "migrate again:\n" + "\n".join(over)
            )

    return check
