"""Issuing a report, and recognising an issued file.

`issue_report` freezes one edition of the compliance report, as of one day, as PDF, XLSX and
CSV: one ComplianceReport rendered by the exporters of the preview's downloads, the bytes
written to storage first, then the rows that name them, in one transaction. If anything fails
the rows are rolled back and the files already written are deleted again, so storage holds no
file that no row names.

`find_issued_file` answers whether a file (by SHA-256 and size) is exactly one of the issued
files that a person may see; the verify form's uploads are hashed as they stream in
(`DigestUploadHandler`) and never stored.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tracker.accounts.permissions import can_issue_report, can_read_restricted_editions
from tracker.core.history import stamp
from tracker.core.models import Agreement
from tracker.reports import exporters
from tracker.reports.builder import ComplianceReport, ReportScope
from tracker.reports.models import Edition, FileFormat, IssuedFile, IssuedReport

if TYPE_CHECKING:
    from tracker.accounts.models import User


def validate_issue(scope: ReportScope, *, today: datetime.date) -> None:
    """An issue covers an agreement, as of a day between its signature and today."""
    if scope.agreement is None:
        raise ValidationError({NON_FIELD_ERRORS: _("Choose the agreement the report covers.")})
    if scope.edition not in Edition.values:
        raise ValidationError({"edition": _("Choose the restricted or the public edition.")})
    if scope.as_of is None:
        raise ValidationError({"as_of": _("Enter the date the report is as of.")})
    if scope.as_of > today:
        raise ValidationError(
            {"as_of": _("The as-of date cannot be in the future. Choose today or an earlier date.")}
        )
    if scope.as_of < scope.agreement.signed_on:
        raise ValidationError(
            {
                "as_of": _(
                    "The agreement was signed on %(signed)s; choose that day or a later one."
                )
                % {"signed": scope.agreement.signed_on.isoformat()}
            }
        )


def issue_label(issued: IssuedReport) -> str:
    """What each file says of its issue: number, edition and day (every page of the PDF, the
    header block of the CSV and the XLSX)."""
    return _("Issued report no. %(number)s · %(edition)s · issued %(issued)s") % {
        "number": issued.number,
        "edition": issued.get_edition_display(),
        "issued": timezone.localtime(issued.issued_at).date().isoformat(),
    }


def render_files(issued: IssuedReport, scope: ReportScope) -> dict[str, bytes]:
    """The three formats of one ComplianceReport, in the language the report is issued in.
    Each names its issue (`issue_label`), the PDF on every page."""
    with translation.override(issued.language):
        report = ComplianceReport(
            scope,
            generated_by=str(issued.issued_by),
            generated_at=issued.issued_at,
            issue=issue_label(issued),
        )
        context = {"report": report, "compact": True}
        return {
            FileFormat.PDF: exporters.pdf_bytes(report, None, context),
            FileFormat.XLSX: exporters.xlsx_bytes(report),
            FileFormat.CSV: exporters.csv_bytes(report),
        }


def _stamp(record: IssuedReport | IssuedFile, user: User, at: datetime.datetime) -> None:
    stamp(record, by=user, at=at, reason=_("Report issued"))


# How many times a co-chair's issue is rendered again when another issue of the same
# agreement took its number meanwhile.
ISSUE_ATTEMPTS = 3


def issue_report(
    user: User,
    scope: ReportScope,
    *,
    language: str | None = None,
    at: datetime.datetime | None = None,
) -> IssuedReport:
    """Issues `scope` (agreement, edition, as_of) as PDF, XLSX and CSV.

    Rendering takes seconds, and the files carry the issue's number, so the number is taken
    before rendering and the transaction that records the issue stays short (on SQLite a
    write transaction holds up every other writer): if another issue of the agreement got
    the same number meanwhile, the unique constraint refuses the row, the files are deleted
    and the issue is rendered again with the next number. Called inside a transaction that
    is rolled back later, the files would stay in storage: call it on its own.
    """
    if not can_issue_report(user):
        raise PermissionDenied
    at = at or timezone.now()
    validate_issue(scope, today=timezone.localdate(at))
    language = language or translation.get_language() or "en"
    attempt = 0
    while True:
        attempt += 1
        issued = IssuedReport(
            agreement=scope.agreement,
            number=_next_number(scope.agreement),
            edition=scope.edition,
            as_of=scope.as_of,
            language=language,
            issued_by=user,
            issued_at=at,
        )
        written: list[IssuedFile] = []
        try:
            for file_format, content in render_files(issued, scope).items():
                issued_file = IssuedFile(
                    format=file_format,
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                )
                issued_file.file.save(file_format, ContentFile(content), save=False)
                written.append(issued_file)
            with transaction.atomic():
                _stamp(issued, user, at)
                issued.save()
                for issued_file in written:
                    issued_file.report = issued
                    _stamp(issued_file, user, at)
                    issued_file.save()
        except BaseException as error:
            for issued_file in written:
                issued_file.file.storage.delete(issued_file.file.name)
            if isinstance(error, IntegrityError) and attempt < ISSUE_ATTEMPTS:
                continue
            raise
        return issued


def _next_number(agreement: Agreement) -> int:
    last = IssuedReport.objects.filter(agreement=agreement).aggregate(Max("number"))
    return (last["number__max"] or 0) + 1


def visible_issued_reports(user: User):
    """The issued reports a person may list: observers, the public editions only."""
    reports = IssuedReport.objects.all()
    if not can_read_restricted_editions(user):
        reports = reports.filter(edition=Edition.PUBLIC)
    return reports


def find_issued_file(user: User, sha256: str, size: int) -> IssuedFile | None:
    """The issued file with exactly these bytes, among those the person may see."""
    return (
        IssuedFile.objects.filter(sha256=sha256, size=size, report__in=visible_issued_reports(user))
        .select_related("report__agreement", "report__issued_by")
        .first()
    )


def largest_issued_size() -> int:
    return IssuedFile.objects.aggregate(largest=Max("size"))["largest"] or 0


class DigestedUpload(UploadedFile):
    """What is left of an upload to the verify form: its name, size and SHA-256, no bytes.
    `sha256` is None for a file larger than every issued file (then it cannot be one)."""

    def __init__(self, name: str, size: int, sha256: str | None) -> None:
        super().__init__(file=None, name=name, size=size)
        self.sha256 = sha256


class DigestUploadHandler(FileUploadHandler):
    """Hashes each chunk of an upload as it arrives and keeps none of them: the file is never
    written to memory or disk whole. Past `limit` bytes the hashing stops, the rest of the
    body is read and dropped."""

    def __init__(self, request=None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.sha = hashlib.sha256()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received <= self.limit:
            self.sha.update(raw_data)
        # None: no other handler sees the chunk.

    def file_complete(self, file_size: int) -> DigestedUpload:
        digest = self.sha.hexdigest() if self.received <= self.limit else None
        return DigestedUpload(self.file_name, self.received, digest)
