"""Helpers of the milestone tests: uploads, htmx headers and milestones in given states."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tracker.core.models import Evidence
from tracker.milestones.models import Milestone, Status

HTMX = {"HX-Request": "true"}
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "report.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def completed(milestone: Milestone, **extra) -> Milestone:
    """Puts a milestone straight into the completed, unverified state (test set-up only)."""
    Milestone.objects.filter(pk=milestone.pk).update(
        status=Status.COMPLETED,
        percent_complete=100,
        completed_on=timezone.localdate(),
        **extra,
    )
    milestone.refresh_from_db()
    return milestone


def snapshot(milestone: Milestone) -> dict:
    """Everything a refused call must leave unchanged."""
    milestone.refresh_from_db()
    return {
        "row": Milestone.objects.filter(pk=milestone.pk).values().get(),
        "updates": milestone.updates.count(),
        "history": milestone.history.count(),
        "evidence": Evidence.objects.count(),
    }


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The cast's passwords are hashed once per test; the real hasher is slow by design."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
