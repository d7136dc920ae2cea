"""Disputes raised through the service, so every test starts with a real timeline."""

from __future__ import annotations

import datetime

import pytest

from tracker.disputes.models import Dispute, DisputeStatus
from tracker.disputes.services import raise_dispute


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The shared cast is created with real passwords; a slow hasher only slows the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_dispute(user, provision, **fields) -> Dispute:
    values = {
        "agreement": provision.agreement,
        "provisions": [provision],
        "raised_by_party": user.party,
        "title": "Delayed publication of survey data",
        "description": "Survey data due in March has not been shared.",
        "raising_position": "The data must be shared within two weeks.",
    }
    return raise_dispute(user, **{**values, **fields})


def set_status(dispute: Dispute, status: str) -> Dispute:
    """Puts a dispute straight into a status, for tests about what happens from there."""
    extra = {}
    if status == DisputeStatus.RESOLVED:
        extra = {"resolution": "Agreed schedule.", "resolved_on": datetime.date(2026, 6, 1)}
    Dispute.objects.filter(pk=dispute.pk).update(status=status, **extra)
    dispute.refresh_from_db()
    return dispute


@pytest.fixture
def dispute(member_us, provision) -> Dispute:
    """Raised by the United States; Ukraine is to respond."""
    return make_dispute(member_us, provision)


def snapshot(dispute: Dispute) -> tuple:
    """Everything a refused action must leave as it was."""
    row = Dispute.objects.filter(pk=dispute.pk).values().get()
    return (
        row,
        list(dispute.events.values_list("pk", "kind", "text")),
        dispute.history.count(),
        sorted(dispute.provisions.values_list("pk", flat=True)),
    )
