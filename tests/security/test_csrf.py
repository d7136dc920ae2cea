"""CSRF is enforced on every POST of the URL contracts, plain and htmx.

Each endpoint is posted by a person the permission matrix allows, with valid data: without
the token the answer is 403 and nothing changes; with the token (as a form field, or as the
X-CSRFToken header htmx sends from base.html's hx-headers) the same request is accepted, so
the refusal is the token's doing and not the permission's.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.scenarios import (
    CELLS,
    POST_ACTIONS,
    EndpointMissing,
    database_snapshot,
    prepare,
)
from tests.conftest import PASSWORD

# One allowed cell per POST action (the first in the matrix's order).
ALLOWED = {}
for cell in CELLS:
    if cell.action.key in POST_ACTIONS and cell.expected_allowed and not cell.htmx:
        ALLOWED.setdefault(cell.action.key, cell)


def _token(client: Client) -> str:
    client.get(reverse("login"))
    return client.cookies["csrftoken"].value


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("action", sorted(POST_ACTIONS))
def test_post_without_token_is_refused_and_with_it_accepted(action, htmx):
    cell = ALLOWED[action]
    prepared = prepare(action, cell.owner)
    try:
        url = prepared.url
    except EndpointMissing as missing:
        pytest.fail(f"endpoint {missing} of the URL contracts does not resolve")
    client = Client(enforce_csrf_checks=True)
    actor = cell.make_actor()
    prepared.prepare_actor(actor)
    client.force_login(actor)
    headers = {"HX-Request": "true"} if htmx else {}

    before = database_snapshot()
    refused = client.post(url, prepared.data, headers=headers)
    assert refused.status_code == 403
    assert database_snapshot() == before

    token = _token(client)
    if htmx:
        accepted = client.post(url, prepared.data, headers={**headers, "X-CSRFToken": token})
    else:
        accepted = client.post(url, {**prepared.data, "csrfmiddlewaretoken": token})
    assert 200 <= accepted.status_code < 400, accepted.status_code
    if prepared.records:
        assert database_snapshot() != before


def test_a_token_from_another_session_is_refused(db):
    stranger = Client(enforce_csrf_checks=True)
    stolen = _token(stranger)
    client = Client(enforce_csrf_checks=True)
    prepared = prepare("assess_provision", "US")
    chair = ALLOWED["assess_provision"].make_actor()
    client.force_login(chair)

    response = client.post(prepared.url, {**prepared.data, "csrfmiddlewaretoken": stolen})

    assert response.status_code == 403


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_login_logout_and_language_need_the_token(observer, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    client = Client(enforce_csrf_checks=True)

    login = client.post(
        reverse("login"), {"username": observer.username, "password": PASSWORD}, headers=headers
    )
    assert login.status_code == 403
    assert "_auth_user_id" not in client.session

    client.force_login(observer)
    assert client.post(reverse("logout"), headers=headers).status_code == 403
    assert "_auth_user_id" in client.session
    language = client.post(reverse("set_language"), {"language": "uk"}, headers=headers)
    assert language.status_code == 403
    observer.refresh_from_db()
    assert observer.language == "en"


def test_login_with_the_token_works(observer):
    client = Client(enforce_csrf_checks=True)
    token = _token(client)

    response = client.post(
        reverse("login"),
        {"username": observer.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302


def test_admin_posts_need_the_token(staff_admin, observer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_admin)
    url = reverse("admin:accounts_user_change", args=[observer.pk])

    response = client.post(url, {"username": "renamed", "role": "observer", "party": "IND"})

    assert response.status_code == 403
    observer.refresh_from_db()
    assert observer.username == "observer"
