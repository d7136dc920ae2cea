from __future__ import annotations

import datetime

import pytest

from tests.conftest import make_user
from tracker.accounts.models import Role
from tracker.core.models import Agreement, Category, Organisation, Provision
from tracker.milestones.models import Milestone


def make_organisation(name: str, kind: str = "agency", party: str = "UA", **extra) -> Organisation:
    return Organisation.objects.create(name=name, kind=kind, affiliation=party, **extra)


def lead(
    organisation: Organisation, provision: Provision, count: int, title: str = "", **fields
) -> None:
    # One save each, not bulk_create: a milestone's own save() fills in what it derives.
    for number in range(count):
        Milestone.objects.create(
            provision=provision,
            title=f"{title or organisation.name} milestone {number:02d}",
            responsible_party=provision.responsible_party,
            lead_organisation=organisation,
            due_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=number),
            **fields,
        )


@pytest.fixture
def directory(db) -> dict[str, Organisation]:
    """Four organisations of every kind and party."""
    return {
        "agency": make_organisation(
            "Ministry of Economy", name_uk="Міністерство економіки", party="UA"
        ),
        "company": make_organisation("Atlantic Minerals Inc.", kind="company", party="US"),
        "ngo": make_organisation("Clean Subsoil", kind="ngo", party="IND", name_uk="Чисті надра"),
        "international": make_organisation(
            "Mining Standards Initiative", kind="international", party="IND"
        ),
    }


@pytest.fixture
def second_agreement(db) -> Agreement:
    return Agreement.objects.create(
        title="Second cooperation agreement",
        short_name="second-agreement",
        signed_on=datetime.date(2026, 2, 1),
        place="Kyiv",
    )


@pytest.fixture
def second_provision(second_agreement) -> Provision:
    return Provision.objects.create(
        agreement=second_agreement,
        reference="P-01",
        title="Recycling of battery materials",
        category=Category.TECHNOLOGY,
        responsible_party="UA",
    )


@pytest.fixture
def people(organisation) -> dict:
    """Who belongs to the UA agency: two who act, one disabled, one still without a role."""
    return {
        "chair": make_user(
            "olena", Role.CO_CHAIR, "UA", organisation=organisation, email="olena@example.org"
        ),
        "member": make_user(
            "taras", Role.MEMBER, "UA", organisation=organisation, email="taras@example.org"
        ),
        "disabled": make_user(
            "gone", Role.MEMBER, "UA", organisation=organisation, is_active=False
        ),
        "waiting": make_user("waiting", "", "IND", organisation=organisation),
    }
