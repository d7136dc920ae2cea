"""Every page sends an anonymous visitor to the log-in page, except log-in itself,
/healthz, the language switch (which the log-in page uses), the password reset and the
invitation link.

The URL patterns are read from tracker.urls, so a new page is covered the day it is added.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

OPEN_TO_ANONYMOUS = {
    "login",
    "healthz",
    "set_language",
    "admin:login",
    "admin:logout",
    # Password reset and the invitation link are for people who cannot log in yet.
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation_accept",
    "invitation_new_link",
}
SAMPLE_BY_CONVERTER = {"IntConverter": 1, "UUIDConverter": uuid.UUID(int=1)}
SAMPLE_BY_NAME = {"app_label": "core"}


def sample_arguments(pattern) -> tuple[list, dict]:
    """Values for a pattern's parameters: 1 for ids, a registered app label, "1" otherwise."""
    if isinstance(pattern, RoutePattern):
        return [], {
            name: SAMPLE_BY_CONVERTER.get(type(converter).__name__, "1")
            for name, converter in pattern.converters.items()
        }
    if isinstance(pattern, RegexPattern):
        named = pattern.regex.groupindex
        unnamed = ["1"] * (pattern.regex.groups - len(named))
        return unnamed, {name: SAMPLE_BY_NAME.get(name, "1") for name in named}
    return [], {}


def named_urls(resolver=None, namespace: str = "", outer=((), None)) -> Iterator[tuple]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        args, kwargs = sample_arguments(entry.pattern)
        args, kwargs = [*outer[0], *args], {**(outer[1] or {}), **kwargs}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_urls(entry, inner, (args, kwargs))
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", args, kwargs


PROTECTED = sorted(
    {name: (args, kw) for name, args, kw in named_urls() if name not in OPEN_TO_ANONYMOUS}.items()
)


def test_the_contract_urls_are_among_those_checked():
    names = {name for name, _ in PROTECTED}
    assert {"dashboard", "provision_list", "provision_detail", "logout", "admin:index"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "arguments"), PROTECTED, ids=[name for name, _ in PROTECTED])
def test_anonymous_visitor_is_sent_to_log_in(client, name, arguments):
    args, kwargs = arguments
    url = reverse(name, args=args) if args else reverse(name, kwargs=kwargs)
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    assert response.status_code == 302, f"{url} answered {response.status_code}"
    login = reverse("admin:login") if name.startswith("admin:") else reverse("login")
    assert urlsplit(response["Location"]).path == login


@pytest.mark.django_db
def test_log_in_page_is_open_to_anonymous_visitors(client):
    assert client.get(reverse("login")).status_code == 200


@pytest.mark.django_db
def test_language_switch_is_open_to_anonymous_visitors(client):
    response = client.post(reverse("set_language"), {"language": "uk", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
