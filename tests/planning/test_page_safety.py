"""The planning forms and the import, as a staff admin sees them: what a strict CSP would
block appears nowhere, and text typed by people is escaped."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import make_milestone
from tracker.core.models import Agreement, Category, Provision

PAYLOAD = '"><script>alert(1)</script>'
CSP = "Content-Security-Policy"


@pytest.fixture
def world(db):
    agreement = Agreement.objects.create(
        title=f"Agreement {PAYLOAD}", short_name="payload", signed_on="2025-04-30", place=PAYLOAD
    )
    provision = Provision.objects.create(
        agreement=agreement,
        reference="P-01",
        title=f"Provision {PAYLOAD}",
        category=Category.ESG,
        responsible_party="JOINT",
    )
    milestone = make_milestone(provision, "UA", title=f"Milestone {PAYLOAD}")
    return agreement, provision, milestone


def urls(agreement, provision, milestone) -> list[str]:
    short = agreement.short_name
    return [
        reverse("planning:agreement_create"),
        reverse("planning:agreement_edit", args=[short]),
        reverse("planning:provision_create", args=[short]),
        reverse("planning:provision_edit", args=[short, provision.pk]),
        reverse("planning:milestone_create", args=[short, provision.pk]),
        reverse("planning:milestone_edit", args=[short, milestone.pk]),
        reverse("planning:milestone_replan", args=[short, milestone.pk]),
        reverse("planning:milestone_cancel", args=[short, milestone.pk]),
        reverse("planning:import", args=[short]),
        reverse("planning:agreement", args=[short]),
        reverse("planning:provision", args=[short, provision.pk]),
    ]


def test_planning_pages_need_no_inline_script_or_style_and_escape_text(login, staff_admin, world):
    client = login(staff_admin)
    for url in urls(*world):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        nonce = re.search(r"'nonce-([^']+)'", response.headers[CSP]).group(1)
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert f'nonce="{nonce}"' in tag, (url, tag)
        assert not re.search(r"\sstyle=", body), url
        assert "hx-on" not in body, url
        assert "<script>alert(1)" not in body, url
