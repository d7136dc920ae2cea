"""An uploaded plan kept between its dry run and its confirmation."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingImport(models.Model):
    """One uploaded file of an import whose dry run found every row valid.

    The confirmation names the upload by its token only; the file itself never travels back
    through the browser. It is read again from here, after its SHA-256 is checked, and run
    through the same dry run before anything is saved. One upload is one workbook, or one or
    two CSV files (one row each, sharing the token).
    """

    class Part(models.TextChoices):
        WORKBOOK = "workbook", _("Workbook")
        PROVISIONS = "provisions", _("Provisions CSV")
        MILESTONES = "milestones", _("Milestones CSV")

    token = models.UUIDField(_("token"), default=uuid.uuid4, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    agreement = models.ForeignKey(
        "core.Agreement",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("agreement"),
    )
    part = models.CharField(_("part"), max_length=20, choices=Part.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # What the dry run showed, so a confirmation of rows that have changed since is refused.
    plan_digest = models.CharField(_("plan digest"), max_length=64)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")
        constraints = [
            models.UniqueConstraint(fields=["token", "part"], name="pending_import_part_unique"),
        ]

    def __str__(self) -> str:
        return self.file_name

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()

    @property
    def intact(self) -> bool:
        return self.digest(bytes(self.content)) == self.sha256
