"""Events of the domain services become notifications for the right people, in the same
transaction, with their e-mails queued for the worker."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tests.conftest import make_milestone, make_user
from tracker.accounts.models import Role
from tracker.disputes import services as disputes
from tracker.milestones import services as milestones
from tracker.milestones.models import Status
from tracker.monitoring import services as monitoring
from tracker.monitoring.models import MonitoringCheck
from tracker.notifications.models import Delivery, Kind, Notification, OutgoingEmail, Preference
from tracker.notifications.text import wording

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(chair_us, chair_ua, member_us, member_ua, monitor, observer):
    for user in (chair_us, chair_ua, member_us, member_ua, monitor, observer):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    return {
        "chair_us": chair_us,
        "chair_ua": chair_ua,
        "member_us": member_us,
        "member_ua": member_ua,
        "monitor": monitor,
        "observer": observer,
    }


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def complete(milestone, user):
    return milestones.update_progress(
        milestone,
        user,
        version=milestone.version,
        status=Status.COMPLETED,
        percent=100,
        note="Tender published.",
    )


def test_a_completed_milestone_awaits_the_other_partys_co_chairs_and_the_monitors(
    people, milestone_ua
):
    complete(milestone_ua, people["member_ua"])

    assert told(Kind.AWAITING_VERIFICATION) == {"chair-us", "monitor"}


def test_a_completed_joint_milestone_awaits_only_the_monitors(people, milestone_joint):
    complete(milestone_joint, people["member_ua"])

    assert told(Kind.AWAITING_VERIFICATION) == {"monitor"}


def test_a_returned_milestone_reaches_its_partys_delegation_but_not_who_returned_it(
    people, milestone_ua
):
    complete(milestone_ua, people["member_ua"])
    milestone_ua.refresh_from_db()

    milestones.return_for_rework(
        milestone_ua, people["chair_us"], version=milestone_ua.version, reason="No minutes."
    )

    assert told(Kind.MILESTONE_RETURNED) == {"chair-ua", "member-ua"}
    returned = Notification.objects.get(kind=Kind.MILESTONE_RETURNED, recipient=people["member_ua"])
    assert (returned.note, returned.actor, returned.milestone) == (
        "No minutes.",
        people["chair_us"],
        milestone_ua,
    )
    # Immediately, in the app and by e-mail (the defaults of a return), with the e-mail queued.
    assert returned.shown_at is not None and returned.read_at is None
    assert returned.message.state == OutgoingEmail.State.PENDING
    assert DBTaskResult.objects.filter(task_path="tracker.notifications.tasks.send_emails").exists()


def test_a_verified_joint_milestone_reaches_both_delegations(people, milestone_joint):
    complete(milestone_joint, people["member_us"])
    milestone_joint.refresh_from_db()

    milestones.verify(milestone_joint, people["monitor"], version=milestone_joint.version)

    assert told(Kind.MILESTONE_VERIFIED) == {"chair-us", "chair-ua", "member-us", "member-ua"}
    # Verification is good news: the e-mail waits for the daily digest.
    assert set(
        Notification.objects.filter(kind=Kind.MILESTONE_VERIFIED).values_list("email", flat=True)
    ) == {Delivery.DIGEST}
    assert not Notification.objects.filter(
        kind=Kind.MILESTONE_VERIFIED, message__isnull=False
    ).exists()


def test_a_raised_dispute_reaches_the_responding_party_and_each_move_both(
    people, agreement, provision
):
    dispute = disputes.raise_dispute(
        people["member_us"],
        agreement=agreement,
        provisions=[provision],
        raised_by_party="US",
        title="Survey data not shared",
        description="Not shared on time.",
        raising_position="Share within 30 days.",
    )
    assert told(Kind.DISPUTE_RAISED) == {"chair-ua", "member-ua"}

    disputes.move_dispute(people["chair_ua"], dispute, "acknowledged", "Received.")
    disputes.record_position(people["member_ua"], dispute, "Shared through the portal.")

    moves = Notification.objects.filter(kind=Kind.DISPUTE_MOVED)
    assert set(moves.values_list("recipient__username", "status")) == {
        ("chair-us", "acknowledged"),
        ("member-us", "acknowledged"),
        ("member-ua", "acknowledged"),
        ("chair-us", ""),
        ("member-us", ""),
        ("chair-ua", ""),
    }


def test_a_corrective_action_reaches_its_owner_party(people, provision):
    check = MonitoringCheck.objects.create(
        provision=provision,
        criterion="Tender published openly",
        monitor=people["monitor"],
        checked_on=datetime.date(2026, 1, 5),
        result="non_compliant",
        severity="major",
    )
    monitoring.add_corrective_action(
        people["monitor"],
        check,
        {
            "description": "Publish in Ukrainian.",
            "owner_party": "UA",
            "due_date": datetime.date(2026, 3, 1),
        },
    )

    assert told(Kind.ACTION_ADDED) == {"chair-ua", "member-ua"}


def test_preferences_decide_how_and_whether(people, milestone_ua):
    Preference.objects.create(
        user=people["chair_us"], kind=Kind.AWAITING_VERIFICATION, email="off", in_app="off"
    )
    Preference.objects.create(
        user=people["monitor"], kind=Kind.AWAITING_VERIFICATION, email="off", in_app="digest"
    )

    complete(milestone_ua, people["member_ua"])

    notification = Notification.objects.get(kind=Kind.AWAITING_VERIFICATION)
    assert notification.recipient == people["monitor"]
    # Waiting for the app's daily digest: not in the inbox yet, and no e-mail.
    assert (notification.shown_at, notification.message) == (None, None)


def test_nobody_without_an_address_gets_an_email_but_the_app_tells_them(people, milestone_ua):
    people["chair_us"].email = ""
    people["chair_us"].save(update_fields=["email"])

    complete(milestone_ua, people["member_ua"])

    notification = Notification.objects.get(recipient=people["chair_us"])
    assert notification.shown_at is not None
    assert notification.message is None


def test_inactive_people_and_people_without_a_role_hear_nothing(people, milestone_ua):
    make_user("former-chair", Role.CO_CHAIR, "US", is_active=False)
    make_user("newcomer", "", "IND")

    complete(milestone_ua, people["member_ua"])

    assert told(Kind.AWAITING_VERIFICATION) == {"chair-us", "monitor"}


def test_a_change_that_rolls_back_leaves_no_notification(people, milestone_ua):
    with pytest.raises(RuntimeError), transaction.atomic():
        complete(milestone_ua, people["member_ua"])
        raise RuntimeError("the request failed after the update")

    assert not Notification.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_notifying_many_people_costs_the_same_queries_as_notifying_few(
    people, provision, django_assert_max_num_queries
):
    few = make_milestone(provision, "UA", title="Few")
    many = make_milestone(provision, "UA", title="Many")
    complete(few, people["member_ua"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        complete(make_milestone(provision, "UA", title="Again"), people["member_ua"])
    for n in range(15):
        make_user(f"extra-monitor-{n}", Role.MONITOR, "IND", email=f"m{n}@example.org")

    with django_assert_max_num_queries(len(small)):
        complete(many, people["member_ua"])
    assert Notification.objects.filter(milestone=many).count() == 17


def test_a_replanned_milestone_reaches_its_partys_delegation_but_not_who_moved_it(
    people, milestone_ua
):
    new_due = milestone_ua.due_date + datetime.timedelta(days=30)

    milestones.replan_milestone(
        milestone_ua,
        people["chair_ua"],
        version=milestone_ua.version,
        due_date=new_due,
        reason="The tender was extended.",
    )

    assert told(Kind.MILESTONE_REPLANNED) == {"member-ua"}
    moved = Notification.objects.get(kind=Kind.MILESTONE_REPLANNED)
    assert (moved.note, moved.actor, moved.milestone, moved.due_date) == (
        "The tender was extended.",
        people["chair_ua"],
        milestone_ua,
        new_due,
    )


def test_a_proposed_decision_reaches_the_other_partys_co_chairs_and_its_rejection_the_proposers(
    people, provision
):
    from tests.disputes.conftest import make_dispute, set_status
    from tracker.disputes.models import DisputeStatus

    dispute = set_status(make_dispute(people["member_us"], provision), "under_consultation")
    proposal = disputes.propose_decision(
        people["chair_us"], dispute, DisputeStatus.RESOLVED, "Data shared by May."
    )

    # The second key is Ukraine's: only its co-chair is asked, not the members or the monitors.
    proposed = Notification.objects.get(kind=Kind.DECISION_PROPOSED)
    assert (proposed.recipient.username, proposed.dispute_id, proposed.status, proposed.note) == (
        "chair-ua",
        dispute.pk,
        "resolved",
        "Data shared by May.",
    )
    assert proposed.message.state == OutgoingEmail.State.PENDING  # the co-chair is e-mailed
    assert wording(proposed).sentence == (
        f"{people['chair_us']} proposed to mark the dispute “{dispute.title}” “resolved”: it takes "
        "effect when a co-chair of your party concurs."
    )

    disputes.reject(people["chair_ua"], proposal, "The data is still missing.")

    rejected = Notification.objects.get(kind=Kind.DECISION_REJECTED)
    assert (rejected.recipient.username, rejected.note) == (
        "chair-us",
        "The data is still missing.",
    )
    assert Notification.objects.filter(kind=Kind.DECISION_PROPOSED).count() == 1


def test_a_refused_proposal_tells_nobody(people, provision):
    from tests.disputes.conftest import make_dispute

    dispute = make_dispute(people["member_us"], provision)  # raised: not yet open to a decision
    with pytest.raises((PermissionDenied, ValidationError)):
        disputes.propose_decision(people["member_us"], dispute, "resolved", "Done.")

    assert not Notification.objects.filter(kind=Kind.DECISION_PROPOSED).exists()
