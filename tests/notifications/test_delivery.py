"""E-mail delivery through a real SMTP server (aiosmtpd, in the test process) by the real task
worker: what arrives, in which language, once; retries after an outage; a bad address."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import make_user
from tests.notifications.conftest import html_of, run_worker, text_of, worker_process
from tracker.accounts.models import Role
from tracker.milestones import services as milestones
from tracker.milestones.models import Status
from tracker.notifications import delivery
from tracker.notifications.models import Kind, Notification, OutgoingEmail, Preference
from tracker.notifications.services import Event, enqueue_delivery, notify

State = OutgoingEmail.State


def complete(milestone, user):
    milestones.update_progress(
        milestone,
        user,
        version=milestone.version,
        status=Status.COMPLETED,
        percent=100,
        note="Tender published on the portal.",
    )


def verifiers(count: int, **extra):
    """Co-chairs of the US, who hear at once (by default) that a UA milestone awaits them."""
    return [
        make_user(f"chair-{n}", Role.CO_CHAIR, "US", email=f"chair-{n}@example.org", **extra)
        for n in range(count)
    ]


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_email_of_an_event_with_text_html_and_links(
    smtp_server, milestone_ua, member_ua
):
    chair = make_user("dana", Role.CO_CHAIR, "US", email="dana@example.org")
    # A monitor chose e-mails at once too.
    Preference.objects.create(
        user=make_user("ingrid", Role.MONITOR, "IND", email="ingrid@example.org"),
        kind=Kind.AWAITING_VERIFICATION,
        email="immediate",
        in_app="immediate",
    )

    complete(milestone_ua, member_ua)
    run_worker()

    assert sorted(m["To"] for m in smtp_server.messages) == [
        "dana@example.org",
        "ingrid@example.org",
    ]
    message = smtp_server.mailbox.to("dana@example.org")[0]
    assert message["Auto-Submitted"] == "auto-generated"
    assert "awaiting your verification" in message["Subject"]
    text, html = text_of(message), html_of(message)
    link = f"https://tracker.example.org/milestones/{milestone_ua.pk}/"
    assert "Publish survey tender" in text and link in text
    assert f'href="{link}"' in html
    assert "https://tracker.example.org/notifications/settings/" in text
    assert 'href="https://tracker.example.org/notifications/settings/"' in html
    email = Notification.objects.get(recipient=chair).message
    assert (email.state, email.attempts, email.sent_at is not None) == (State.SENT, 1, True)


@pytest.mark.django_db(transaction=True)
def test_a_ukrainian_reader_gets_the_email_in_ukrainian(smtp_server, milestone_ua, member_ua):
    make_user("oksana", Role.CO_CHAIR, "US", email="oksana@example.org", language="uk")

    complete(milestone_ua, member_ua)
    run_worker()

    message = smtp_server.messages[0]
    text = text_of(message)
    assert "Вітаємо, Oksana!" in text
    assert "Member Ua позначив етап «Publish survey tender» завершеним" in text
    assert "очікує вашого підтвердження" in message["Subject"]
    assert "awaiting" not in text


@pytest.mark.django_db(transaction=True)
def test_one_bad_address_fails_alone_and_is_shown_with_the_servers_answer(
    smtp_server, milestone_ua, member_ua
):
    good = verifiers(3)
    bad = make_user("typo", Role.CO_CHAIR, "US", email="nobody@example.org")
    smtp_server.mailbox.refuse.add("nobody@example.org")

    complete(milestone_ua, member_ua)
    run_worker()

    assert sorted(m["To"] for m in smtp_server.messages) == sorted(u.email for u in good)
    failed = Notification.objects.get(recipient=bad).message
    assert failed.state == State.FAILED
    assert "550" in failed.last_error
    # Refused for good: not tried again.
    assert failed.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_an_outage_during_a_run_delivers_everything_once_the_server_is_back(
    smtp_server, milestone_ua, member_ua
):
    people = verifiers(5)
    smtp_server.mailbox.down_after = 2  # the server fails after two messages

    complete(milestone_ua, member_ua)
    run_worker()

    assert len(smtp_server.messages) == 2
    waiting = OutgoingEmail.objects.filter(state=State.PENDING)
    assert waiting.count() == 3
    assert all("421" in email.last_error for email in waiting)
    assert all(email.next_attempt_at > timezone.now() for email in waiting)

    # Still down at the first retry: the e-mails wait longer, and nothing is lost.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        run_worker()
    assert len(smtp_server.messages) == 2
    assert OutgoingEmail.objects.filter(state=State.PENDING, attempts=2).count() == 3

    smtp_server.mailbox.up()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10)):
        run_worker()

    assert sorted(m["To"] for m in smtp_server.messages) == sorted(p.email for p in people)
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {State.SENT}


@pytest.mark.django_db(transaction=True)
def test_a_server_that_is_not_there_at_all_is_tried_again(smtp_server, milestone_ua, member_ua):
    verifiers(2)
    smtp_server.stop()

    complete(milestone_ua, member_ua)
    run_worker()
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {State.PENDING}
    assert "Connection refused" in OutgoingEmail.objects.first().last_error

    smtp_server.start()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        run_worker()
    assert len(smtp_server.messages) == 2


@pytest.mark.django_db(transaction=True)
def test_after_the_last_attempt_the_email_is_failed_for_staff_to_see(
    smtp_server, milestone_ua, member_ua
):
    verifiers(1)
    smtp_server.mailbox.down()
    complete(milestone_ua, member_ua)

    moment = timezone.now()
    for _attempt in range(delivery.MAX_ATTEMPTS):
        with time_machine.travel(moment):
            run_worker()
        moment += delivery.LONGEST_RETRY + datetime.timedelta(minutes=1)

    email = OutgoingEmail.objects.get()
    assert (email.state, email.attempts) == (State.FAILED, delivery.MAX_ATTEMPTS)
    assert smtp_server.messages == []


def test_the_retries_wait_longer_each_time_up_to_six_hours():
    delays = [delivery.retry_delay(n).total_seconds() / 60 for n in range(1, 12)]
    assert delays[:5] == [1, 2, 4, 8, 16]
    assert max(delays) == 360 and delays == sorted(delays)


@pytest.mark.django_db(transaction=True)
def test_an_email_queued_twice_is_sent_once(smtp_server, milestone_ua, member_ua):
    verifiers(1)
    complete(milestone_ua, member_ua)
    email = OutgoingEmail.objects.get()
    enqueue_delivery([email.pk])  # a second task for the same e-mail

    run_worker()

    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_delivers_through_the_smtp_server(smtp_server, milestone_ua, member_ua):
    verifiers(3)
    complete(milestone_ua, member_ua)

    worker = worker_process(smtp_server, "solo")
    output, _ = worker.communicate(timeout=120)

    assert worker.returncode == 0, output
    assert len(smtp_server.messages) == 3
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {State.SENT}


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_one_queue_deliver_each_message_once(smtp_server, provision, member_ua):
    people = verifiers(4)
    # Forty e-mails in forty tasks, each e-mail also queued a second time.
    for n in range(10):
        event = Event(
            Kind.MILESTONE_RETURNED,
            f"test-event:{n}",
            milestone_id=provision.milestones.create(
                title=f"Milestone {n}", responsible_party="UA", due_date=datetime.date(2027, 1, 1)
            ).pk,
            actor=member_ua,
        )
        notify(event, people)
    ids = list(OutgoingEmail.objects.values_list("pk", flat=True))
    assert len(ids) == 40
    for email_id in ids:
        enqueue_delivery([email_id])

    workers = [worker_process(smtp_server, name) for name in ("first", "second")]
    outputs = [worker.communicate(timeout=180)[0] for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    received = [(m["To"], m["Subject"]) for m in smtp_server.messages]
    assert len(received) == 40
    assert len(set(received)) == 40
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {State.SENT}
