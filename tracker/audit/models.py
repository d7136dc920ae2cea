"""The audit log: one append-only, hash-chained entry per historical record.

See tracker/audit/chain.py for how entries are made and checked.
"""

from __future__ import annotations

import contextlib
import json

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit entry."""


class ChangeType(models.TextChoices):
    # django-simple-history's history_type values.
    CREATED = "+", _("Created")
    CHANGED = "~", _("Changed")
    DELETED = "-", _("Deleted")


class AuditEntry(models.Model):
    """One change of one record: who, when, what (before → after), why, and the chain link.

    ``hash`` is the SHA-256 of the entry's canonical form (tracker.audit.chain.canonical),
    which includes ``previous_hash``, the hash of the entry before it in ``seq`` order.
    """

    seq = models.PositiveBigIntegerField(_("number"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    # Users are deactivated, not deleted; should one ever be deleted, the entry keeps their
    # id and name, and no row of the log has to change.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_name = models.CharField(_("who (user name)"), max_length=150, blank=True)
    model = models.CharField(_("record type"), max_length=100, db_index=True)
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=300)
    history_id = models.PositiveBigIntegerField(_("history id"))
    change_type = models.CharField(_("change"), max_length=1, choices=ChangeType.choices)
    # Canonical JSON text ({field: [before, after]}), kept as text so it hashes as stored and
    # the text search reaches it on every database.
    changes = models.TextField(_("what changed"))
    reason = models.TextField(_("reason"), blank=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.model} {self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are never deleted.")

    @property
    def change_code(self) -> str:
        """The change as a word, for the badge's class: created, changed, deleted."""
        return ChangeType(self.change_type).name.lower()

    @property
    def change_list(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) of each changed field, in the field order."""
        model = self.model_class
        result = []
        for name, (before, after) in json.loads(self.changes).items():
            label = name
            if model is not None:
                with contextlib.suppress(LookupError):
                    label = str(model._meta.get_field(name).verbose_name)
            result.append((label, before, after))
        return result

    @property
    def model_class(self) -> type[models.Model] | None:
        try:
            return apps.get_model(self.model)
        except LookupError:
            return None

    @property
    def model_label(self) -> str:
        model = self.model_class
        return str(model._meta.verbose_name) if model is not None else self.model


class ChainHead(models.Model):
    """The chain's last entry, in one row: writers lock it, so the chain never forks."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash}"


class ChainVerification(models.Model):
    """The outcome of one walk of the chain (manage.py verify_audit)."""

    at = models.DateTimeField(_("verified at"))
    ok = models.BooleanField(_("intact"))
    entries_checked = models.PositiveBigIntegerField(_("entries checked"))
    first_bad_seq = models.PositiveBigIntegerField(_("first bad entry"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("chain verification")
        verbose_name_plural = _("chain verifications")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'broken'}"
