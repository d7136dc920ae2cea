"""The people pages: the list (staff admins; co-chairs for their own party, read-only), a
person's page, role and party changes with the reason in the history, deactivation."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD, make_user
from tracker.accounts.models import Role, User

HTMX = {"HTTP_HX_REQUEST": "true"}


def names(response) -> list[str]:
    return [person.username for person in response.context["page"].object_list]


@pytest.fixture
def cast(chair_us, chair_ua, member_us, member_ua, monitor, observer, staff_admin, outsider):
    return {
        "chair_us": chair_us,
        "chair_ua": chair_ua,
        "member_us": member_us,
        "member_ua": member_ua,
        "monitor": monitor,
        "observer": observer,
        "staff_admin": staff_admin,
        "outsider": outsider,
    }


def test_staff_admin_sees_everyone_with_every_column(login, cast, organisation):
    member = cast["member_ua"]
    member.email = "member.ua@example.org"
    member.organisation = organisation
    member.language = "uk"
    member.last_login = timezone.make_aware(datetime.datetime(2026, 2, 3, 10, 0))
    member.save()
    TOTPDevice.objects.create(user=member, name="Phone", confirmed=True)

    response = login(cast["staff_admin"]).get(reverse("people:list"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body
    assert set(names(response)) == {person.username for person in cast.values()}
    row = (
        body.split("member.ua@example.org")[0].rsplit("<tr>", 1)[1]
        + body.split("member.ua@example.org")[1].split("</tr>")[0]
    )
    for shown in ("member-ua", "Member", "Ukraine", organisation.name, "Українська", "Active"):
        assert shown in row, shown
    assert 'datetime="2026-02-03' in row
    assert "badge-done" in row  # two-factor on
    assert reverse("people:invite") in body


def test_co_chair_sees_only_their_partys_people_read_only(login, cast):
    response = login(cast["chair_ua"]).get(reverse("people:list"))

    assert response.status_code == 200
    assert set(names(response)) == {"chair-ua", "member-ua"}
    assert reverse("people:invite") not in response.content.decode()


@pytest.mark.parametrize("who", ["member_us", "monitor", "observer", "outsider"])
def test_other_roles_are_refused_the_people_page(request, login, cast, who):
    response = login(cast[who]).get(reverse("people:list"))
    assert response.status_code == 403
    assert "chair-us" not in response.content.decode()


def test_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(reverse("people:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_people_list_answers_post_with_405(login, staff_admin):
    assert login(staff_admin).post(reverse("people:list")).status_code == 405


def test_htmx_filter_request_gets_only_the_results(login, cast):
    response = login(cast["staff_admin"]).get(reverse("people:list") + "?role=monitor", **HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    assert names(response) == ["monitor"]


@pytest.fixture
def varied(cast, organisation):
    invited = make_user("invited@example.org", Role.OBSERVER, "IND", first_name="Ivan")
    invited.password = make_password(None)
    invited.save()
    gone = make_user("gone", Role.MEMBER, "US", first_name="Gone", is_active=False)
    cast["member_ua"].organisation = organisation
    cast["member_ua"].email = "oksana@example.org"
    cast["member_ua"].save()
    TOTPDevice.objects.create(user=cast["monitor"], name="Phone", confirmed=True)
    return {"invited": invited, "gone": gone}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("role=co_chair", {"chair-us", "chair-ua"}),
        ("party=UA", {"chair-ua", "member-ua"}),
        ("status=invited", {"invited@example.org"}),
        ("status=deactivated", {"gone"}),
        ("two_factor=yes", {"monitor", "admin"}),
        ("q=OKSANA", {"member-ua"}),
        ("q=invited@", {"invited@example.org"}),
    ],
)
def test_filters_narrow_the_list(login, cast, varied, query, expected):
    response = login(cast["staff_admin"]).get(f"{reverse('people:list')}?{query}")
    assert set(names(response)) == expected


def test_filter_by_organisation(login, cast, varied, organisation):
    url = f"{reverse('people:list')}?organisation={organisation.pk}"
    assert names(login(cast["staff_admin"]).get(url)) == ["member-ua"]


def test_active_status_leaves_out_the_invited_and_the_deactivated(login, cast, varied):
    response = login(cast["staff_admin"]).get(f"{reverse('people:list')}?status=active")
    shown = set(names(response))
    assert "invited@example.org" not in shown
    assert "gone" not in shown
    assert "chair-us" in shown


def test_sorting_by_username_and_reversing_it(login, cast):
    client = login(cast["staff_admin"])
    ascending = names(client.get(f"{reverse('people:list')}?sort=username"))
    assert ascending == sorted(ascending)
    assert names(client.get(f"{reverse('people:list')}?sort=-username")) == ascending[::-1]


def test_the_list_has_a_fixed_number_of_queries(
    login, staff_admin, organisation, django_assert_num_queries
):
    client = login(staff_admin)
    for number in range(3):
        make_user(f"person-{number}", Role.OBSERVER, "IND", organisation=organisation)
    # One of them the header's unread notifications.
    with django_assert_num_queries(7) as few:
        client.get(reverse("people:list"))
    for number in range(3, 40):
        person = make_user(f"person-{number}", Role.OBSERVER, "IND", organisation=organisation)
        TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("people:list"))


# --- A person's page ---------------------------------------------------------------------------


def seen(person: User) -> dict[str, str]:
    return {
        "seen_role": person.role,
        "seen_party": person.party,
        "seen_organisation": str(person.organisation_id or ""),
        "seen_active": "1" if person.is_active else "0",
    }


def change_role(client: Client, person: User, headers=None, **values):
    data = {
        **seen(person),
        "role": Role.CO_CHAIR,
        "party": person.party,
        "organisation": "",
        "reason": "Appointed co-chair by the delegation.",
        **values,
    }
    return client.post(reverse("people:change_role", args=[person.pk]), data, headers=headers or {})


def test_person_page_for_a_staff_admin_has_the_forms(login, staff_admin, member_ua):
    response = login(staff_admin).get(reverse("people:detail", args=[member_ua.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body
    assert reverse("people:change_role", args=[member_ua.pk]) in body
    assert reverse("people:deactivate", args=[member_ua.pk]) in body


def test_co_chair_sees_their_partys_person_without_forms(login, chair_ua, member_ua, member_us):
    client = login(chair_ua)

    own = client.get(reverse("people:detail", args=[member_ua.pk]))
    assert own.status_code == 200
    assert reverse("people:change_role", args=[member_ua.pk]) not in own.content.decode()

    other = client.get(reverse("people:detail", args=[member_us.pk]))
    assert other.status_code == 404
    assert member_us.username not in other.content.decode()


def test_changing_the_role_records_who_and_why(login, staff_admin, member_ua):
    client = login(staff_admin)

    response = change_role(client, member_ua)

    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[member_ua.pk])
    member_ua.refresh_from_db()
    assert member_ua.role == Role.CO_CHAIR
    record = member_ua.history.latest()
    assert record.history_user == staff_admin
    assert record.history_change_reason == "Appointed co-chair by the delegation."
    page = client.get(response["Location"]).content.decode()
    assert "Role: Member → Co-chair" in page
    assert "Appointed co-chair by the delegation." in page
    assert str(staff_admin) in page


def test_an_htmx_change_answers_with_the_persons_region(login, staff_admin, member_ua):
    response = change_role(login(staff_admin), member_ua, headers={"HX-Request": "true"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="person"')
    assert 'id="messages"' in body and 'hx-swap-oob="true"' in body
    assert "Role: Member → Co-chair" in body


def test_a_party_that_does_not_fit_the_role_is_refused_beside_the_party(
    login, staff_admin, member_ua
):
    response = change_role(login(staff_admin), member_ua, role=Role.MONITOR, party="UA")

    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_party_error"' in body
    assert "Monitors and observers are independent" in body
    member_ua.refresh_from_db()
    assert member_ua.role == Role.MEMBER


def test_a_reason_is_required_and_at_most_100_characters(login, staff_admin, member_ua):
    client = login(staff_admin)
    for reason, message in (("", "This field is required."), ("x" * 101, "at most 100")):
        response = change_role(client, member_ua, reason=reason)
        assert response.status_code == 400
        assert 'id="id_reason_error"' in response.content.decode()
        assert message in response.content.decode()
    member_ua.refresh_from_db()
    assert member_ua.role == Role.MEMBER


def test_a_change_made_meanwhile_is_not_overwritten(login, staff_admin, member_ua, organisation):
    page_values = seen(member_ua)
    member_ua.organisation = organisation  # someone else, in the admin
    member_ua.save()

    response = change_role(login(staff_admin), member_ua, **page_values)

    assert response.status_code == 409
    assert "Someone changed this person while you were looking" in response.content.decode()
    member_ua.refresh_from_db()
    assert member_ua.role == Role.MEMBER
    assert member_ua.organisation == organisation


def test_a_log_in_meanwhile_is_no_conflict(login, staff_admin, member_ua):
    page_values = seen(member_ua)
    Client().post(reverse("login"), {"username": member_ua.username, "password": PASSWORD})

    response = change_role(login(staff_admin), member_ua, **page_values)

    assert response.status_code == 302


def test_nothing_to_save_is_said(login, staff_admin, member_ua):
    response = change_role(login(staff_admin), member_ua, role=Role.MEMBER)
    assert response.status_code == 400
    assert "Nothing to save" in response.content.decode()


def test_a_staff_admin_cannot_change_their_own_role(login, staff_admin):
    client = login(staff_admin)
    response = change_role(client, staff_admin, role=Role.OBSERVER, party="IND")

    assert response.status_code == 403
    staff_admin.refresh_from_db()
    assert staff_admin.role == Role.STAFF_ADMIN
    page = client.get(reverse("people:detail", args=[staff_admin.pk])).content.decode()
    assert "changed by another staff admin" in page


@pytest.mark.parametrize("who", ["chair_ua", "member_ua", "monitor", "observer"])
def test_only_staff_admins_change_roles(request, login, member_ua, who):
    actor = member_ua if who == "member_ua" else request.getfixturevalue(who)
    target = member_ua if who != "member_ua" else make_user("member-ua-2", Role.MEMBER, "UA")

    response = change_role(login(actor), target)

    assert response.status_code in (403, 404)
    target.refresh_from_db()
    assert target.role == Role.MEMBER


def test_post_endpoints_refuse_get(login, staff_admin, member_ua):
    client = login(staff_admin)
    for name in ("change_role", "deactivate", "reactivate", "resend_invitation"):
        assert client.get(reverse(f"people:{name}", args=[member_ua.pk])).status_code == 405
    assert client.post(reverse("people:detail", args=[member_ua.pk])).status_code == 405


def test_deactivating_ends_the_persons_sessions_and_keeps_their_name(login, staff_admin, member_ua):
    their_session = Client()
    their_session.post(reverse("login"), {"username": member_ua.username, "password": PASSWORD})
    assert their_session.get("/").status_code == 200

    response = login(staff_admin).post(
        reverse("people:deactivate", args=[member_ua.pk]),
        {**seen(member_ua), "reason": "Left the delegation."},
    )

    assert response.status_code == 302
    member_ua.refresh_from_db()
    assert not member_ua.is_active
    assert User.objects.filter(pk=member_ua.pk).exists()
    assert member_ua.history.latest().history_change_reason == "Left the delegation."
    assert their_session.get("/").status_code == 302
    refused = Client().post(
        reverse("login"), {"username": member_ua.username, "password": PASSWORD}
    )
    assert refused.status_code == 200


def test_reactivating_lets_the_person_in_again(login, staff_admin, member_ua):
    member_ua.is_active = False
    member_ua.save()

    response = login(staff_admin).post(
        reverse("people:reactivate", args=[member_ua.pk]),
        {**seen(member_ua), "reason": "Back on the delegation."},
    )

    assert response.status_code == 302
    member_ua.refresh_from_db()
    assert member_ua.is_active


def test_deactivating_twice_is_said_not_repeated(login, staff_admin, member_ua):
    client = login(staff_admin)
    data = {**seen(member_ua), "reason": "Left."}
    client.post(reverse("people:deactivate", args=[member_ua.pk]), data)

    # The same page submitted again: its values are stale now.
    response = client.post(reverse("people:deactivate", args=[member_ua.pk]), data)

    assert response.status_code == 409
    assert member_ua.history.filter(history_change_reason="Left.").count() == 1


def test_the_person_page_has_a_fixed_number_of_queries(
    login, staff_admin, member_ua, organisation, django_assert_num_queries
):
    client = login(staff_admin)
    url = reverse("people:detail", args=[member_ua.pk])
    member_ua.organisation = organisation
    member_ua._change_reason = "Joined the survey service."
    member_ua.save()
    # Session, user, the session's device; the person, their history (with the names of the
    # organisations in it), their invitations, the organisations of the role form, and the
    # header's unread notifications.
    with django_assert_num_queries(9) as few:
        client.get(url)
    for number in range(20):
        member_ua.organisation = None if number % 2 else organisation
        member_ua._change_reason = f"Change {number}"
        member_ua.save()
        member_ua.last_login = timezone.now()
        member_ua.save(update_fields=["last_login"])  # a log-in: not shown
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "Change 19" in page
    assert f"Organisation: {organisation.name} → —" in page
    assert page.count("<tr>") - page.count("<thead><tr>") >= 21


def test_invitations_are_listed_on_the_persons_page(login, staff_admin, smtp_server):
    client = login(staff_admin)
    client.post(
        reverse("people:invite"),
        {
            "first_name": "Olena",
            "last_name": "Kovalenko",
            "email": "olena@example.org",
            "role": Role.OBSERVER,
            "party": "IND",
            "organisation": "",
            "language": "en",
        },
    )
    person = User.objects.get(email="olena@example.org")

    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()

    assert "olena@example.org" in page
    assert "Open" in page
    assert reverse("people:resend_invitation", args=[person.pk]) in page
    assert "Invited" in page


def test_nav_shows_people_to_those_who_may_see_them(login, staff_admin, chair_us, member_us):
    assert reverse("people:list") in login(staff_admin).get("/").content.decode()
    assert reverse("people:list") in login(chair_us).get("/").content.decode()
    assert reverse("people:list") not in login(member_us).get("/").content.decode()


def test_every_page_links_to_ones_own_account(login, member_us):
    assert reverse("account") in login(member_us).get("/").content.decode()


def test_a_staff_admin_removes_a_lost_authenticator_app(login, staff_admin, member_ua):
    TOTPDevice.objects.create(user=member_ua, name="Phone", confirmed=True)
    member_ua.refresh_from_db()
    their_session = Client()
    their_session.force_login(member_ua)
    data = {f"two-factor-{key}": value for key, value in seen(member_ua).items()}
    data["two-factor-reason"] = "Lost phone and codes; checked by video call."
    client = login(staff_admin)

    response = client.post(reverse("people:remove_two_factor", args=[member_ua.pk]), data)

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=member_ua).exists()
    assert their_session.get("/").status_code == 302  # their sessions ended
    record = member_ua.history.latest()
    assert record.history_user == staff_admin
    assert record.history_change_reason == "Lost phone and codes; checked by video call."
    login_again = Client().post(
        reverse("login"), {"username": member_ua.username, "password": PASSWORD}
    )
    assert login_again["Location"] == reverse("dashboard")  # the password alone, again


def test_removing_an_app_nobody_has_is_said(login, staff_admin, member_ua):
    data = {f"two-factor-{key}": value for key, value in seen(member_ua).items()}
    data["two-factor-reason"] = "Lost phone."

    response = login(staff_admin).post(
        reverse("people:remove_two_factor", args=[member_ua.pk]),
        data,
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" not in body
    assert "This person has no authenticator app to remove." in body
