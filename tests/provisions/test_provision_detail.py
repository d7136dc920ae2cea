"""The provision page lists its milestones with the milestone list's own row and inline form."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_milestone
from tracker.milestones.models import Milestone, Status

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def page(provision) -> str:
    return f"/provisions/{provision.pk}/"


def test_provision_page_lists_its_milestones_with_the_shared_row(
    login, member_ua, provision, milestone_ua, milestone_us
):
    body = login(member_ua).get(page(provision)).content.decode()

    assert f'<tr id="milestone-{milestone_ua.pk}" class="milestone-row">' in body
    assert f'<tr id="milestone-{milestone_us.pk}" class="milestone-row">' in body
    # The inline form only where the member may update, returning to this page.
    assert f'hx-post="/milestones/{milestone_ua.pk}/update/"' in body
    assert f'hx-post="/milestones/{milestone_us.pk}/update/"' not in body
    assert f'name="next" value="/provisions/{provision.pk}/"' in body


def test_an_observer_gets_no_record_progress_column_on_the_provision_page(
    login, observer, member_ua, provision, milestone_ua, milestone_us
):
    body = login(observer).get(page(provision)).content.decode()
    assert "Record progress</th>" not in body
    assert "View only" not in body

    # A member who may update one of the two rows gets the column.
    body = login(member_ua).get(page(provision)).content.decode()
    assert "Record progress</th>" in body
    assert "View only" in body


def test_provision_page_shows_the_milestone_counters(login, observer, provision, milestone_ua):
    make_milestone(provision, "UA", title="Second", status=Status.IN_PROGRESS)

    body = login(observer).get(page(provision)).content.decode()

    assert 'id="milestone-counters"' in body
    assert "2 milestones" in body
    assert re.search(r'data-status="in_progress">.*?status-count">1<', body)


def test_provision_page_keeps_the_other_sections(login, observer, provision, milestone_ua):
    body = login(observer).get(page(provision)).content.decode()

    for heading in ("assessments-heading", "checks-heading", "disputes-heading"):
        assert f'id="{heading}"' in body


def test_inline_update_from_the_provision_page_returns_there_without_javascript(
    login, member_ua, provision, milestone_ua
):
    response = login(member_ua).post(
        f"/milestones/{milestone_ua.pk}/update/",
        {
            "version": 1,
            "status": Status.IN_PROGRESS,
            "percent_complete": 15,
            "note": "Begun",
            "next": page(provision),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == page(provision)


def test_provision_page_refuses_post(login, observer, provision):
    assert login(observer).post(page(provision)).status_code == 405


def test_provision_page_refuses_a_user_without_a_role(login, outsider, provision):
    assert login(outsider).get(page(provision)).status_code == 403


def test_missing_provision_is_404(login, observer, db):
    assert login(observer).get("/provisions/999999/").status_code == 404


def add_milestones(provision, organisation, count: int, start: int = 0) -> None:
    Milestone.objects.bulk_create(
        Milestone(
            provision=provision,
            title=f"Milestone {index}",
            responsible_party=("UA", "US", "JOINT")[index % 3],
            lead_organisation=organisation if index % 2 else None,
            due_date=datetime.date(2027, 1, 1) + datetime.timedelta(days=index),
            baseline_due=datetime.date(2027, 1, 1) + datetime.timedelta(days=index),
        )
        for index in range(start, start + count)
    )


def test_provision_page_query_count_does_not_grow_with_its_milestones(
    login, member_ua, provision, organisation
):
    client = login(member_ua)
    add_milestones(provision, organisation, 5)
    with CaptureQueriesContext(connection) as few:
        client.get(page(provision))
    add_milestones(provision, organisation, 25, start=5)

    with CaptureQueriesContext(connection) as many:
        response = client.get(page(provision))

    assert response.content.decode().count('class="milestone-row"') == 30
    # The sections of other apps add their own queries; none may run per milestone row.
    assert len(many) == len(few)


# --- the text in both languages, side by side (issue 19) --------------------------------------

ENGLISH = "The Parties shall share geological survey data."
UKRAINIAN = "Сторони обмінюються даними геологічних досліджень."


@pytest.fixture
def bilingual_provision(provision):
    provision.text, provision.text_uk = ENGLISH, UKRAINIAN
    provision.save(update_fields=["text", "text_uk"])
    return provision


def text_columns(body: str) -> list[tuple[str, str]]:
    """(lang, text) of each column of the provision's text, in page order."""
    region = body[body.index('class="bilingual-text"') :]
    region = region[: region.index('id="milestones-heading"')]
    return re.findall(r'<p class="prose" lang="(\w+)">(.*?)</p>', region, re.S)


def test_both_texts_are_shown_each_with_its_language(login, observer, bilingual_provision):
    body = login(observer).get(page(bilingual_provision)).content.decode()

    assert text_columns(body) == [("en", ENGLISH), ("uk", UKRAINIAN)]
    assert '<h3 id="text-en">English</h3>' in body
    assert '<h3 id="text-uk">Ukrainian</h3>' in body


def test_a_ukrainian_reader_gets_the_ukrainian_text_first(login, observer, bilingual_provision):
    client = login(observer)
    client.cookies["django_language"] = "uk"

    body = client.get(page(bilingual_provision)).content.decode()

    assert text_columns(body) == [("uk", UKRAINIAN), ("en", ENGLISH)]


def test_a_missing_translation_is_said_not_replaced_by_the_other_text(
    login, observer, bilingual_provision
):
    bilingual_provision.text_uk = ""
    bilingual_provision.save(update_fields=["text_uk"])

    body = login(observer).get(page(bilingual_provision)).content.decode()

    assert text_columns(body) == [("en", ENGLISH)]
    assert "No text in this language yet." in body
    assert body.count(ENGLISH) == 1
