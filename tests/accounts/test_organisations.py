"""The organisations directory's one write path: who may, the rules, history, conflicts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tracker.accounts.organisations import (
    OrganisationChanged,
    create_organisation,
    update_organisation,
)
from tracker.core.models import Organisation
from tracker.core.organisations import organisation_errors

pytestmark = pytest.mark.django_db

AT = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 30))


def fields(**overrides) -> dict:
    return {
        "name": "Critical Minerals Office",
        "name_uk": "Офіс критичних мінералів",
        "kind": Organisation.Kind.AGENCY,
        "affiliation": "US",
        **overrides,
    }


def edit(user, organisation, *, reason="Renamed by decree.", at=None, **overrides):
    values = {
        "name": organisation.name,
        "name_uk": organisation.name_uk,
        "kind": organisation.kind,
        "affiliation": organisation.affiliation,
        **overrides,
    }
    return update_organisation(
        user, organisation, values, version=organisation.version, reason=reason, at=at
    )


def test_staff_admin_adds_an_organisation_with_history_and_reason(staff_admin):
    organisation = create_organisation(
        staff_admin, fields(), reason="Joined the working group.", at=AT
    )

    assert (organisation.name, organisation.affiliation, organisation.version) == (
        "Critical Minerals Office",
        "US",
        1,
    )
    record = organisation.history.get()
    assert record.history_type == "+"
    assert record.history_user == staff_admin
    assert record.history_date == AT
    assert record.history_change_reason == "Joined the working group."


def test_names_are_stored_with_single_spaces(staff_admin):
    organisation = create_organisation(
        staff_admin, fields(name="  Critical   Minerals  Office ", name_uk=" Офіс  ")
    )

    assert (organisation.name, organisation.name_uk) == ("Critical Minerals Office", "Офіс")


@pytest.mark.parametrize(
    ("person", "party", "allowed"),
    [
        ("chair_us", "US", True),
        ("chair_us", "IND", True),
        ("chair_us", "UA", False),
        ("chair_ua", "UA", True),
        ("member_us", "US", False),
        ("monitor", "IND", False),
        ("observer", "IND", False),
        ("outsider", "IND", False),
        ("staff_admin", "UA", True),
    ],
)
def test_who_may_add_an_organisation_of_a_party(request, person, party, allowed):
    user = request.getfixturevalue(person)

    if allowed:
        create_organisation(user, fields(affiliation=party))
        assert Organisation.objects.filter(name="Critical Minerals Office").exists()
    else:
        with pytest.raises(PermissionDenied):
            create_organisation(user, fields(affiliation=party))
        assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    "existing",
    [
        {"name": "critical minerals OFFICE"},
        {"name": "Other name", "name_uk": "Critical Minerals Office"},
    ],
)
def test_an_english_name_taken_in_either_language_is_refused(staff_admin, existing):
    Organisation.objects.create(kind="agency", affiliation="UA", **existing)

    with pytest.raises(ValidationError) as refused:
        create_organisation(staff_admin, fields(name_uk=""))

    assert "Another organisation already has this name" in refused.value.message_dict["name"][0]
    assert Organisation.objects.count() == 1


def test_a_ukrainian_name_is_compared_ignoring_case_beyond_ascii(staff_admin):
    # SQLite's own case folding would miss this: the comparison is Python's.
    Organisation.objects.create(
        name="Ministry of Economy",
        name_uk="Міністерство економіки",
        kind="agency",
        affiliation="UA",
    )

    errors = organisation_errors(fields(name="Economy Ministry", name_uk="МІНІСТЕРСТВО  Економіки"))

    assert set(errors) == {"name_uk"}
    assert "Ministry of Economy" in errors["name_uk"]


def test_an_organisation_may_give_the_same_name_in_both_languages(staff_admin):
    organisation = create_organisation(
        staff_admin, fields(name="Atlantic Minerals Inc.", name_uk="Atlantic Minerals Inc.")
    )

    assert organisation.pk
    # And editing it does not collide with itself.
    assert organisation_errors(fields(name="ATLANTIC minerals inc."), instance=organisation) == {}


def test_the_database_refuses_a_name_differing_only_in_ascii_case(organisation):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name=organisation.name.upper(), kind="agency", affiliation="UA")


def test_missing_name_kind_and_party_are_each_explained(staff_admin):
    with pytest.raises(ValidationError) as refused:
        create_organisation(staff_admin, fields(name=" ", kind="", affiliation="XX"))

    assert set(refused.value.message_dict) == {"name", "kind", "affiliation"}


def test_co_chair_edits_their_partys_organisation_with_a_reason(chair_ua, organisation):
    later = timezone.now() + datetime.timedelta(hours=1)
    edited = edit(chair_ua, organisation, name="State Geological Survey", at=later)

    assert (edited.name, edited.version) == ("State Geological Survey", 2)
    organisation.refresh_from_db()
    assert organisation.name == "State Geological Survey"
    latest = organisation.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == chair_ua
    assert latest.history_change_reason == "Renamed by decree."
    assert latest.history_date == later


def test_co_chair_cannot_edit_the_other_partys_organisation(chair_us, organisation):
    with pytest.raises(PermissionDenied):
        edit(chair_us, organisation, name="State Geological Survey")

    organisation.refresh_from_db()
    assert (organisation.name, organisation.version) == ("State Geological Service", 1)


def test_co_chair_cannot_move_an_independent_organisation_to_the_other_party(chair_us):
    ngo = Organisation.objects.create(name="Open Subsoil", kind="ngo", affiliation="IND")

    with pytest.raises(PermissionDenied):
        edit(chair_us, ngo, affiliation="UA")

    ngo.refresh_from_db()
    assert ngo.affiliation == "IND"
    edit(chair_us, ngo, affiliation="US")
    ngo.refresh_from_db()
    assert ngo.affiliation == "US"


def test_an_edit_needs_a_reason(chair_ua, organisation):
    with pytest.raises(ValidationError) as refused:
        edit(chair_ua, organisation, name="State Geological Survey", reason="  ")

    assert "reason" in refused.value.message_dict
    organisation.refresh_from_db()
    assert organisation.name == "State Geological Service"


def test_an_edit_that_changes_nothing_is_refused(chair_ua, organisation):
    with pytest.raises(ValidationError) as refused:
        edit(chair_ua, organisation)

    assert "Nothing to save" in " ".join(refused.value.messages)
    assert organisation.history.count() == 1


def test_an_edit_from_a_stale_version_is_refused_and_changes_nothing(
    chair_ua, staff_admin, organisation
):
    stale_version = organisation.version
    edit(staff_admin, organisation, name="State Geological Survey")

    with pytest.raises(OrganisationChanged) as conflict:
        update_organisation(
            chair_ua,
            organisation,
            {**fields(affiliation="UA"), "name": "Geology Service"},
            version=stale_version,
            reason="Shorter name.",
        )

    assert conflict.value.current.name == "State Geological Survey"
    organisation.refresh_from_db()
    assert (organisation.name, organisation.version) == ("State Geological Survey", 2)
