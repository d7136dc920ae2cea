"""`send_reminders`: what is due reaches the right people once per item and threshold, and
everyone gets at most one digest a day, in their language, linking to the right items."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from tests.conftest import make_milestone, make_user
from tests.notifications.conftest import html_of, run_worker, text_of
from tracker.accounts.models import Role
from tracker.disputes.models import Dispute
from tracker.milestones.models import Status
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck
from tracker.notifications.models import Kind, Notification, OutgoingEmail, Preference
from tracker.notifications.reminders import send_reminders

TODAY = datetime.date(2026, 11, 28)
MORNING = datetime.datetime(2026, 11, 28, 7, 0, tzinfo=datetime.UTC)


@pytest.fixture
def delegations(db):
    return {
        "chair_ua": make_user("chair-ua", Role.CO_CHAIR, "UA", email="chair-ua@example.org"),
        "member_ua": make_user(
            "member-ua", Role.MEMBER, "UA", email="member-ua@example.org", language="uk"
        ),
        "member_us": make_user("member-us", Role.MEMBER, "US", email="member-us@example.org"),
        "monitor": make_user("monitor", Role.MONITOR, "IND", email="monitor@example.org"),
    }


def due_in(provision, days: int, party: str = "UA", **fields):
    return make_milestone(
        provision,
        party,
        title=fields.pop("title", f"Due in {days} days"),
        due_date=TODAY + datetime.timedelta(days=days),
        **fields,
    )


def reminders_of(username: str) -> set[tuple[str, str]]:
    return set(
        Notification.objects.filter(recipient__username=username).values_list(
            "kind", "milestone__title"
        )
    )


@pytest.mark.django_db
def test_each_threshold_reaches_the_responsible_party_once(delegations, provision):
    due_in(provision, 20)
    due_in(provision, 14)
    due_in(provision, 3)
    due_in(provision, -1)
    due_in(provision, -5, status=Status.COMPLETED, percent_complete=100, completed_on=TODAY)
    due_in(provision, 2, party="US", title="American")
    due_in(provision, 10, party="JOINT", title="Joint")

    with time_machine.travel(MORNING):
        send_reminders()

    assert reminders_of("member-ua") == {
        (Kind.MILESTONE_DUE, "Due in 14 days"),
        (Kind.MILESTONE_DUE, "Due in 3 days"),
        (Kind.MILESTONE_OVERDUE, "Due in -1 days"),
        (Kind.MILESTONE_DUE, "Joint"),
    }
    assert reminders_of("member-us") == {
        (Kind.MILESTONE_DUE, "American"),
        (Kind.MILESTONE_DUE, "Joint"),
    }
    assert reminders_of("monitor") == set()


@pytest.mark.django_db
def test_running_twice_sends_nothing_new(delegations, provision, smtp_server):
    due_in(provision, 3)
    due_in(provision, -2)
    Preference.objects.create(
        user=delegations["chair_ua"], kind=Kind.MILESTONE_OVERDUE, email="immediate", in_app="off"
    )

    with time_machine.travel(MORNING):
        call_command("send_reminders", verbosity=0)
        first = (Notification.objects.count(), OutgoingEmail.objects.count())
        call_command("send_reminders", verbosity=0)
        second = (Notification.objects.count(), OutgoingEmail.objects.count())

    assert first == second
    # Two reminders each for the co-chair and the member; one e-mail at once (the co-chair's
    # overdue), one digest each.
    assert first == (4, 3)


@pytest.mark.django_db(transaction=True)
def test_running_twice_delivers_each_email_once(delegations, provision, smtp_server):
    due_in(provision, 3)
    with time_machine.travel(MORNING):
        send_reminders()
        run_worker()
        send_reminders()
        run_worker()

    assert sorted(m["To"] for m in smtp_server.messages) == [
        "chair-ua@example.org",
        "member-ua@example.org",
    ]


@pytest.mark.django_db
def test_a_later_threshold_and_a_new_due_date_are_reminded_again(delegations, provision):
    milestone = due_in(provision, 10)
    with time_machine.travel(MORNING):
        send_reminders()
    with time_machine.travel(MORNING + datetime.timedelta(days=8)):
        send_reminders()
    keys = set(
        Notification.objects.filter(recipient=delegations["member_ua"]).values_list(
            "key", flat=True
        )
    )
    assert keys == {
        f"milestone_due:{milestone.pk}:14:2026-12-08",
        f"milestone_due:{milestone.pk}:3:2026-12-08",
    }

    milestone.due_date = datetime.date(2026, 12, 20)
    milestone.save()
    with time_machine.travel(MORNING + datetime.timedelta(days=9)):
        send_reminders()
    assert Notification.objects.filter(
        recipient=delegations["member_ua"], key=f"milestone_due:{milestone.pk}:14:2026-12-20"
    ).exists()


@pytest.mark.django_db
def test_the_database_refuses_a_second_reminder_for_the_same_person_and_threshold(
    delegations, provision
):
    due_in(provision, 3)
    with time_machine.travel(MORNING):
        send_reminders()
    first = Notification.objects.filter(recipient=delegations["member_ua"]).first()
    first.pk = None

    with pytest.raises(IntegrityError):
        first.save()


@pytest.mark.django_db
def test_dispute_deadlines_reach_the_responding_party_while_unanswered(delegations, agreement):
    def dispute(days: int, status: str = "raised") -> Dispute:
        return Dispute.objects.create(
            agreement=agreement,
            raised_by_party="US",
            responding_party="UA",
            raised_by=delegations["member_us"],
            raised_on=TODAY - datetime.timedelta(days=20),
            response_due=TODAY + datetime.timedelta(days=days),
            title=f"Response in {days} days ({status})",
            description="Data not shared.",
            raising_position="Share it.",
            status=status,
        )

    dispute(7)
    dispute(1)
    dispute(12)
    dispute(1, status="acknowledged")

    with time_machine.travel(MORNING):
        send_reminders()

    told = set(
        Notification.objects.filter(kind=Kind.DISPUTE_DEADLINE).values_list(
            "recipient__username", "dispute__title"
        )
    )
    assert told == {
        (user, title)
        for user in ("chair-ua", "member-ua")
        for title in ("Response in 7 days (raised)", "Response in 1 days (raised)")
    }


@pytest.mark.django_db
def test_corrective_actions_due_and_overdue_reach_their_owner(delegations, provision):
    check = MonitoringCheck.objects.create(
        provision=provision,
        criterion="Open tender",
        monitor=delegations["monitor"],
        checked_on=TODAY - datetime.timedelta(days=30),
        result="non_compliant",
        severity="major",
    )
    for days, party in ((5, "US"), (-3, "UA"), (20, "UA")):
        CorrectiveAction.objects.create(
            check_record=check,
            description=f"Action in {days} days",
            owner_party=party,
            due_date=TODAY + datetime.timedelta(days=days),
        )

    with time_machine.travel(MORNING):
        send_reminders()

    told = set(
        Notification.objects.filter(corrective_action__isnull=False).values_list(
            "recipient__username", "kind"
        )
    )
    assert told == {
        ("member-us", Kind.ACTION_DUE),
        ("chair-ua", Kind.ACTION_OVERDUE),
        ("member-ua", Kind.ACTION_OVERDUE),
    }


@pytest.mark.django_db(transaction=True)
def test_a_ukrainian_members_digest_is_in_ukrainian_and_links_to_the_right_milestones(
    delegations, provision, smtp_server
):
    soon = due_in(provision, 3, title="Publish the tender", title_uk="Оприлюднити тендер")
    late = due_in(provision, -4, title="Sign the contract", title_uk="Підписати контракт")
    far = due_in(provision, 40, title="Far away", title_uk="Далеко")

    with time_machine.travel(MORNING):
        send_reminders()
        run_worker()

    [digest] = smtp_server.mailbox.to("member-ua@example.org")
    text, html = text_of(digest), html_of(digest)
    assert "Оприлюднити тендер" in text and "Підписати контракт" in text
    assert "Publish the tender" not in text
    assert "Далеко" not in text
    for milestone in (soon, late):
        assert f"https://tracker.example.org/milestones/{milestone.pk}/" in text
        assert f'href="https://tracker.example.org/milestones/{milestone.pk}/"' in html
    assert f"/milestones/{far.pk}/" not in text
    assert "https://tracker.example.org/notifications/settings/" in text
    assert "щоденний" in digest["Subject"].lower() or "підсумок" in digest["Subject"].lower()
    # The English co-chair's digest is in English.
    [english] = smtp_server.mailbox.to("chair-ua@example.org")
    assert "Publish the tender" in text_of(english)


@pytest.mark.django_db
def test_at_most_one_digest_a_day_and_the_rest_waits_for_tomorrow(delegations, provision):
    due_in(provision, 3)
    with time_machine.travel(MORNING):
        assert send_reminders().digests == 2
    due_in(provision, -1, title="Late")
    with time_machine.travel(MORNING + datetime.timedelta(hours=6)):
        summary = send_reminders()
    assert (summary.notifications, summary.digests) == (2, 0)
    waiting = Notification.objects.filter(milestone__title="Late")
    assert set(waiting.values_list("message", flat=True)) == {None}

    with time_machine.travel(MORNING + datetime.timedelta(days=1)):
        assert send_reminders().digests == 2
    assert OutgoingEmail.objects.filter(is_digest=True).count() == 4
    assert not waiting.filter(message__isnull=True).exists()


@pytest.mark.django_db
def test_in_app_digest_enters_the_inbox_with_the_daily_run(delegations, provision):
    Preference.objects.create(
        user=delegations["member_ua"], kind=Kind.MILESTONE_DUE, email="off", in_app="digest"
    )
    milestone = due_in(provision, 3)
    with time_machine.travel(MORNING):
        send_reminders()
    notification = Notification.objects.get(recipient=delegations["member_ua"], milestone=milestone)
    assert notification.shown_at == MORNING
    assert notification.message is None


@pytest.mark.django_db
def test_a_second_run_reads_a_fixed_number_of_queries(
    delegations, provision, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for days in range(-2, 3):
        due_in(provision, days)
    with time_machine.travel(MORNING):
        send_reminders()
        with CaptureQueriesContext(connection) as few:
            send_reminders()
    for days in range(-60, 14):
        due_in(provision, days, title=f"More {days}")
    with time_machine.travel(MORNING + datetime.timedelta(days=1)):
        send_reminders()
        with django_assert_max_num_queries(len(few.captured_queries)):
            summary = send_reminders()
    assert (summary.notifications, summary.emails, summary.digests) == (0, 0, 0)


def test_the_command_says_what_it_did(db, capsys):
    with time_machine.travel(timezone.now()):
        call_command("send_reminders")
    assert "0 reminders written" in capsys.readouterr().out
