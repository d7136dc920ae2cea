"""Planning a milestone: add, edit, re-plan, cancel (tracker/milestones/services.py)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.conftest import make_milestone
from tracker.core.models import Category, Provision
from tracker.milestones import services
from tracker.milestones.models import Milestone, ProgressUpdate, Status

AT = timezone.make_aware(datetime.datetime(2026, 5, 4, 9, 0))
DUE = datetime.date(2026, 9, 30)


@pytest.fixture
def us_provision(agreement) -> Provision:
    return Provision.objects.create(
        agreement=agreement,
        reference="P-02",
        title="Investment incentives",
        category=Category.INVESTMENT,
        responsible_party="US",
    )


def plan(provision, user, **overrides) -> Milestone:
    arguments = {
        "fields": {"title": "Publish the tender", "responsible_party": "UA"},
        "due_date": DUE,
        "at": AT,
        **overrides,
    }
    return services.create_milestone(provision, user, **arguments)


# --- Adding ----------------------------------------------------------------------------------


def test_a_new_milestone_keeps_its_due_date_as_baseline_and_is_logged(chair_ua, provision):
    milestone = plan(provision, chair_ua, reason="Agreed at the March meeting")

    assert (milestone.due_date, milestone.baseline_due) == (DUE, DUE)
    assert (milestone.status, milestone.percent_complete, milestone.version) == (
        Status.NOT_STARTED,
        0,
        1,
    )
    entry = milestone.updates.get()
    assert (entry.kind, entry.author, entry.created_at, entry.new_due_date, entry.note) == (
        ProgressUpdate.Kind.PLANNED,
        chair_ua,
        AT,
        DUE,
        "Agreed at the March meeting",
    )
    record = milestone.history.get()
    assert (record.history_user, record.history_date, record.baseline_due) == (chair_ua, AT, DUE)
    assert record.history_change_reason == "Agreed at the March meeting"


@pytest.mark.parametrize(
    ("person", "provision_party", "allowed"),
    [
        ("staff_admin", "US", True),
        ("staff_admin", "JOINT", True),
        ("chair_us", "US", True),
        ("chair_us", "JOINT", True),
        ("chair_ua", "US", False),
        ("member_us", "US", False),
        ("monitor", "JOINT", False),
        ("observer", "JOINT", False),
        ("outsider", "JOINT", False),
    ],
)
def test_who_plans_a_provisions_milestones(
    request, person, provision_party, allowed, provision, us_provision
):
    target = us_provision if provision_party == "US" else provision
    user = request.getfixturevalue(person)
    if allowed:
        assert plan(target, user).pk
    else:
        with pytest.raises(PermissionDenied):
            plan(target, user)
        assert not Milestone.objects.exists()
        assert not ProgressUpdate.objects.exists()


def test_each_rule_of_a_new_milestone_names_its_field(chair_ua, provision):
    make_milestone(provision, "UA", title="Publish the tender")
    with pytest.raises(ValidationError) as refused:
        plan(
            provision,
            chair_ua,
            fields={"title": "Publish the tender", "responsible_party": "EU"},
            due_date=datetime.date(2025, 1, 1),
            status=Status.COMPLETED,
            percent=120,
        )
    errors = refused.value.message_dict
    assert "Another milestone of P-01 has this title" in errors["title"][0]
    assert errors["responsible_party"] == ["Choose the responsible party from the list."]
    assert "before the agreement was signed" in errors["due_date"][0]
    assert "completed or cancelled on its page" in errors["status"][0]
    assert errors["percent_complete"] == ["Enter a whole number from 0 to 100."]
    assert Milestone.objects.count() == 1


def test_a_milestone_needs_a_title_and_a_due_date(chair_ua, provision):
    with pytest.raises(ValidationError) as refused:
        plan(provision, chair_ua, fields={"title": " ", "responsible_party": "UA"}, due_date=None)
    assert set(refused.value.message_dict) == {"title", "due_date"}


def test_a_milestone_taken_over_in_progress_starts_there(chair_ua, provision):
    milestone = plan(provision, chair_ua, status=Status.IN_PROGRESS, percent=40)
    assert (milestone.status, milestone.percent_complete) == (Status.IN_PROGRESS, 40)


def test_starting_on_hold_needs_a_reason(chair_ua, provision):
    with pytest.raises(ValidationError) as refused:
        plan(provision, chair_ua, status=Status.ON_HOLD)
    assert "reason" in refused.value.message_dict["status"][0]
    assert plan(provision, chair_ua, status=Status.ON_HOLD, reason="Funding frozen").pk


# --- Editing ---------------------------------------------------------------------------------


def test_editing_details_is_logged_with_what_changed(chair_ua, provision, organisation):
    milestone = plan(provision, chair_ua)

    changed = services.edit_milestone(
        milestone,
        chair_ua,
        version=1,
        fields={"title_uk": "Оголосити тендер", "lead_organisation": organisation},
        reason="Agency named",
        at=AT,
    )

    milestone.refresh_from_db()
    assert changed == ["title (Ukrainian)", "lead organisation"]
    assert (milestone.title_uk, milestone.lead_organisation, milestone.version) == (
        "Оголосити тендер",
        organisation,
        2,
    )
    entry = milestone.updates.get(kind=ProgressUpdate.Kind.EDITED)
    assert entry.note == "Changed: title (Ukrainian), lead organisation. Agency named"
    assert milestone.history.latest().history_change_reason == "Agency named"


def test_an_edit_changing_nothing_writes_nothing(chair_ua, provision):
    milestone = plan(provision, chair_ua)
    assert (
        services.edit_milestone(
            milestone, chair_ua, version=1, fields={"title": "Publish the tender"}
        )
        == []
    )
    milestone.refresh_from_db()
    assert milestone.version == 1
    assert milestone.updates.count() == 1


def test_editing_keeps_titles_apart_and_refuses_stale_versions(chair_ua, provision):
    milestone = plan(provision, chair_ua)
    make_milestone(provision, "UA", title="Other")
    with pytest.raises(ValidationError):
        services.edit_milestone(milestone, chair_ua, version=1, fields={"title": "Other"})
    services.edit_milestone(milestone, chair_ua, version=1, fields={"title": "Renamed"})
    with pytest.raises(services.StaleVersion):
        services.edit_milestone(milestone, chair_ua, version=1, fields={"title": "Again"})
    milestone.refresh_from_db()
    assert milestone.title == "Renamed"


def test_a_member_cannot_edit(member_ua, chair_ua, provision):
    milestone = plan(provision, chair_ua)
    with pytest.raises(PermissionDenied):
        services.edit_milestone(milestone, member_ua, version=1, fields={"title": "Mine"})
    milestone.refresh_from_db()
    assert milestone.title == "Publish the tender"


# --- Re-planning -----------------------------------------------------------------------------


def test_replanning_moves_the_due_date_and_keeps_the_baseline(chair_ua, provision):
    milestone = plan(provision, chair_ua)
    later = AT + datetime.timedelta(days=10)

    entry = services.replan_milestone(
        milestone,
        chair_ua,
        version=1,
        due_date=datetime.date(2026, 12, 15),
        reason="The tender was re-run",
        at=later,
    )

    milestone.refresh_from_db()
    assert (milestone.baseline_due, milestone.due_date, milestone.slip_days) == (
        DUE,
        datetime.date(2026, 12, 15),
        76,
    )
    assert (entry.kind, entry.old_due_date, entry.new_due_date, entry.note, entry.created_at) == (
        ProgressUpdate.Kind.REPLANNED,
        DUE,
        datetime.date(2026, 12, 15),
        "The tender was re-run",
        later,
    )
    record = milestone.history.latest()
    assert (record.due_date, record.baseline_due, record.history_change_reason) == (
        datetime.date(2026, 12, 15),
        DUE,
        "The tender was re-run",
    )


def test_replanning_needs_a_reason_and_a_new_date(chair_ua, provision):
    milestone = plan(provision, chair_ua)
    with pytest.raises(ValidationError) as refused:
        services.replan_milestone(milestone, chair_ua, version=1, due_date=DUE, reason=" ")
    errors = refused.value.message_dict
    assert errors["due_date"] == ["This is the current due date. Choose the new one."]
    assert errors["reason"] == ["Give the reason for moving the due date."]
    with pytest.raises(ValidationError) as refused:
        services.replan_milestone(
            milestone, chair_ua, version=1, due_date=datetime.date(2024, 1, 1), reason="Why not"
        )
    assert "before the agreement was signed" in refused.value.message_dict["due_date"][0]
    milestone.refresh_from_db()
    assert (milestone.due_date, milestone.version) == (DUE, 1)
    assert milestone.updates.count() == 1


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.CANCELLED])
def test_a_closed_milestone_keeps_its_due_date(chair_ua, provision, status):
    extra = {"completed_on": datetime.date(2026, 5, 1), "percent_complete": 100}
    milestone = make_milestone(
        provision, "UA", status=status, **(extra if status == Status.COMPLETED else {})
    )
    with pytest.raises(ValidationError, match="keeps its due date"):
        services.replan_milestone(
            milestone, chair_ua, version=1, due_date=datetime.date(2027, 1, 1), reason="Later"
        )


def test_a_stale_replan_is_refused(chair_ua, chair_us, provision):
    milestone = plan(provision, chair_ua)
    services.replan_milestone(
        milestone, chair_us, version=1, due_date=datetime.date(2026, 10, 30), reason="First"
    )
    with pytest.raises(services.StaleVersion):
        services.replan_milestone(
            milestone, chair_ua, version=1, due_date=datetime.date(2026, 11, 30), reason="Second"
        )
    milestone.refresh_from_db()
    assert milestone.due_date == datetime.date(2026, 10, 30)


def test_other_partys_co_chair_cannot_replan(chair_ua, staff_admin, us_provision):
    milestone = plan(us_provision, staff_admin)
    with pytest.raises(PermissionDenied):
        services.replan_milestone(
            milestone, chair_ua, version=1, due_date=datetime.date(2027, 1, 1), reason="Later"
        )
    milestone.refresh_from_db()
    assert milestone.due_date == DUE


# --- Cancelling ------------------------------------------------------------------------------


def test_cancelling_needs_a_reason_and_is_logged(chair_ua, provision):
    milestone = plan(provision, chair_ua, status=Status.IN_PROGRESS, percent=30)
    with pytest.raises(ValidationError) as refused:
        services.cancel_milestone(milestone, chair_ua, version=1, reason="")
    assert refused.value.message_dict["reason"] == ["Give the reason for cancelling the milestone."]

    entry = services.cancel_milestone(
        milestone, chair_ua, version=1, reason="Merged into P-01.3", at=AT
    )

    milestone.refresh_from_db()
    assert (milestone.status, milestone.percent_complete) == (Status.CANCELLED, 30)
    assert (entry.kind, entry.old_status, entry.new_status, entry.note) == (
        ProgressUpdate.Kind.UPDATE,
        Status.IN_PROGRESS,
        Status.CANCELLED,
        "Merged into P-01.3",
    )
    assert milestone.history.latest().history_change_reason == "Merged into P-01.3"


def test_cancelled_and_completed_milestones_are_not_cancelled(chair_ua, provision):
    cancelled = make_milestone(provision, "UA", title="Gone", status=Status.CANCELLED)
    completed = make_milestone(
        provision,
        "UA",
        title="Done",
        status=Status.COMPLETED,
        percent_complete=100,
        completed_on=datetime.date(2026, 5, 1),
    )
    with pytest.raises(ValidationError, match="already cancelled"):
        services.cancel_milestone(cancelled, chair_ua, version=1, reason="Again")
    with pytest.raises(ValidationError, match="completed milestone"):
        services.cancel_milestone(completed, chair_ua, version=1, reason="Oops")
    completed.refresh_from_db()
    assert completed.status == Status.COMPLETED


def test_a_member_cannot_cancel_through_planning(member_ua, chair_ua, provision):
    milestone = plan(provision, chair_ua)
    with pytest.raises(PermissionDenied):
        services.cancel_milestone(milestone, member_ua, version=1, reason="Not needed")
    milestone.refresh_from_db()
    assert milestone.status == Status.NOT_STARTED
