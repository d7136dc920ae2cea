"""Evidence uploads: size limit, type checked by content, random stored name, SHA-256.

The name a person gave a file is kept only as data for display. The type is decided by the
file's first bytes (magic numbers), never by its name or the browser's Content-Type, so a
renamed executable or HTML page is refused.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.core.history import stamp
from tracker.core.limits import NOTE
from tracker.core.models import Evidence, Visibility

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV, TXT = "text/csv", "text/plain"
ALLOWED_TYPES = (PDF, PNG, JPEG, DOCX, XLSX, CSV, TXT)

# The file-name extensions each type may carry. A name that claims one of these types must hold
# that type; other names are accepted and get the right extension when downloaded.
EXTENSIONS = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    CSV: (".csv",),
    TXT: (".txt",),
}
_KNOWN_EXTENSIONS = {extension for extensions in EXTENSIONS.values() for extension in extensions}
_TYPE_NAMES = {
    PDF: "PDF",
    PNG: "PNG",
    JPEG: "JPEG",
    DOCX: "DOCX",
    XLSX: "XLSX",
    CSV: "CSV",
    TXT: "text",
}

# One request carries at most this many files, and at most EVIDENCE_MAX_REQUEST_BYTES in all
# (the setting; nginx's client_max_body_size sits a little above it).
MAX_FILES_PER_REQUEST = 10

_SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
# Text that a browser could take for markup or script is refused even in a .txt or .csv,
# wherever it stands in the file: the tags the WHATWG MIME Sniffing standard looks for to
# recognise HTML (each followed by a space or ">"), comments, XML and SVG, and the elements
# that load or run something. Downloads are text/plain attachments with nosniff anyway
# (SECURITY.md); this keeps such files out of the record altogether.
_MARKUP = re.compile(
    rb"<(?:!doctype|!--|\?xml|"
    rb"(?:html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|svg|math|"
    rb"object|embed|img|meta|link|base|form|frame|frameset|template)[\s/>])",
    re.IGNORECASE,
)
# A tag cut by a chunk boundary is found in the overlap kept from the chunk before.
_MARKUP_OVERLAP = 16
TEXT_CHUNK = 64 * 1024


def _office_type(upload: UploadedFile) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _text_type(upload: UploadedFile, name: str) -> str | None:
    """CSV or plain text when the whole file is UTF-8 without NUL bytes or markup.

    Read in chunks, never whole: a multi-byte character cut by a chunk boundary is joined by
    the incremental decoder, and a tag cut by one is found in the overlap carried over.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    tail = b""
    upload.seek(0)
    try:
        for chunk in upload.chunks(TEXT_CHUNK):
            if b"\x00" in chunk:
                return None
            decoder.decode(chunk)
            window = tail + chunk
            if _MARKUP.search(window):
                return None
            tail = window[-_MARKUP_OVERLAP:]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    finally:
        upload.seek(0)
    return CSV if name.lower().endswith(".csv") else TXT


def detect_type(upload: UploadedFile) -> str | None:
    """The allowed content type the bytes show, or None."""
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        return _office_type(upload)
    return _text_type(upload, upload.name or "")


