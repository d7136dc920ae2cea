"""Checks and corrective actions built directly, so each test states only what it needs."""

from __future__ import annotations

import datetime

import pytest

from tracker.core.models import Category, Provision, ResponsibleParty
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The shared cast is created with real passwords; a slow hasher only slows the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_check(provision: Provision, monitor, **fields) -> MonitoringCheck:
    defaults = {
        "criterion": "Environmental impact assessment published",
        "result": "compliant",
        "severity": "",
        "checked_on": datetime.date(2026, 1, 15),
    }
    return MonitoringCheck.objects.create(
        provision=provision, monitor=monitor, **{**defaults, **fields}
    )


def make_action(check: MonitoringCheck, **fields) -> CorrectiveAction:
    defaults = {
        "description": "Publish the assessment in Ukrainian and English",
        "owner_party": "UA",
        "due_date": datetime.date(2099, 1, 1),
    }
    return CorrectiveAction.objects.create(check_record=check, **{**defaults, **fields})


@pytest.fixture
def other_provision(agreement) -> Provision:
    return Provision.objects.create(
        agreement=agreement,
        reference="P-07",
        title="Anti-corruption safeguards",
        category=Category.GOVERNANCE,
        responsible_party=ResponsibleParty.UA,
    )


@pytest.fixture
def check(provision, monitor) -> MonitoringCheck:
    return make_check(
        provision,
        monitor,
        result="non_compliant",
        severity="major",
        finding="The assessment was not published.",
    )


@pytest.fixture
def action(check) -> CorrectiveAction:
    return make_action(check)
