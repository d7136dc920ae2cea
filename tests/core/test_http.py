"""One way to answer htmx: the region alone for htmx's own swaps, the whole page otherwise.

Every page that swaps a region with htmx is listed here: a history restore (Back, once htmx's
history cache no longer holds the page) and a boosted link get the whole page, with its
header, navigation and filters, and every answer says it varies on the htmx headers.
"""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django_htmx.middleware import HtmxMiddleware

from tracker.core.http import wants_partial

# (page, what marks its filter form, the region an htmx request gets alone)
PAGES = [
    ("/provisions/", '<form id="provision-filters"', "results"),
    ("/milestones/", '<form id="milestone-filters"', "results"),
    ("/checks/", '<form id="check-filters"', "results"),
    ("/disputes/", '<form id="dispute-filters"', "results"),
    ("/activity/", '<form id="activity-filters"', "results"),
    ("/reports/compliance/", '<form class="filters"', "report"),
]
HTMX = {"HX-Request": "true"}


def htmx_request(**headers: str):
    request = RequestFactory().get("/checks/", headers=headers)
    HtmxMiddleware(lambda request: None)(request)
    return request


@pytest.mark.parametrize(
    ("headers", "partial"),
    [
        ({}, False),
        (HTMX, True),
        ({**HTMX, "HX-Boosted": "true"}, False),
        ({**HTMX, "HX-History-Restore-Request": "true"}, False),
    ],
)
def test_only_htmx_swaps_get_the_region_alone(headers, partial):
    assert wants_partial(htmx_request(**headers)) is partial


def assert_whole_page(body: str, form: str, region: str) -> None:
    assert body.lstrip().startswith("<!doctype html>")
    assert '<header class="site-header">' in body
    assert '<nav class="site-nav" aria-label="Main">' in body
    assert form in body
    assert body.count(f'id="{region}"') == 1


def assert_varies_on_htmx(response) -> None:
    vary = [header.strip() for header in response["Vary"].split(",")]
    for header in ("HX-Request", "HX-Boosted", "HX-History-Restore-Request"):
        assert vary.count(header) == 1, response["Vary"]


@pytest.mark.parametrize(("path", "form", "region"), PAGES)
def test_htmx_filter_request_gets_only_the_region(login, observer, provision, path, form, region):
    response = login(observer).get(path, {"responsible_party": "UA"}, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<div id="{region}"')
    assert "<html" not in body and form not in body
    assert_varies_on_htmx(response)


@pytest.mark.parametrize(("path", "form", "region"), PAGES)
def test_history_restore_gets_the_whole_page(login, observer, provision, path, form, region):
    headers = {**HTMX, "HX-History-Restore-Request": "true"}

    response = login(observer).get(path, {"responsible_party": "UA"}, headers=headers)

    assert response.status_code == 200
    assert_whole_page(response.content.decode(), form, region)
    assert_varies_on_htmx(response)


@pytest.mark.parametrize(("path", "form", "region"), PAGES)
def test_boosted_request_gets_the_whole_page(login, observer, provision, path, form, region):
    response = login(observer).get(path, headers={**HTMX, "HX-Boosted": "true"})

    assert response.status_code == 200
    assert_whole_page(response.content.decode(), form, region)
    assert_varies_on_htmx(response)


@pytest.mark.parametrize(("path", "form", "region"), PAGES)
def test_plain_request_gets_the_whole_page(login, observer, provision, path, form, region):
    response = login(observer).get(path)

    assert_whole_page(response.content.decode(), form, region)
    assert_varies_on_htmx(response)


@pytest.mark.parametrize(("path", "form", "region"), PAGES[:-1])
def test_the_lists_container_gives_its_links_their_target(
    login, observer, provision, path, form, region
):
    body = login(observer).get(path).content.decode()

    container = '<div class="list" hx-target="#results" hx-swap="outerHTML" hx-push-url="true">'
    assert body.count(container) == 1
    # Set once: the form and the links inside inherit it.
    assert body.count("hx-target=") == 1 + body.count('hx-target="closest tr"')
    assert body.index(container) < body.index(form) < body.index('<div id="results"')
