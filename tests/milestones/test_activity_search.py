"""The activity log's search: an entry's note and its milestone's title; on both databases."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.conftest import make_milestone
from tests.milestones.conftest import HTMX
from tracker.milestones import services
from tracker.milestones.filters import ActivityFilter
from tracker.milestones.models import ProgressUpdate, Status

URL = "/activity/"


def notes(response) -> list[str]:
    return [update.note for update in response.context["page"].object_list]


@pytest.fixture
def log(member_ua, member_us, provision, milestone_ua, milestone_us):
    # milestone_ua: "Publish survey tender".
    services.update_progress(
        milestone_ua,
        member_ua,
        version=1,
        status=Status.IN_PROGRESS,
        percent=10,
        note="Tender drafted",
    )
    fund = make_milestone(
        provision, "US", title="Capitalise the fund", title_uk="Капіталізувати фонд"
    )
    services.update_progress(
        fund,
        member_us,
        version=1,
        status=Status.IN_PROGRESS,
        percent=20,
        note="Внесок уряду зараховано.",
    )
    services.update_progress(
        milestone_us,
        member_us,
        version=1,
        status=Status.IN_PROGRESS,
        percent=5,
        note="Waiting for permits",
    )


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("drafted", ["Tender drafted"]),  # the note
        ("permit", ["Waiting for permits"]),  # a word's beginning
        ("survey", ["Tender drafted"]),  # the milestone's title
        ("капіталізувати", ["Внесок уряду зараховано."]),  # its Ukrainian title
        ("ВНЕСОК", ["Внесок уряду зараховано."]),
        ("уряду зараховано", ["Внесок уряду зараховано."]),
        ("survey permits", []),
    ],
)
def test_search_finds_entries_by_their_note_and_milestone(login, monitor, log, q, expected):
    response = login(monitor).get(URL, {"q": q})

    assert response.status_code == 200
    assert notes(response) == expected


def test_htmx_search_answers_only_the_results(login, monitor, log):
    response = login(monitor).get(URL, {"q": "drafted"}, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Tender drafted" in body
    assert "Waiting for permits" not in body


def test_search_keeps_the_other_filters(login, monitor, member_ua, log):
    response = login(monitor).get(URL, {"q": "permits", "author": member_ua.pk})
    assert notes(response) == []


@pytest.mark.parametrize("q", ["'", "\\", "a & | ! (", '"tender', "%_", "x" * 200])
def test_crafted_search_text_answers_a_page(login, monitor, log, q):
    assert login(monitor).get(URL, {"q": q}).status_code == 200


def test_too_long_search_text_is_refused_beside_the_field(login, monitor, log):
    page = login(monitor).get(URL, {"q": "x" * 10_000}).content.decode()
    assert "Ensure this value has at most 200 characters (it has 10000)." in page


@pytest.mark.parametrize("entries", [2, 40])
def test_search_query_count_is_fixed(
    login, monitor, member_ua, milestone_ua, entries, django_assert_num_queries
):
    for index in range(entries):
        services.update_progress(
            milestone_ua,
            member_ua,
            version=index + 1,
            status=Status.IN_PROGRESS,
            percent=index % 100,
            note=f"Tender step {index}",
        )
    client = login(monitor)

    # As without a search (test_activity): the search adds subqueries, not queries.
    with django_assert_num_queries(9):
        response = client.get(URL, {"q": "tender", "author": member_ua.pk})

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == entries


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Search documents exist only on PostgreSQL."
)
def test_the_search_reads_the_indexes_in_one_bitmap_on_postgresql(log):
    # A few rows would be scanned whatever the shape: forbid the scan to see what the
    # planner can use. The note's GIN index and the milestone key's index, joined in a
    # BitmapOr, not a test of every row against a subquery (docs/performance.md).
    activity = ActivityFilter(
        {"q": "survey"}, queryset=ProgressUpdate.objects.all(), agreement=None
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = activity.qs.explain()
    assert "BitmapOr" in plan
    assert "milestones_progressupdate_search_document" in plan
    assert "milestone_id = ANY" in plan
    assert "SubPlan" not in plan
