"""The transition rules of milestones (tracker/milestones/services.py), one test per rule."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import make_milestone
from tests.milestones.conftest import completed, pdf, snapshot
from tracker.core.models import Evidence
from tracker.milestones import services
from tracker.milestones.models import Milestone, ProgressUpdate, Status


def update(milestone, user, **fields):
    values = {"version": milestone.version, "status": Status.IN_PROGRESS, "percent": 40}
    values.update(fields)
    return services.update_progress(milestone, user, **values)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- update_progress: who ------------------------------------------------------------------


def test_member_updates_own_partys_milestone(member_ua, milestone_ua):
    entry = update(milestone_ua, member_ua, note="Tender drafted", percent=40)

    milestone_ua.refresh_from_db()
    assert (milestone_ua.status, milestone_ua.percent_complete) == (Status.IN_PROGRESS, 40)
    assert milestone_ua.version == 2
    assert entry.author == member_ua
    assert entry.kind == ProgressUpdate.Kind.UPDATE
    assert (entry.old_status, entry.new_status) == (Status.NOT_STARTED, Status.IN_PROGRESS)
    assert (entry.old_percent, entry.percent) == (0, 40)
    assert entry.note == "Tender drafted"


def test_update_writes_history_with_the_note_as_reason_and_the_user(member_ua, milestone_ua):
    update(milestone_ua, member_ua, note="Tender drafted")

    record = milestone_ua.history.latest()
    assert record.history_change_reason == "Tender drafted"
    assert record.history_user == member_ua
    assert record.status == Status.IN_PROGRESS


def test_member_cannot_update_other_partys_milestone(member_us, milestone_ua):
    before = snapshot(milestone_ua)

    with pytest.raises(PermissionDenied):
        update(milestone_ua, member_us, note="Not ours")

    assert snapshot(milestone_ua) == before


@pytest.mark.parametrize("role_fixture", ["observer", "monitor", "staff_admin"])
def test_non_delegates_cannot_update_milestones(request, role_fixture, milestone_ua):
    user = request.getfixturevalue(role_fixture)
    before = snapshot(milestone_ua)

    with pytest.raises(PermissionDenied):
        update(milestone_ua, user, note="No")

    assert snapshot(milestone_ua) == before


@pytest.mark.parametrize("member_fixture", ["member_ua", "member_us"])
def test_either_partys_member_updates_a_joint_milestone(request, member_fixture, milestone_joint):
    update(milestone_joint, request.getfixturevalue(member_fixture), note="Joint work")

    milestone_joint.refresh_from_db()
    assert milestone_joint.status == Status.IN_PROGRESS


# --- update_progress: conflict -------------------------------------------------------------


def test_stale_version_is_refused_with_the_current_milestone(member_ua, milestone_ua):
    update(milestone_ua, member_ua, note="First save", percent=20)
    before = snapshot(milestone_ua)

    with pytest.raises(services.StaleVersion) as excinfo:
        update(milestone_ua, member_ua, version=1, note="Based on old data", percent=90)

    assert excinfo.value.current.version == 2
    assert excinfo.value.current.percent_complete == 20
    assert snapshot(milestone_ua) == before


# --- update_progress: rules ----------------------------------------------------------------


def test_completing_needs_a_note(member_ua, milestone_ua):
    before = snapshot(milestone_ua)

    with pytest.raises(ValidationError) as excinfo:
        update(milestone_ua, member_ua, status=Status.COMPLETED, note="  ")

    assert "note" in errors_of(excinfo)
    assert snapshot(milestone_ua) == before


def test_completing_sets_percent_to_100_and_completion_date_today(member_ua, milestone_ua):
    entry = update(milestone_ua, member_ua, status=Status.COMPLETED, percent=60, note="Done")

    milestone_ua.refresh_from_db()
    assert milestone_ua.percent_complete == 100
    assert entry.percent == 100
    assert milestone_ua.completed_on == timezone.localdate()
    assert milestone_ua.awaiting_verification


@pytest.mark.parametrize("status", [Status.ON_HOLD, Status.CANCELLED])
def test_on_hold_and_cancelled_need_a_reason(member_ua, milestone_ua, status):
    before = snapshot(milestone_ua)

    with pytest.raises(ValidationError) as excinfo:
        update(milestone_ua, member_ua, status=status, note="")

    assert "note" in errors_of(excinfo)
    assert snapshot(milestone_ua) == before


@pytest.mark.parametrize("status", [Status.ON_HOLD, Status.CANCELLED])
def test_on_hold_and_cancelled_with_a_reason_are_saved(member_ua, milestone_ua, status):
    update(milestone_ua, member_ua, status=status, note="Funding delayed")

    milestone_ua.refresh_from_db()
    assert milestone_ua.status == status


@pytest.mark.parametrize("percent", [-1, 101, None])
def test_percent_must_be_between_0_and_100(member_ua, milestone_ua, percent):
    before = snapshot(milestone_ua)

    with pytest.raises(ValidationError) as excinfo:
        update(milestone_ua, member_ua, percent=percent, note="Odd figure")

    assert "percent_complete" in errors_of(excinfo)
    assert snapshot(milestone_ua) == before


def test_unknown_status_is_refused(member_ua, milestone_ua):
    with pytest.raises(ValidationError) as excinfo:
        update(milestone_ua, member_ua, status="finished", note="Hm")

    assert "status" in errors_of(excinfo)


def test_an_update_that_changes_and_says_nothing_is_refused(member_ua, milestone_ua):
    before = snapshot(milestone_ua)

    with pytest.raises(ValidationError):
        update(milestone_ua, member_ua, status=Status.NOT_STARTED, percent=0, note="")

    assert snapshot(milestone_ua) == before


def test_a_note_alone_is_a_valid_update(member_ua, milestone_ua):
    entry = update(milestone_ua, member_ua, status=Status.NOT_STARTED, percent=0, note="Met")

    assert entry.old_status == entry.new_status == Status.NOT_STARTED
    assert ProgressUpdate.objects.filter(milestone=milestone_ua).count() == 1


def test_leaving_completed_clears_completion_date_and_verification(
    member_ua, chair_us, milestone_ua
):
    completed(milestone_ua, verified_by=chair_us, verified_at=timezone.now())

    update(milestone_ua, member_ua, status=Status.IN_PROGRESS, percent=80, note="Reopened")

    milestone_ua.refresh_from_db()
    assert milestone_ua.completed_on is None
    assert milestone_ua.verified_by is None
    assert milestone_ua.verified_at is None


def test_staying_completed_keeps_completion_date_and_verification(
    member_ua, chair_us, milestone_ua
):
    earlier = timezone.localdate() - datetime.timedelta(days=5)
    completed(milestone_ua, verified_by=chair_us, verified_at=timezone.now())
    Milestone.objects.filter(pk=milestone_ua.pk).update(completed_on=earlier)
    milestone_ua.refresh_from_db()

    update(milestone_ua, member_ua, status=Status.COMPLETED, percent=100, note="Final report")

    milestone_ua.refresh_from_db()
    assert milestone_ua.completed_on == earlier
    assert milestone_ua.verified_by == chair_us


def test_a_long_note_is_kept_whole_also_as_history_reason(member_ua, milestone_ua):
    note = "word " * 100

    entry = update(milestone_ua, member_ua, note=note)

    assert entry.note == note.strip()
    assert milestone_ua.history.latest().history_change_reason == note.strip()


def test_update_without_a_note_gets_a_descriptive_history_reason(member_ua, milestone_ua):
    update(milestone_ua, member_ua, percent=30, note="")

    assert "In progress" in milestone_ua.history.latest().history_change_reason


# --- update_progress: evidence -------------------------------------------------------------


def test_evidence_files_are_attached_to_the_update(member_ua, milestone_ua):
    entry = update(
        milestone_ua, member_ua, note="Proof", files=[pdf("a.pdf"), pdf("b.pdf", b"%PDF-1.7 x")]
    )

    assert sorted(entry.evidence.values_list("original_name", flat=True)) == ["a.pdf", "b.pdf"]


def test_one_bad_file_refuses_the_whole_update(member_ua, milestone_ua, settings):
    before = snapshot(milestone_ua)
    exe = SimpleUploadedFile("tool.pdf", b"MZ\x90\x00" + b"\x00" * 200)

    with pytest.raises(ValidationError) as excinfo:
        update(milestone_ua, member_ua, note="Proof", files=[pdf(), exe])

    assert "evidence" in errors_of(excinfo)
    assert snapshot(milestone_ua) == before
    assert not any(path.is_file() for path in settings.MEDIA_ROOT.rglob("*"))


def test_too_many_files_are_refused(member_ua, milestone_ua):
    files = [pdf(f"{index}.pdf") for index in range(services.MAX_FILES_PER_UPDATE + 1)]

    with pytest.raises(ValidationError) as excinfo:
        update(milestone_ua, member_ua, note="Proof", files=files)

    assert "evidence" in errors_of(excinfo)
    assert Evidence.objects.count() == 0


def test_a_failure_after_storing_files_removes_them(member_ua, milestone_ua, settings):
    before = snapshot(milestone_ua)

    with (
        mock.patch.object(ProgressUpdate, "save", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        update(milestone_ua, member_ua, note="Proof", files=[pdf()])

    assert snapshot(milestone_ua) == before
    assert not any(path.is_file() for path in settings.MEDIA_ROOT.rglob("*"))


# --- verify --------------------------------------------------------------------------------


def test_other_partys_co_chair_verifies_a_completed_milestone(chair_us, milestone_ua):
    completed(milestone_ua)

    entry = services.verify(milestone_ua, chair_us, version=milestone_ua.version)

    milestone_ua.refresh_from_db()
    assert milestone_ua.verified_by == chair_us
    assert milestone_ua.verified_at is not None
    assert milestone_ua.version == 2
    assert entry.kind == ProgressUpdate.Kind.VERIFICATION
    assert entry.author == chair_us
    record = milestone_ua.history.latest()
    assert record.history_user == chair_us
    assert record.history_change_reason == "Verified"


def test_a_monitor_verifies_a_joint_milestone(monitor, milestone_joint):
    completed(milestone_joint)

    services.verify(milestone_joint, monitor, version=milestone_joint.version)

    milestone_joint.refresh_from_db()
    assert milestone_joint.verified_by == monitor


@pytest.mark.parametrize(
    ("user_fixture", "milestone_fixture"),
    [
        ("chair_ua", "milestone_ua"),  # the responsible party's own co-chair
        ("member_us", "milestone_ua"),  # the other party, but not a co-chair
        ("chair_us", "milestone_joint"),  # a joint milestone is both parties' own
        ("observer", "milestone_ua"),
    ],
)
def test_verification_refused_to_anyone_but_other_co_chair_or_monitor(
    request, user_fixture, milestone_fixture
):
    user = request.getfixturevalue(user_fixture)
    milestone = completed(request.getfixturevalue(milestone_fixture))
    before = snapshot(milestone)

    with pytest.raises(PermissionDenied):
        services.verify(milestone, user, version=milestone.version)

    assert snapshot(milestone) == before


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.NOT_STARTED, Status.ON_HOLD])
def test_only_a_completed_milestone_can_be_verified(chair_us, provision, status):
    milestone = make_milestone(provision, "UA", status=status)
    before = snapshot(milestone)

    with pytest.raises(ValidationError):
        services.verify(milestone, chair_us, version=milestone.version)

    assert snapshot(milestone) == before


def test_a_verified_milestone_cannot_be_verified_again(chair_us, monitor, milestone_ua):
    completed(milestone_ua, verified_by=monitor, verified_at=timezone.now())
    before = snapshot(milestone_ua)

    with pytest.raises(ValidationError):
        services.verify(milestone_ua, chair_us, version=milestone_ua.version)

    assert snapshot(milestone_ua) == before


def test_verification_with_a_stale_version_is_refused(chair_us, milestone_ua):
    completed(milestone_ua)
    before = snapshot(milestone_ua)

    with pytest.raises(services.StaleVersion):
        services.verify(milestone_ua, chair_us, version=99)

    assert snapshot(milestone_ua) == before


# --- return_for_rework ---------------------------------------------------------------------


def test_returning_puts_the_milestone_back_in_progress_with_the_reason(chair_us, milestone_ua):
    completed(milestone_ua)

    entry = services.return_for_rework(
        milestone_ua, chair_us, version=milestone_ua.version, reason="Report unsigned"
    )

    milestone_ua.refresh_from_db()
    assert milestone_ua.status == Status.IN_PROGRESS
    assert milestone_ua.completed_on is None
    assert milestone_ua.verified_at is None
    assert entry.kind == ProgressUpdate.Kind.RETURN
    assert (entry.old_status, entry.new_status) == (Status.COMPLETED, Status.IN_PROGRESS)
    assert entry.note == "Report unsigned"
    assert milestone_ua.history.latest().history_change_reason == "Report unsigned"


def test_returning_needs_a_reason(chair_us, milestone_ua):
    completed(milestone_ua)
    before = snapshot(milestone_ua)

    with pytest.raises(ValidationError) as excinfo:
        services.return_for_rework(milestone_ua, chair_us, version=milestone_ua.version, reason="")

    assert "reason" in errors_of(excinfo)
    assert snapshot(milestone_ua) == before


def test_the_responsible_party_cannot_return_its_own_milestone(chair_ua, milestone_ua):
    completed(milestone_ua)
    before = snapshot(milestone_ua)

    with pytest.raises(PermissionDenied):
        services.return_for_rework(
            milestone_ua, chair_ua, version=milestone_ua.version, reason="Hm"
        )

    assert snapshot(milestone_ua) == before


def test_only_a_milestone_awaiting_verification_can_be_returned(chair_us, milestone_ua):
    before = snapshot(milestone_ua)

    with pytest.raises(ValidationError):
        services.return_for_rework(
            milestone_ua, chair_us, version=milestone_ua.version, reason="Not done"
        )

    assert snapshot(milestone_ua) == before


def test_returning_with_a_stale_version_is_refused(chair_us, milestone_ua):
    completed(milestone_ua)
    before = snapshot(milestone_ua)

    with pytest.raises(services.StaleVersion):
        services.return_for_rework(milestone_ua, chair_us, version=7, reason="Old page")

    assert snapshot(milestone_ua) == before


# --- the moment of a transition ------------------------------------------------------------

# A past moment, as a replay of earlier events passes it.
PAST = datetime.datetime(2026, 3, 20, 23, 30, tzinfo=datetime.UTC)


def last_record(milestone):
    """The history row written last (the milestone itself was created today, after PAST)."""
    return milestone.history.order_by("-history_id").first()


def test_an_update_at_a_past_moment_is_logged_completed_and_dated_then(member_ua, milestone_ua):
    entry = update(milestone_ua, member_ua, status=Status.COMPLETED, note="Done", at=PAST)

    milestone_ua.refresh_from_db()
    assert entry.created_at == PAST
    # 23:30 UTC is already the next day in Kyiv: the completion date is the local day.
    assert milestone_ua.completed_on == timezone.localdate(PAST) == datetime.date(2026, 3, 21)
    record = last_record(milestone_ua)
    assert (record.history_date, record.status, record.history_user) == (
        PAST,
        Status.COMPLETED,
        member_ua,
    )


def test_a_verification_at_a_past_moment_is_dated_then(chair_us, milestone_ua):
    completed(milestone_ua)

    entry = services.verify(milestone_ua, chair_us, version=milestone_ua.version, at=PAST)

    milestone_ua.refresh_from_db()
    assert milestone_ua.verified_at == entry.created_at == PAST
    assert last_record(milestone_ua).history_date == PAST


def test_a_return_at_a_past_moment_is_dated_then(chair_us, milestone_ua):
    completed(milestone_ua)

    entry = services.return_for_rework(
        milestone_ua, chair_us, version=milestone_ua.version, reason="Incomplete", at=PAST
    )

    assert entry.created_at == PAST
    record = last_record(milestone_ua)
    assert (record.history_date, record.status) == (PAST, Status.IN_PROGRESS)


def test_a_past_moment_changes_no_rule(member_us, milestone_ua):
    before = snapshot(milestone_ua)

    with pytest.raises(PermissionDenied):
        update(milestone_ua, member_us, note="Not ours", at=PAST)

    assert snapshot(milestone_ua) == before


def test_without_a_moment_a_transition_is_dated_now(member_ua, milestone_ua):
    now = datetime.datetime(2026, 5, 4, 9, 15, tzinfo=datetime.UTC)
    with time_machine.travel(now, tick=False):
        entry = update(milestone_ua, member_ua, note="Tender drafted")

    assert entry.created_at == now
    assert last_record(milestone_ua).history_date == now
