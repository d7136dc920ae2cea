"""Readable history entries, built from django-simple-history's records."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: object
    summary: str
    note: str = ""


def changed_fields(record, previous, names: Iterable[str]) -> list[str]:
    """The verbose names of the fields that differ between two history records."""
    model = record.instance_type
    labels = []
    for name in names:
        field = model._meta.get_field(name)
        if getattr(record, field.attname) != getattr(previous, field.attname):
            labels.append(str(field.verbose_name))
    return labels


def stamp(obj, *, by, at: datetime.datetime, reason: str | None = None) -> None:
    """Who makes the next save of `obj`, when (the service's ``at``, which a replay sets in
    the past) and why: read by django-simple-history for the history record it writes, and so
    by the audit entry (tracker.audit). An empty reason is none."""
    obj._history_user = by
    obj._history_date = at
    obj._change_reason = reason or None


def create_recorded(model, *, by, at: datetime.datetime, reason: str = "", **fields):
    """Create a row whose first history record (and so its audit entry) says who created it,
    when and why."""
    obj = model(**fields)
    stamp(obj, by=by, at=at, reason=reason)
    obj.save()
    return obj
