"""Users, roles and parties in the Django admin; the admin is for staff only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tracker.accounts.models import Role, User

ADD = reverse("admin:accounts_user_add")
NEW_PASSWORD = "a-long-unusual-passphrase-7"


def change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def add_data(**fields) -> dict:
    return {
        "username": "new-delegate",
        "usable_password": "true",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "first_name": "Olena",
        "last_name": "Koval",
        "role": Role.MEMBER,
        "party": "UA",
        "organisation": "",
        **fields,
    }


def change_data(user: User, **fields) -> dict:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
        "role": user.role,
        "party": user.party,
        "organisation": "",
        "language": user.language,
        **fields,
    }


def test_staff_adds_a_member_with_party_and_organisation(login, staff_admin, organisation):
    response = login(staff_admin).post(ADD, add_data(organisation=organisation.pk))

    assert response.status_code == 302
    user = User.objects.get(username="new-delegate")
    assert (user.role, user.party, user.organisation) == (Role.MEMBER, "UA", organisation)
    assert user.check_password(NEW_PASSWORD)


def test_add_form_shows_the_task_force_fields(login, staff_admin):
    body = login(staff_admin).get(ADD).content.decode()

    for name in ("role", "party", "organisation", "first_name"):
        assert f'name="{name}"' in body


@pytest.mark.parametrize(
    ("role", "party", "message"),
    [
        (Role.MEMBER, "IND", "A co-chair or member speaks for a delegation"),
        (Role.CO_CHAIR, "IND", "A co-chair or member speaks for a delegation"),
        (Role.MONITOR, "US", "Monitors and observers are independent"),
        (Role.OBSERVER, "UA", "Monitors and observers are independent"),
    ],
)
def test_add_form_explains_a_role_that_does_not_fit_the_party(
    login, staff_admin, role, party, message
):
    response = login(staff_admin).post(ADD, add_data(role=role, party=party))

    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Constraint" not in body  # the words, not the database's name for the rule
    assert 'value="new-delegate"' in body  # what was typed is kept
    assert not User.objects.filter(username="new-delegate").exists()


def test_add_form_refuses_a_weak_password(login, staff_admin):
    response = login(staff_admin).post(ADD, add_data(password1="12345678", password2="12345678"))

    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert not User.objects.filter(username="new-delegate").exists()


def test_staff_gives_a_role_to_a_user_without_one(login, staff_admin, outsider):
    response = login(staff_admin).post(
        change_url(outsider), change_data(outsider, role=Role.OBSERVER)
    )

    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.role == Role.OBSERVER


def test_change_form_explains_a_role_that_does_not_fit_the_party(login, staff_admin, observer):
    response = login(staff_admin).post(
        change_url(observer), change_data(observer, role=Role.CO_CHAIR)
    )

    assert response.status_code == 200
    assert "A co-chair or member speaks for a delegation" in response.content.decode()
    observer.refresh_from_db()
    assert observer.role == Role.OBSERVER


def test_change_form_and_history_render(login, staff_admin, member_ua):
    client = login(staff_admin)

    assert client.get(change_url(member_ua)).status_code == 200
    history = reverse("admin:accounts_user_history", args=[member_ua.pk])
    assert client.get(history).status_code == 200


@pytest.mark.parametrize("person", ["chair_us", "member_ua", "monitor", "observer", "outsider"])
def test_admin_needs_staff(request, login, person):
    client = login(request.getfixturevalue(person))

    for url in (reverse("admin:index"), reverse("admin:accounts_user_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_reaches_the_admin(login, staff_admin):
    assert login(staff_admin).get(reverse("admin:index")).status_code == 200
    assert login(staff_admin).get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_anonymous_is_sent_to_the_admin_log_in(client):
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
