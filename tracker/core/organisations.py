"""The rules of an organisation's fields, shared by every way of writing one: the directory's
service (tracker.accounts.organisations), the admin, an import.

Names are compared as people read them: ignoring case and runs of spaces, in either language.
A name (English or Ukrainian) that another organisation already uses in either language is
refused beside the field; one organisation may give the same name in both. The comparison
runs in Python over the directory (one query, a few hundred rows at most), because SQLite
folds only ASCII letters; the database's case-insensitive unique indexes catch what a race
lets past.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from tracker.core.models import Affiliation, Organisation


def name_key(name: str) -> str:
    """What two names must share to count as the same: letters regardless of case, words
    regardless of the spaces between them."""
    return " ".join(name.split()).casefold()


def clean_name(name: str | None) -> str:
    return " ".join((name or "").split())


def organisation_errors(
    fields: Mapping[str, Any], instance: Organisation | None = None
) -> dict[str, str]:
    """The rules an organisation must meet, as {field: message}; empty when it meets them."""
    errors: dict[str, str] = {}
    name, name_uk = clean_name(fields.get("name")), clean_name(fields.get("name_uk"))
    if not name:
        errors["name"] = _("Enter the organisation's name in English.")
    if fields.get("kind") not in Organisation.Kind.values:
        errors["kind"] = _("Choose the kind of organisation.")
    if fields.get("affiliation") not in Affiliation.values:
        errors["affiliation"] = _("Choose a party, or Independent.")
    others = Organisation.objects.all()
    if instance is not None and instance.pk:
        others = others.exclude(pk=instance.pk)
    taken: dict[str, str] = {}
    for other_name, other_name_uk in others.values_list("name", "name_uk"):
        for text in (other_name, other_name_uk):
            if text:
                taken.setdefault(name_key(text), other_name)
    for field, value in (("name", name), ("name_uk", name_uk)):
        holder = taken.get(name_key(value)) if value else None
        if holder and field not in errors:
            errors[field] = _(
                "Another organisation already has this name: %(name)s. Open it in the "
                "directory instead of adding it twice, or make the name distinct."
            ) % {"name": holder}
    return errors
