"""Every answer to a logged-in person says ``Cache-Control: private, no-store``."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.security.pages import build_world, evidence_url, page_urls


def assert_private_no_store(response, what: str) -> None:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, f"{what}: {response.get('Cache-Control')!r}"
    assert "public" not in directives, what


def test_every_page_is_private_and_not_stored(login, observer):
    world = build_world()
    client = login(observer)
    for name, url in page_urls(world).items():
        assert_private_no_store(client.get(url), name)


def test_htmx_fragments_are_private_and_not_stored(login, observer):
    build_world()
    client = login(observer)
    for name in ("monitoring:list", "disputes:list", "milestones:list", "milestones:activity"):
        response = client.get(reverse(name), headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert b"<html" not in response.content
        assert_private_no_store(response, name)


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "pdf"])
def test_report_downloads_are_private_and_not_stored(login, observer, file_format):
    build_world()
    response = login(observer).get(reverse("reports:compliance"), {"format": file_format})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert_private_no_store(response, file_format)


def test_evidence_downloads_are_private_and_not_stored(login, chair_us):
    world = build_world()
    response = login(chair_us).get(evidence_url(world))
    assert response.status_code == 200
    assert_private_no_store(response, "evidence")


def test_refusals_errors_and_redirects_are_private_and_not_stored(login, observer, monitor):
    world = build_world()
    client = login(observer)
    assert_private_no_store(client.get(reverse("monitoring:create")), "403")
    assert_private_no_store(client.get(reverse("monitoring:detail", args=[10**9])), "404")
    response = login(monitor).post(
        reverse("monitoring:action_create", args=[world.check.pk]),
        {"description": "Publish it.", "owner_party": "UA", "due_date": "2027-01-31"},
    )
    assert response.status_code == 302
    assert_private_no_store(response, "redirect after a POST")


def test_visitors_who_are_not_logged_in_get_no_private_marking(client):
    # The log-in redirect holds nothing of anyone's: it is left to the defaults.
    response = client.get(reverse("monitoring:list"))
    assert response.status_code == 302
    assert "private" not in response.get("Cache-Control", "")
