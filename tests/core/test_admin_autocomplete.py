"""The admin's autocomplete answers the pickers of related rows, and only to staff who may
see the rows it lists."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from tests.conftest import make_user
from tracker.accounts.models import Role
from tracker.core.models import Organisation

AUTOCOMPLETE = "/admin/autocomplete/"


def lookup(client, app_label: str, model_name: str, field_name: str, term: str = ""):
    return client.get(
        AUTOCOMPLETE,
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )


@pytest.fixture
def limited_staff(db):
    """Staff (may enter the admin) but not a superuser: only the permissions given."""
    return make_user("clerk", Role.STAFF_ADMIN, "IND", is_staff=True)


def test_provision_picker_finds_by_reference(login, staff_admin, provision):
    response = lookup(login(staff_admin), "milestones", "milestone", "provision", "P-01")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {"id": str(provision.pk), "text": "P-01 Joint geological surveys"}
    ]


def test_provision_picker_narrows_by_agreement_short_name(login, staff_admin, provision):
    client = login(staff_admin)

    assert (
        len(
            lookup(client, "milestones", "milestone", "provision", "test-agreement P-01").json()[
                "results"
            ]
        )
        == 1
    )
    assert (
        lookup(client, "milestones", "milestone", "provision", "other-agreement P-01").json()[
            "results"
        ]
        == []
    )


def test_organisation_picker_finds_either_language(login, staff_admin, organisation):
    organisation.name_uk = "Державна геологічна служба"
    organisation.save()
    client = login(staff_admin)

    for term in ("geological", "геологічна"):
        results = lookup(client, "accounts", "user", "organisation", term).json()["results"]
        assert [result["id"] for result in results] == [str(organisation.pk)]


@pytest.mark.parametrize(
    ("source", "field", "fixture"),
    [
        (("milestones", "milestone", "lead_organisation"), "lead_organisation", "organisation"),
        (("monitoring", "monitoringcheck", "milestone"), "milestone", "milestone_ua"),
        (("monitoring", "monitoringcheck", "monitor"), "monitor", "monitor"),
        (("disputes", "dispute", "provisions"), "provisions", "provision"),
        (("core", "provision", "agreement"), "agreement", "agreement"),
        (("core", "provisionassessment", "assessed_by"), "assessed_by", "chair_us"),
    ],
)
def test_every_picker_answers(request, login, staff_admin, source, field, fixture):
    row = request.getfixturevalue(fixture)

    response = lookup(login(staff_admin), *source)

    assert response.status_code == 200
    assert str(row.pk) in [result["id"] for result in response.json()["results"]]


@pytest.mark.parametrize(
    "source",
    [
        ("milestones", "milestone", "title"),  # not a relation
        ("milestones", "milestone", "nothing"),
        ("milestones", "nothing", "provision"),
    ],
)
def test_a_lookup_that_is_not_a_picker_is_refused(login, staff_admin, milestone_ua, source):
    response = lookup(login(staff_admin), *source)

    assert response.status_code == 403


@pytest.mark.parametrize("person", ["chair_us", "member_ua", "monitor", "observer", "outsider"])
def test_people_without_admin_access_are_sent_to_its_log_in(request, login, person, organisation):
    response = lookup(login(request.getfixturevalue(person)), "accounts", "user", "organisation")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert organisation.name not in response.content.decode()


def test_anonymous_is_sent_to_the_admin_log_in(client, organisation):
    response = lookup(client, "accounts", "user", "organisation")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_permission_to_see_the_rows_is_refused(login, limited_staff, organisation):
    response = lookup(login(limited_staff), "milestones", "milestone", "lead_organisation")

    assert response.status_code == 403
    assert organisation.name not in response.content.decode()


def test_staff_with_permission_to_see_the_rows_is_answered(login, limited_staff, organisation):
    limited_staff.user_permissions.add(
        Permission.objects.get(codename="view_organisation", content_type__app_label="core")
    )

    response = lookup(login(limited_staff), "milestones", "milestone", "lead_organisation")

    assert response.status_code == 200
    assert response.json()["results"][0]["text"] == organisation.name
    assert Organisation.objects.count() == 1
