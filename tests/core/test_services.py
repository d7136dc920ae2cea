"""Agreement, provision and organisation writes (tracker/core/services.py), and the planning
wrapper that decides who may call them (tracker/planning/services.py)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tracker.core import services as core
from tracker.core.models import Agreement, Category, Mineral, Organisation, Provision
from tracker.planning import services

AT = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 30))

AGREEMENT = {
    "title": "Second cooperation agreement",
    "title_uk": "Друга угода про співпрацю",
    "short_name": "second",
    "signed_on": datetime.date(2026, 1, 15),
    "place": "Kyiv",
}
PROVISION = {
    "reference": "P-10",
    "title": "  Shared survey data  ",
    "title_uk": "Спільні дані досліджень",
    "category": Category.GEOLOGICAL_SURVEY,
    "responsible_party": "JOINT",
    "value_chain_stages": ["extraction", "exploration"],
}


@pytest.fixture
def lithium(db) -> Mineral:
    return Mineral.objects.create(name="Lithium", name_uk="Літій")


@pytest.fixture
def graphite(db) -> Mineral:
    return Mineral.objects.create(name="Graphite", name_uk="Графіт")


def test_staff_admin_creates_an_agreement_with_its_history(staff_admin):
    agreement = services.create_agreement(staff_admin, AGREEMENT, at=AT)

    assert agreement.version == 1
    record = agreement.history.get()
    assert (record.history_type, record.history_user, record.history_date) == ("+", staff_admin, AT)
    assert record.history_change_reason == "Agreement created"


@pytest.mark.parametrize("person", ["chair_us", "member_ua", "monitor", "observer", "outsider"])
def test_only_a_staff_admin_sets_up_agreements_and_provisions(request, person, agreement):
    user = request.getfixturevalue(person)
    with pytest.raises(PermissionDenied):
        services.create_agreement(user, AGREEMENT)
    with pytest.raises(PermissionDenied):
        services.create_provision(agreement, user, PROVISION)
    assert not Agreement.objects.filter(short_name="second").exists()
    assert not Provision.objects.filter(reference="P-10").exists()


def test_a_taken_short_name_is_refused_beside_its_field(staff_admin, agreement):
    with pytest.raises(ValidationError) as refused:
        services.create_agreement(staff_admin, {**AGREEMENT, "short_name": agreement.short_name})
    assert "Another agreement has this short name" in refused.value.message_dict["short_name"][0]
    assert Agreement.objects.count() == 1


def test_model_rules_are_checked_too(staff_admin):
    with pytest.raises(ValidationError) as refused:
        services.create_agreement(staff_admin, {**AGREEMENT, "title": "", "short_name": "a b"})
    assert set(refused.value.message_dict) >= {"title", "short_name"}
    assert not Agreement.objects.exists()


def test_editing_raises_the_version_and_records_the_reason(staff_admin, agreement):
    changed = services.update_agreement(
        agreement,
        staff_admin,
        {"title": "Amended title", "place": " Kyiv "},
        version=1,
        reason="Amended by protocol",
        at=AT,
    )

    agreement.refresh_from_db()
    assert changed == ["title", "place"]
    assert (agreement.title, agreement.place, agreement.version) == ("Amended title", "Kyiv", 2)
    edit = agreement.history.get(history_type="~")
    assert (edit.history_change_reason, edit.history_date, edit.version) == (
        "Amended by protocol",
        AT,
        2,
    )


def test_an_edit_that_changes_nothing_writes_nothing(staff_admin, agreement):
    before = agreement.history.count()
    assert (
        services.update_agreement(agreement, staff_admin, {"title": agreement.title}, version=1)
        == []
    )
    agreement.refresh_from_db()
    assert agreement.version == 1
    assert agreement.history.count() == before


def test_an_edit_based_on_a_stale_version_is_refused_and_changes_nothing(staff_admin, agreement):
    services.update_agreement(agreement, staff_admin, {"title": "First edit"}, version=1)

    with pytest.raises(core.StaleVersion) as stale:
        services.update_agreement(agreement, staff_admin, {"title": "Second edit"}, version=1)

    assert stale.value.current.title == "First edit"
    agreement.refresh_from_db()
    assert (agreement.title, agreement.version) == ("First edit", 2)


def test_a_provision_is_added_with_its_minerals_and_ordered_stages(
    staff_admin, agreement, lithium, graphite
):
    provision = services.create_provision(
        agreement, staff_admin, PROVISION, minerals=[lithium, graphite], reason="Protocol 3", at=AT
    )

    assert provision.title == "Shared survey data"
    assert provision.value_chain_stages == ["exploration", "extraction"]
    assert set(provision.minerals.all()) == {lithium, graphite}
    latest = provision.history.latest()
    assert latest.history_change_reason == "Protocol 3"
    assert {m.mineral_id for m in latest.minerals.all()} == {lithium.pk, graphite.pk}


def test_a_reference_is_unique_within_its_agreement_only(staff_admin, agreement, provision):
    with pytest.raises(ValidationError) as refused:
        services.create_provision(agreement, staff_admin, {**PROVISION, "reference": "P-01"})
    assert "reference P-01" in refused.value.message_dict["reference"][0]

    other = services.create_agreement(staff_admin, AGREEMENT)
    assert services.create_provision(other, staff_admin, {**PROVISION, "reference": "P-01"})


@pytest.mark.parametrize("stages", [["mining"], "exploration", [1]])
def test_unknown_value_chain_stages_are_refused(staff_admin, agreement, stages):
    with pytest.raises(ValidationError) as refused:
        services.create_provision(
            agreement, staff_admin, {**PROVISION, "value_chain_stages": stages}
        )
    assert "value_chain_stages" in refused.value.message_dict
    assert not Provision.objects.filter(reference="P-10").exists()


def test_editing_a_provisions_minerals_is_one_history_entry(
    staff_admin, provision, lithium, graphite
):
    before = provision.history.count()
    changed = services.update_provision(
        provision, staff_admin, {}, version=provision.version, minerals=[graphite]
    )

    assert changed == ["minerals"]
    assert list(provision.minerals.all()) == [graphite]
    assert provision.history.count() == before + 1
    latest = provision.history.latest()
    assert latest.version == 2
    assert [m.mineral_id for m in latest.minerals.all()] == [graphite.pk]


def test_a_stale_provision_edit_is_refused(staff_admin, provision):
    services.update_provision(provision, staff_admin, {"title": "Edited"}, version=1)
    with pytest.raises(core.StaleVersion):
        services.update_provision(provision, staff_admin, {"title": "Again"}, version=1)
    provision.refresh_from_db()
    assert provision.title == "Edited"


def test_import_adds_an_organisation_once(staff_admin, chair_ua, member_ua, organisation):
    created = services.create_organisation(
        chair_ua,
        {"name": "Regional Mining Office", "kind": "agency", "affiliation": "UA"},
        reason="Imported from plan.xlsx",
    )
    assert created.history.get().history_change_reason == "Imported from plan.xlsx"
    with pytest.raises(ValidationError):
        services.create_organisation(
            staff_admin,
            {"name": "regional mining office", "kind": "agency", "affiliation": "UA"},
            reason="again",
        )
    with pytest.raises(PermissionDenied):
        services.create_organisation(
            member_ua, {"name": "Elsewhere", "kind": "agency", "affiliation": "UA"}, reason="x"
        )
    assert Organisation.objects.filter(name__iexact="regional mining office").count() == 1
