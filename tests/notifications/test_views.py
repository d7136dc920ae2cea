"""The inbox, marking read, the preferences and the e-mail deliveries: full pages, htmx
fragments, wrong methods, refused roles, and the header's unread count."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tracker.notifications.models import Delivery, Kind, Notification, OutgoingEmail, Preference
from tracker.notifications.services import Event, notify

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def tell(user, milestone, n: int = 1, kind: str = Kind.MILESTONE_RETURNED, actor=None):
    for i in range(n):
        notify(
            Event(
                kind,
                f"test:{milestone.pk}:{kind}:{i}:{user.pk}",
                milestone_id=milestone.pk,
                actor=actor,
                note="The minutes are missing.",
                at=timezone.now() + datetime.timedelta(seconds=i),
            ),
            [user],
        )


def test_the_inbox_lists_newest_first_and_marks_unread(login, member_ua, chair_us, milestone_ua):
    tell(member_ua, milestone_ua, 2, actor=chair_us)
    Notification.objects.filter(key__endswith=":0:" + str(member_ua.pk)).update(
        read_at=timezone.now()
    )

    response = login(member_ua).get(reverse("notifications:inbox"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" in content
    assert content.count('class="notification notification-unread"') == 1
    assert "Chair Us returned “Publish survey tender” to in progress." in content
    assert f'href="/milestones/{milestone_ua.pk}/"' in content
    assert "The minutes are missing." in content
    assert 'id="unread-count"' in content and '<span class="unread-number">1</span>' in content
    rows = response.context["rows"]
    assert rows[0][0].created_at > rows[1][0].created_at


def test_the_inbox_filters_by_kind_and_answers_htmx_with_the_results(
    login, member_ua, milestone_ua
):
    tell(member_ua, milestone_ua, 1)
    tell(member_ua, milestone_ua, 1, kind=Kind.MILESTONE_VERIFIED)

    response = login(member_ua).get(
        reverse("notifications:inbox") + "?kind=milestone_verified", headers=HTMX
    )

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert [n.kind for n, _words in response.context["rows"]] == [Kind.MILESTONE_VERIFIED]


def test_the_inbox_shows_only_ones_own_and_shown_notifications(
    login, member_ua, member_us, milestone_ua
):
    tell(member_us, milestone_ua, 1)
    Preference.objects.create(
        user=member_ua, kind=Kind.MILESTONE_RETURNED, email="off", in_app="digest"
    )
    tell(member_ua, milestone_ua, 1)

    response = login(member_ua).get(reverse("notifications:inbox"))

    assert response.context["rows"] == []
    assert "Nothing here." in response.content.decode()


def test_the_inbox_reads_a_fixed_number_of_queries(
    login, member_ua, provision, django_assert_max_num_queries
):
    from tests.conftest import make_milestone

    client = login(member_ua)
    tell(member_ua, make_milestone(provision, "UA"), 2)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("notifications:inbox"))
    for n in range(30):
        tell(member_ua, make_milestone(provision, "UA", title=f"M{n}"), 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("notifications:inbox"))


def test_mark_one_read_with_htmx_answers_the_row_and_the_count_out_of_band(
    login, member_ua, milestone_ua
):
    tell(member_ua, milestone_ua, 2)
    first = Notification.objects.filter(recipient=member_ua).first()

    response = login(member_ua).post(
        reverse("notifications:read", args=[first.pk]), {"next": "/notifications/"}, headers=HTMX
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert content.lstrip().startswith(f'<tr id="notification-{first.pk}"')
    assert '<span id="unread-count" class="unread-count" hx-swap-oob="true">' in content
    assert '<span class="unread-number">1</span>' in content
    first.refresh_from_db()
    assert first.read_at is not None


def test_mark_one_read_without_htmx_redirects_back(login, member_ua, milestone_ua):
    tell(member_ua, milestone_ua)
    notification = Notification.objects.get()

    response = login(member_ua).post(
        reverse("notifications:read", args=[notification.pk]),
        {"next": "/notifications/?unread=yes"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/notifications/?unread=yes"


def test_nobody_marks_someone_elses_notification(login, member_ua, member_us, milestone_ua):
    tell(member_us, milestone_ua)
    theirs = Notification.objects.get()

    response = login(member_ua).post(reverse("notifications:read", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_with_htmx_answers_the_list_and_the_count(login, member_ua, milestone_ua):
    tell(member_ua, milestone_ua, 3)

    response = login(member_ua).post(
        reverse("notifications:read_all"),
        {"next": "/notifications/?kind=milestone_returned"},
        headers=HTMX,
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert '<div id="results"' in content and "<html" not in content
    assert '<span id="unread-count" class="unread-count" hx-swap-oob="true"></span>' in content
    assert "3 notifications marked read." in content
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_mark_all_read_without_htmx_redirects(login, member_ua, milestone_ua):
    tell(member_ua, milestone_ua, 2)
    response = login(member_ua).post(reverse("notifications:read_all"))
    assert (response.status_code, response["Location"]) == (302, "/notifications/")


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("notifications:inbox", (), "post"),
        ("notifications:read", (1,), "get"),
        ("notifications:read_all", (), "get"),
        ("notifications:settings", (), "put"),
        ("notifications:deliveries", (), "post"),
        ("notifications:retry", (1,), "get"),
    ],
)
def test_wrong_methods_are_refused(login, staff_admin, name, args, method):
    response = getattr(login(staff_admin), method)(reverse(name, args=args))
    assert response.status_code == 405


@pytest.mark.parametrize(
    "name", ["notifications:inbox", "notifications:settings", "notifications:deliveries"]
)
def test_people_without_a_role_are_refused(login, outsider, name):
    assert login(outsider).get(reverse(name)).status_code == 403


def test_the_settings_page_shows_the_role_defaults(login, monitor):
    response = login(monitor).get(reverse("notifications:settings"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["awaiting_verification-email"].value() == Delivery.DIGEST
    assert form["milestone_returned-email"].value() == Delivery.IMMEDIATE
    assert form["milestone_due-email"].value() == Delivery.DIGEST


def _all(email: str, in_app: str) -> dict[str, str]:
    data = {}
    for kind in Kind.values:
        data[f"{kind}-email"] = email
        data[f"{kind}-in_app"] = in_app
    return data


def test_saving_the_settings_stores_every_kind(login, member_ua):
    response = login(member_ua).post(reverse("notifications:settings"), _all("digest", "immediate"))

    assert (response.status_code, response["Location"]) == (302, "/notifications/settings/")
    assert Preference.objects.filter(user=member_ua, email="digest").count() == len(Kind.values)


def test_saving_the_settings_with_htmx_answers_the_form_and_the_message(login, member_ua):
    client = login(member_ua)
    client.post(reverse("notifications:settings"), _all("digest", "immediate"))

    response = client.post(
        reverse("notifications:settings"), _all("off", "immediate"), headers=HTMX
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert '<div id="preferences-form">' in content and "<html" not in content
    assert "Your notification settings are saved." in content
    assert Preference.objects.filter(user=member_ua, email="off").count() == len(Kind.values)


def test_a_bad_choice_is_shown_beside_the_field_and_nothing_is_saved(login, member_ua):
    data = _all("digest", "immediate")
    data["milestone_due-email"] = "hourly"

    response = login(member_ua).post(reverse("notifications:settings"), data)

    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="id_milestone_due-email_error"' in content
    assert 'value="digest" selected' in content  # what was typed is kept
    assert not Preference.objects.exists()


def _email(recipient, state=OutgoingEmail.State.FAILED) -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        recipient=recipient,
        key=f"{recipient.pk}:test",
        state=state,
        attempts=1,
        last_error="SMTPRecipientsRefused: 550 No such user",
        sent_at=timezone.now() if state == OutgoingEmail.State.SENT else None,
    )


def test_staff_see_the_deliveries_and_send_a_failed_one_again(login, staff_admin, member_ua):
    email = _email(member_ua)
    client = login(staff_admin)

    page = client.get(reverse("notifications:deliveries") + "?state=failed")
    assert page.status_code == 200
    assert "550 No such user" in page.content.decode()

    response = client.post(reverse("notifications:retry", args=[email.pk]), headers=HTMX)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<tr id="email-{email.pk}"')
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.PENDING


def test_a_sent_email_is_not_sent_again(login, staff_admin, member_ua):
    email = _email(member_ua, OutgoingEmail.State.SENT)

    response = login(staff_admin).post(reverse("notifications:retry", args=[email.pk]))

    assert response.status_code == 302
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.SENT


@pytest.mark.parametrize("person", ["chair_us", "member_ua", "monitor", "observer"])
def test_only_staff_admins_see_the_deliveries(login, request, person, member_ua):
    email = _email(member_ua)
    client = login(request.getfixturevalue(person))
    assert client.get(reverse("notifications:deliveries")).status_code == 403
    assert client.post(reverse("notifications:retry", args=[email.pk])).status_code == 403
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.FAILED


def test_an_htmx_answer_that_creates_a_notification_updates_the_count(
    login, member_ua, chair_us, milestone_ua, monitor
):
    """A returned milestone shows up in the header of the member who next acts with htmx."""
    from tracker.milestones import services

    services.update_progress(
        milestone_ua, member_ua, version=1, status="completed", percent=100, note="Done."
    )
    milestone_ua.refresh_from_db()
    services.return_for_rework(milestone_ua, chair_us, version=milestone_ua.version, reason="No.")
    milestone_ua.refresh_from_db()

    response = login(member_ua).post(
        reverse("milestones:update", args=[milestone_ua.pk]),
        {
            "version": milestone_ua.version,
            "status": "in_progress",
            "percent_complete": 50,
            "note": "Minutes added.",
            "next": "/milestones/",
        },
        headers=HTMX,
    )

    assert response.status_code == 200
    assert (
        '<span id="unread-count" class="unread-count" hx-swap-oob="true">'
        '<span class="unread-number">1</span>' in response.content.decode()
    )


def test_the_header_count_is_one_query_and_none_without_the_header(login, member_ua, milestone_ua):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tell(member_ua, milestone_ua, 3)
    client = login(member_ua)

    def counts(url: str, **headers) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, headers=headers).status_code == 200
        return sum(
            "COUNT(" in q["sql"].upper() and "notifications_notification" in q["sql"]
            for q in queries.captured_queries
        )

    assert counts(reverse("dashboard")) == 1
    assert counts(reverse("milestones:list")) == 1
    # An htmx swap of a list's results carries no header: no count is read.
    assert counts(reverse("milestones:list") + "?status=completed", **HTMX) == 0
