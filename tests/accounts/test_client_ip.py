"""The address lock-out counts by, directly exposed and behind trusted proxies."""

import pytest
from django.test import Client, RequestFactory

from tests.conftest import PASSWORD
from tracker.accounts.access import client_ip


def request(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_proxies_the_peer_address_counts_and_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "198.51.100.9", "198.51.100.9"),
        # Entries left of the trusted ones are the client's own words: ignored.
        (1, "6.6.6.6, 198.51.100.9", "198.51.100.9"),
        (2, "6.6.6.6, 198.51.100.9, 10.0.0.2", "198.51.100.9"),
        # Fewer entries than proxies: the header was not set by our proxies.
        (2, "198.51.100.9", "10.0.0.1"),
    ],
)
def test_behind_proxies_the_address_they_saw_counts(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies

    assert client_ip(request("10.0.0.1", forwarded)) == expected


def test_a_forged_forwarded_for_does_not_escape_the_lockout(settings, observer):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.1")
    for forged in range(5):
        client.post(
            "/accounts/login/",
            {"username": observer.username, "password": "wrong-password-1"},
            HTTP_X_FORWARDED_FOR=f"6.6.6.{forged}, 198.51.100.9",
        )

    response = client.post(
        "/accounts/login/",
        {"username": observer.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="7.7.7.7, 198.51.100.9",
    )

    assert response.status_code == 429