def validate_upload(upload: UploadedFile) -> str:
    """Returns the detected content type, or raises ValidationError with the reason."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is larger than the limit of %(limit)s.")
            % {"name": upload.name, "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": upload.name}, code="empty")
    content_type = detect_type(upload)
    if content_type is None:
        raise ValidationError(
            _(
                "%(name)s is not an allowed type. Upload a PDF, PNG, JPEG, DOCX, XLSX, CSV or "
                "plain-text file."
            )
            % {"name": upload.name},
            code="type",
        )
    extension = PurePath(upload.name or "").suffix.lower()
    if extension in _KNOWN_EXTENSIONS and extension not in EXTENSIONS[content_type]:
        raise ValidationError(
            _("%(name)s is named like a %(claimed)s file but holds %(actual)s content.")
            % {
                "name": upload.name,
                "claimed": extension.lstrip(".").upper(),
                "actual": _TYPE_NAMES[content_type],
            },
            code="type_mismatch",
        )
    return content_type


def upload_errors(uploads: Sequence[UploadedFile]) -> list[str]:
    """What is wrong with the files of one request: their number, their total size, and each
    file alone. Every form and service that takes evidence checks its files here, before
    anything is stored."""
    messages = []
    if len(uploads) > MAX_FILES_PER_REQUEST:
        messages.append(
            _("Attach at most %(limit)d files at once.") % {"limit": MAX_FILES_PER_REQUEST}
        )
    total, limit = sum(upload.size or 0 for upload in uploads), settings.EVIDENCE_MAX_REQUEST_BYTES
    if total > limit:
        messages.append(
            _("These files come to %(total)s together; one upload may hold at most %(limit)s.")
            % {"total": filesizeformat(total), "limit": filesizeformat(limit)}
        )
    for upload in uploads:
        try:
            validate_upload(upload)
        except ValidationError as error:
            messages.extend(error.messages)
    return messages


def upload_help_text() -> str:
    """The help text of an evidence field, in the request's language, with the limits."""
    return _(
        "Up to %(count)d files: PDF, PNG, JPEG, DOCX, XLSX, CSV or plain text, each at most "
        "%(limit)s."
    ) % {"count": MAX_FILES_PER_REQUEST, "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)}


def download_name(evidence: Evidence) -> str:
    """The name a download is saved under: the given name, without folders or control
    characters, ending in an extension that matches the checked content type."""
    name = "".join(char for char in PurePath(evidence.original_name).name if char.isprintable())
    name = name.strip(". ") or "evidence"
    extensions = EXTENSIONS.get(evidence.content_type, ())
    if extensions and PurePath(name).suffix.lower() not in extensions:
        name += extensions[0]
    return name


def store_evidence(upload: UploadedFile, user, visibility: str = Visibility.TASK_FORCE) -> Evidence:
    """Validates and stores one file; call inside the transaction that attaches it. The file
    takes the visibility of the record it documents."""
    content_type = validate_upload(upload)
    upload.seek(0)
    sha256 = Evidence.digest(upload.chunks())
    upload.seek(0)
    evidence = Evidence(
        original_name=(upload.name or "file")[:255],
        size=upload.size,
        content_type=content_type,
        sha256=sha256,
        uploaded_by=user,
        visibility=visibility,
    )
    evidence.file.save("upload", upload, save=False)
    evidence._history_user = user
    evidence.save()
    return evidence


# A withdrawal's reason is a note (tracker.core.limits).
WITHDRAWAL_REASON_CHARS = NOTE


@transaction.atomic
def withdraw_evidence(evidence: Evidence, user, reason: str, *, at=None) -> Evidence:
    """Withdraw a file recorded in error, with the reason; it is never deleted.

    The file stays stored and downloadable by those who may read it, and is shown marked
    "withdrawn" with the reason wherever it is listed; the history and the audit log record
    who withdrew it, when and why. Who may withdraw it is
    tracker.accounts.permissions.can_withdraw_evidence, which the caller checks (core sits
    below accounts); this function keeps the rules of the record: a reason, once only.
    """
    at = at or timezone.now()
    current = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if current.withdrawn_at is not None:
        raise ValidationError(_("This file has already been withdrawn."), code="withdrawn")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the file is withdrawn.")})
    if len(reason) > WITHDRAWAL_REASON_CHARS:
        raise ValidationError(
            {
                "reason": _("Keep the reason to %(limit)d characters.")
                % {"limit": WITHDRAWAL_REASON_CHARS}
            }
        )
    current.withdrawn_at, current.withdrawn_by, current.withdrawal_reason = at, user, reason
    stamp(current, by=user, at=at, reason=reason)
    current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    return current
