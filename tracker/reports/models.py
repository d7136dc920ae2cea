"""Issued reports: editions of the compliance report frozen as files on the day a co-chair
issued them.

An issued report is never regenerated: its PDF, XLSX and CSV are the bytes written when it was
issued, kept in the evidence storage under their own prefix (`issued-reports/`, never served
by the web server), each with its SHA-256. Rows are written once and never changed, so a file
downloaded years later is the file the ministers received, and the verify form can say
whether a copy is exactly one of them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Edition(models.TextChoices):
    RESTRICTED = "restricted", _("Restricted (task force only)")
    PUBLIC = "public", _("Public")


class FileFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    XLSX = "xlsx", _("XLSX")
    CSV = "csv", _("CSV")


def issued_file_path(instance: IssuedFile, filename: str) -> str:
    # A random name under a prefix of its own; the download name is made from the report.
    return f"issued-reports/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"


class WrittenOnce(models.Model):
    """A row that is saved once and never changed or deleted by the application: an issued
    file must stay the file that was issued."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError(f"{self._meta.verbose_name} is never changed once issued.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self._meta.verbose_name} is never deleted.")


class IssuedReport(WrittenOnce):
    """One issue of the compliance report: which edition, as of which day, by whom, when."""

    # Reports belong to an agreement (tracker.core.workspace narrows the list by it).
    agreement_lookup = "agreement"

    agreement = models.ForeignKey(
        "core.Agreement",
        on_delete=models.PROTECT,
        related_name="issued_reports",
        verbose_name=_("agreement"),
    )
    number = models.PositiveIntegerField(_("issue number"))
    edition = models.CharField(_("edition"), max_length=20, choices=Edition.choices)
    as_of = models.DateField(_("as of"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")
        constraints = [
            # Numbers count the issues of each agreement: 1, 2, 3 ...
            models.UniqueConstraint(
                fields=["agreement", "number"], name="issued_report_number_per_agreement"
            ),
            models.CheckConstraint(
                condition=models.Q(edition__in=Edition.values), name="issued_report_edition"
            ),
        ]

    def __str__(self) -> str:
        return _("%(agreement)s report no. %(number)s") % {
            "agreement": self.agreement.short_name,
            "number": self.number,
        }

    @property
    def is_public(self) -> bool:
        return self.edition == Edition.PUBLIC


class IssuedFile(WrittenOnce):
    """One format of an issued report: the stored bytes and their SHA-256."""

    report = models.ForeignKey(
        IssuedReport, on_delete=models.PROTECT, related_name="files", verbose_name=_("report")
    )
    format = models.CharField(_("format"), max_length=10, choices=FileFormat.choices)
    file = models.FileField(_("file"), upload_to=issued_file_path, max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "format"]
        verbose_name = _("issued file")
        verbose_name_plural = _("issued files")
        constraints = [
            models.UniqueConstraint(fields=["report", "format"], name="issued_file_per_format"),
        ]

    def __str__(self) -> str:
        return f"{self.report} ({self.get_format_display()})"
