"""Script in any free-text field renders as text on every page that shows it.

Every free-text field of the small world holds the payload after a plain word that names it,
so "this field on this page, escaped" can be asserted, and the raw payload must appear on no
page at all (full page or htmx fragment).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.conftest import client_for
from tests.security.pages import PageWorld, build_world, page_urls

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
RAW_MARKERS = ["<script>alert(1)", "<img src=x onerror"]

# field -> (how to read it off the world, the pages that must show it)
FIELDS = {
    "milestone title": (
        lambda w: w.milestone.title,
        ["milestones:list", "milestones:detail", "provision_detail", "planning:provision"],
    ),
    "milestone description": (lambda w: w.milestone.description, ["milestones:detail"]),
    "progress note": (lambda w: w.update.note, ["milestones:detail", "milestones:activity"]),
    "provision title": (
        lambda w: w.provision.title,
        [
            "provision_list",
            "provision_detail",
            "dashboard",
            "reports:compliance",
            "planning:agreement",
            "planning:provision",
        ],
    ),
    "provision text": (lambda w: w.provision.text, ["provision_detail"]),
    "organisation name": (
        lambda w: w.organisation.name,
        ["milestones:detail", "organisations:list", "organisations:detail"],
    ),
    "check criterion": (
        lambda w: w.check.criterion,
        ["monitoring:list", "monitoring:detail", "provision_detail"],
    ),
    "check finding": (lambda w: w.check.finding, ["monitoring:detail"]),
    "corrective action": (lambda w: w.action.description, ["monitoring:detail"]),
    "dispute title": (
        lambda w: w.dispute.title,
        ["disputes:list", "disputes:detail", "provision_detail"],
    ),
    "dispute description": (lambda w: w.dispute.description, ["disputes:detail"]),
    "raising position": (lambda w: w.dispute.raising_position, ["disputes:detail"]),
    "responding position": (lambda w: w.dispute.responding_position, ["disputes:detail"]),
    "dispute comment": (lambda w: w.comment.text, ["disputes:detail"]),
    # The person logged in is the author: the header shows their name on every page.
    "user first name": (
        lambda w: w.author.first_name,
        ["dashboard", "provision_list", "milestones:detail", "disputes:detail"],
    ),
    "user last name": (lambda w: w.author.last_name, ["dashboard", "milestones:detail"]),
    "monitor name": (lambda w: w.monitor.first_name, ["monitoring:detail"]),
}


def viewer(world: PageWorld) -> Client:
    # client_for: the author is staff here, and the admin asks for a second factor.
    return client_for(world.author)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_page_renders_the_payload_raw(payload):
    world = build_world(payload)
    urls = page_urls(world)
    urls["admin user list"] = reverse("admin:accounts_user_changelist")
    world.author.is_staff = world.author.is_superuser = True
    world.author.save()
    # The member sees the dispute form, the monitor the check form (their option lists
    # carry provision and milestone titles); each is refused the other's.
    monitor = Client()
    monitor.force_login(world.monitor)
    seen = set()

    for client in (viewer(world), monitor):
        for name, url in urls.items():
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(url, headers=headers)
                if response.status_code == 302 and name == "admin user list":
                    continue  # the monitor is not staff
                if response.status_code == 403 and name.endswith(":create"):
                    continue
                assert response.status_code == 200, (name, response.status_code)
                seen.add(name)
                body = response.content.decode()
                for marker in RAW_MARKERS:
                    assert marker not in body, f"raw payload on {name} ({headers or 'page'})"
    assert seen == set(urls)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", FIELDS)
def test_field_is_shown_escaped(field, payload):
    world = build_world(payload)
    read, pages = FIELDS[field]
    value = read(world)
    assert payload in value
    urls = page_urls(world)
    client = viewer(world)

    for page in pages:
        assert page in urls, f"{page} of the URL contracts does not resolve"
        body = client.get(urls[page]).content.decode()
        assert escape(value) in body, f"{field} is not shown escaped on {page}"
        for marker in RAW_MARKERS:
            assert marker not in body, f"{field} is raw on {page}"
