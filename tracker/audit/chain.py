"""The audit log: an append-only, hash-chained record of every change to every audited record.

One mechanism, built on what the tracker already records. Every model people edit keeps its
django-simple-history table (`audited_models`; the README's "Audit log" section says which
and why). Whenever
simple-history writes a historical record — a service's save, the Django admin, the planning
import, a management command, a many-to-many change of a field it tracks — it sends
``post_create_historical_record``; `record_entry` answers it by appending one `AuditEntry`, in
the same transaction as the change, so an entry exists exactly when its change was committed:

- who (the history user, and their user name at the time), when (the record's history date),
  which record (model label, object id, its text), the history id it derives from, the kind of
  change (created, changed, deleted), the reason (``history_change_reason``);
- what changed: ``{field: [before, after]}`` over the fields simple-history tracks (and its
  many-to-many fields, as sorted id lists), "before" being the object's previous historical
  record (by history id, i.e. in the order they were written);
- ``previous_hash`` (the hash of the entry before it; 64 zeros for the first) and ``hash``:
  the SHA-256 of the entry's canonical form, a JSON object with sorted keys, no spaces,
  UTF-8, times in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (`canonical`).

The chain's head (last number and hash) lives in one row, `ChainHead`, which every writer locks
(``select_for_update``) before it appends: concurrent writers on PostgreSQL queue there and
the chain never forks. On SQLite, IMMEDIATE transactions (settings) serialise writers already.

Entries are never updated or deleted by the application: `AuditEntry.save()` refuses an
existing row and ``delete()`` refuses always, the admin shows them read-only, and on PostgreSQL
a trigger (migration 0002) refuses UPDATE and DELETE on the table.

`verify_chain` (``manage.py verify_audit``, daily by deploy/tracker-audit.timer) walks the
chain in order and reports the first entry whose number, link or content does not match, and
checks each entry against the historical record it derives from, so an edit of the history
tables (which the report's ``as_of`` reads) is found too.

Outside the chain: writes that bypass simple-history's signals — queryset ``update()``, bulk
inserts such as the data generator's (tracker.devtools), raw SQL. They leave no historical
record through the signal, so no entry either; the application's own writes go through
``save()``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, router, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation

from tracker.audit.models import AuditEntry, ChainHead, ChangeType

GENESIS = "0" * 64
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def plain(value: Any) -> Any:
    """A value as JSON can hold it, the same whether read from memory or from the database."""
    if value is None or isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, bytes | bytearray | memoryview):
        # Binary content is kept by its digest: the entry proves it without copying it.
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.strftime(TIME_FORMAT)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return str(value)


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def snapshot(record: models.Model) -> dict[str, Any]:
    """The tracked values of one historical record, by field name (foreign keys as ids,
    many-to-many fields as sorted id lists).

    A creation record's many-to-many fields are empty without asking: rows are linked only to
    a saved object, so each link is a later change with its own record.
    """
    model = record.instance_type
    pk_name = model._meta.pk.name
    values: dict[str, Any] = {}
    for field in record.tracked_fields:
        if field.name == pk_name:
            continue
        value = getattr(record, field.attname)
        if not isinstance(value, FieldFile):
            value = field.to_python(value)
        values[field.name] = plain(value)
    for field in model._meta.many_to_many:
        # simple-history gives the historical model a relation of the same name only for the
        # many-to-many fields it tracks.
        if not hasattr(type(record), field.name):
            continue
        if record.history_type == ChangeType.CREATED:
            values[field.name] = []
            continue
        target = field.m2m_reverse_field_name()
        values[field.name] = sorted(getattr(record, field.name).values_list(target, flat=True))
    return values


def previous_record(record: models.Model) -> models.Model | None:
    """The record written before this one for the same object (by history id)."""
    history_model = type(record)
    pk_attname = record.instance_type._meta.pk.attname
    history_pk = history_model._meta.pk
    return (
        history_model.objects.filter(
            **{
                pk_attname: getattr(record, pk_attname),
                f"{history_pk.name}__lt": history_pk.value_from_object(record),
            }
        )
        .order_by(f"-{history_pk.name}")
        .first()
    )


def derived(record: models.Model) -> dict[str, Any]:
    """What an entry says that its historical record determines."""
    if record.history_type == ChangeType.CREATED:
        before, after = {}, snapshot(record)
    elif record.history_type == ChangeType.DELETED:
        before, after = snapshot(record), {}
    else:
        previous = previous_record(record)
        before, after = (snapshot(previous) if previous is not None else {}), snapshot(record)
    changes = {
        name: [before.get(name), after.get(name)]
        for name in (*before, *(name for name in after if name not in before))
        if before.get(name) != after.get(name)
    }
    model = record.instance_type
    return {
        "at": plain(record.history_date),
        "actor_id": record.history_user_id,
        "model": model._meta.label_lower,
        "object_id": str(getattr(record, model._meta.pk.attname)),
        "history_id": type(record)._meta.pk.value_from_object(record),
        "change_type": record.history_type,
        "changes": dumps(changes),
        "reason": record.history_change_reason or "",
    }


def canonical(entry: AuditEntry) -> bytes:
    """The bytes an entry's hash is taken over: every field but the hash itself."""
    return dumps(
        {
            "seq": entry.seq,
            "at": plain(entry.at),
            "actor_id": entry.actor_id,
            "actor_name": entry.actor_name,
            "model": entry.model,
            "object_id": entry.object_id,
            "object_repr": entry.object_repr,
            "history_id": entry.history_id,
            "change_type": entry.change_type,
            "changes": entry.changes,
            "reason": entry.reason,
            "previous_hash": entry.previous_hash,
        }
    ).encode("utf-8")


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def record_entry(sender, instance, history_instance, using=None, **kwargs) -> AuditEntry | None:
    """Append the entry of one historical record (simple-history's signal receiver).

    A save that changed no tracked field and gives no reason (a log-in touching only
    ``last_login``, which the user's history leaves out) is no change: it gets no entry.
    """
    facts = derived(history_instance)
    unchanged = facts["change_type"] == ChangeType.CHANGED and facts["changes"] == "{}"
    if unchanged and not facts["reason"]:
        return None
    user = history_instance.history_user
    # The record's text in the site's language, whatever the language of the request.
    with translation.override(settings.LANGUAGE_CODE):
        object_repr = str(instance)[:300]
    entry = AuditEntry(
        **facts,
        actor_name=user.get_username() if user is not None else "",
        object_repr=object_repr,
    )
    database = using or router.db_for_write(AuditEntry)
    # Inside the change's transaction, no savepoint: a failure here fails the change.
    with transaction.atomic(using=database, savepoint=False):
        head, _ = ChainHead.objects.using(database).select_for_update().get_or_create(pk=1)
        entry.seq = head.seq + 1
        entry.previous_hash = head.hash
        entry.hash = entry_hash(entry)
        entry.save(using=database)
        head.seq, head.hash = entry.seq, entry.hash
        head.save(using=database, update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class Outcome:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    message: str = ""


def _history_problem(entry: AuditEntry) -> str:
    """Why the entry disagrees with its historical record, or "" when it agrees."""
    try:
        model = apps.get_model(entry.model)
    except (LookupError, ValueError):
        return f"its record type {entry.model!r} is unknown"
    history = getattr(model, "history", None)
    if history is None:
        return f"{entry.model} keeps no history"
    record = history.model.objects.filter(pk=entry.history_id).first()
    if record is None:
        return f"its historical record {entry.history_id} is missing"
    facts = derived(record)
    stored = {name: getattr(entry, name) for name in facts}
    stored["at"] = plain(entry.at)
    for name, value in facts.items():
        if stored[name] != value:
            return f"it does not match its historical record {entry.history_id} ({name})"
    return ""


def verify_chain(batch: int = 1000) -> Outcome:
    """Walk the chain in order; stop at the first entry that does not match."""
    previous_hash, expected_seq, checked = GENESIS, 1, 0
    while True:
        entries = list(AuditEntry.objects.filter(seq__gte=expected_seq).order_by("seq")[:batch])
        if not entries:
            break
        for entry in entries:
            problem = ""
            if entry.seq != expected_seq:
                problem = f"entry {expected_seq} before it is missing"
            elif entry.previous_hash != previous_hash:
                problem = "its link to the previous entry does not match"
            elif entry_hash(entry) != entry.hash:
                problem = "its content does not match its hash"
            else:
                problem = _history_problem(entry)
            if problem:
                return Outcome(False, checked, entry.seq, f"Entry {entry.seq}: {problem}.")
            previous_hash, expected_seq, checked = entry.hash, entry.seq + 1, checked + 1
    head = ChainHead.objects.filter(pk=1).first()
    last_seq = expected_seq - 1
    if head is not None and (head.seq, head.hash) != (last_seq, previous_hash):
        return Outcome(
            False,
            checked,
            last_seq + 1,
            f"Entry {last_seq + 1}: the chain ends at entry {last_seq}, but its head records "
            f"entry {head.seq}: entries were removed from the end.",
        )
    return Outcome(True, checked)


def audited_models() -> list[type[models.Model]]:
    """The models whose historical records feed the chain: every model with a history."""
    return [
        model
        for model in apps.get_models()
        if not getattr(model, "instance_type", None)  # not a historical model itself
        and getattr(model, "history", None) is not None
    ]
