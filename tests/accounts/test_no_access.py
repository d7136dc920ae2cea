"""A logged-in user without a role meets the "no access yet" page everywhere; roles read all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.security.pages import build_world, evidence_url, page_urls
from tracker.accounts.models import Role, User

EXPECTED_PAGES = {
    "dashboard",
    "provision_list",
    "provision_detail",
    "milestones:list",
    "milestones:detail",
    "milestones:activity",
    "monitoring:list",
    "monitoring:create",
    "monitoring:detail",
    "disputes:list",
    "disputes:create",
    "disputes:detail",
    "reports:compliance",
}


def _urls(world) -> dict[str, str]:
    urls = page_urls(world)
    if download := evidence_url(world):
        urls["milestones:evidence"] = download
    if "reports:compliance" in urls:
        urls["reports:compliance?format=csv"] = urls["reports:compliance"] + "?format=csv"
    return urls


def test_every_page_of_the_contracts_is_checked(db):
    missing = EXPECTED_PAGES - set(page_urls(build_world()))
    assert not missing, f"pages of the URL contracts that do not resolve: {sorted(missing)}"


def test_user_without_a_role_sees_only_the_no_access_page_everywhere(login, outsider):
    world = build_world()
    client = login(outsider)

    for name, url in _urls(world).items():
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            body = response.content.decode()
            assert response.status_code == 403, (name, response.status_code)
            assert "No access yet" in body, name
            assert world.provision.title not in body, name
            assert world.milestone.title not in body, name
            assert 'class="site-nav"' not in body, name


def test_user_without_a_role_is_refused_the_assessment_too(login, outsider):
    world = build_world()

    response = login(outsider).post(
        reverse("provision_assess", args=[world.provision.pk]), {"level": "1", "note": "x"}
    )

    assert response.status_code == 403
    assert "No access yet" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "party"),
    [
        (Role.CO_CHAIR, "US"),
        (Role.MEMBER, "UA"),
        (Role.MONITOR, "IND"),
        (Role.OBSERVER, "IND"),
        (Role.STAFF_ADMIN, "IND"),
    ],
)
def test_every_role_reads_every_page(db, login, role, party):
    world = build_world()
    reader = User.objects.create(username="reader", role=role, party=party)
    client = login(reader)

    for name, url in _urls(world).items():
        if name.endswith(":create"):
            continue  # forms to record something: for the roles that may (below)
        response = client.get(url)
        # The world's check, dispute and evidence are task-force records: observers read
        # public records only (tests/core/test_confidentiality.py).
        hidden = role == Role.OBSERVER and name in (
            "monitoring:detail",
            "disputes:detail",
            "milestones:evidence",
        )
        assert response.status_code == (404 if hidden else 200), (name, response.status_code)
        if hidden:
            continue
        if response.streaming:  # the evidence download: read to the end, which closes the file
            assert b"".join(response.streaming_content), name


@pytest.mark.parametrize(
    ("page", "role", "party", "status"),
    [
        ("monitoring:create", Role.MONITOR, "IND", 200),
        ("monitoring:create", Role.CO_CHAIR, "US", 403),
        ("monitoring:create", Role.OBSERVER, "IND", 403),
        ("disputes:create", Role.MEMBER, "UA", 200),
        ("disputes:create", Role.CO_CHAIR, "US", 200),
        ("disputes:create", Role.MONITOR, "IND", 403),
        ("disputes:create", Role.OBSERVER, "IND", 403),
    ],
)
def test_forms_to_record_open_for_the_roles_that_may_record(db, login, page, role, party, status):
    world = build_world()
    url = page_urls(world)[page]
    person = User.objects.create(username="person", role=role, party=party)

    assert login(person).get(url).status_code == status


def test_anonymous_is_sent_to_log_in_from_every_page(client, db):
    world = build_world()

    for name, url in _urls(world).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name
