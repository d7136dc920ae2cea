"""The milestone list: filters, sorting, paging, counters, the inline forms and its query count."""

from __future__ import annotations

import datetime
import re

import pytest

from tests.conftest import make_milestone
from tests.milestones.conftest import HTMX, completed
from tracker.core.models import Category, Mineral, Organisation, Provision
from tracker.milestones.models import Milestone, Status

URL = "/milestones/"


def titles(response) -> list[str]:
    """The milestone titles of the table, in order."""
    return re.findall(r'<a href="/milestones/\d+/">([^<]+)</a>', response.content.decode())


@pytest.fixture
def spread(provision, agreement, organisation, today):
    """Milestones spread over statuses, parties, schedules, provisions and organisations."""
    other_provision = Provision.objects.create(
        agreement=agreement,
        reference="P-02",
        title="Reconstruction investment fund",
        category=Category.INVESTMENT,
        responsible_party="US",
    )
    lithium = Mineral.objects.create(name="Lithium", name_uk="Літій")
    other_provision.minerals.add(lithium)
    day = datetime.timedelta(days=1)
    return {
        "overdue": make_milestone(
            provision, "UA", title="Overdue survey report", due_date=today - 3 * day
        ),
        "due_soon": make_milestone(
            provision,
            "UA",
            title="Soon data room",
            due_date=today + 5 * day,
            status=Status.IN_PROGRESS,
            percent_complete=50,
            lead_organisation=organisation,
        ),
        "on_track": make_milestone(
            other_provision,
            "US",
            title="Fund charter",
            title_uk="Статут фонду",
            description="Charter of the joint investment fund",
            due_date=today + 60 * day,
        ),
        "done": completed(
            make_milestone(other_provision, "JOINT", title="Board seated", due_date=today)
        ),
        "lithium": lithium,
        "other_provision": other_provision,
    }


# --- the page and its fragment --------------------------------------------------------------


def test_list_page_shows_filters_rows_and_counters(login, observer, spread):
    response = login(observer).get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body
    assert 'id="milestone-filters"' in body
    assert 'id="milestone-counters"' in body
    assert "4 milestones match" in body
    assert sorted(titles(response)) == sorted(
        ["Overdue survey report", "Soon data room", "Fund charter", "Board seated"]
    )


def test_htmx_filter_request_answers_the_results_fragment(login, observer, spread):
    response = login(observer).get(URL, {"status": "in_progress"}, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    assert titles(response) == ["Soon data room"]
    assert response.headers["Vary"].count("HX-Request") == 1


def test_history_restore_gets_the_whole_page(login, observer, spread):
    headers = {**HTMX, "HX-History-Restore-Request": "true"}

    response = login(observer).get(URL, headers=headers)

    assert "<html" in response.content.decode()


def test_list_refuses_post(login, observer):
    assert login(observer).post(URL).status_code == 405


def test_list_refuses_a_user_without_a_role(login, outsider):
    assert login(outsider).get(URL).status_code == 403


def test_list_sends_anonymous_visitors_to_log_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "in_progress"}, ["Soon data room"]),
        ({"schedule": "overdue"}, ["Overdue survey report"]),
        ({"schedule": "due_soon"}, ["Soon data room"]),
        ({"schedule": "on_track"}, ["Fund charter"]),
        ({"responsible_party": "US"}, ["Fund charter"]),
        ({"responsible_party": "JOINT"}, ["Board seated"]),
        ({"category": Category.INVESTMENT}, ["Fund charter", "Board seated"]),
        ({"awaiting": "on"}, ["Board seated"]),
        ({"q": "data room"}, ["Soon data room"]),
        ({"q": "статут"}, ["Fund charter"]),  # the Ukrainian title
        ({"q": "investment fund"}, ["Fund charter"]),  # the description
    ],
)
def test_filters_narrow_the_list(login, observer, spread, query, expected):
    response = login(observer).get(URL, query)

    assert sorted(titles(response)) == sorted(expected)


def test_filter_by_provision_mineral_and_lead_organisation(login, observer, spread, organisation):
    client = login(observer)

    by_provision = client.get(URL, {"provision": spread["other_provision"].pk})
    by_mineral = client.get(URL, {"mineral": spread["lithium"].pk})
    by_lead = client.get(URL, {"lead_organisation": organisation.pk})

    assert sorted(titles(by_provision)) == ["Board seated", "Fund charter"]
    assert sorted(titles(by_mineral)) == ["Board seated", "Fund charter"]
    assert titles(by_lead) == ["Soon data room"]


def test_filter_by_due_date_range(login, observer, spread, today):
    response = login(observer).get(
        URL,
        {
            "due_after": (today - datetime.timedelta(days=1)).isoformat(),
            "due_before": (today + datetime.timedelta(days=10)).isoformat(),
        },
    )

    assert titles(response) == ["Board seated", "Soon data room"]


def test_counters_count_the_filtered_set(login, observer, spread):
    response = login(observer).get(URL, {"provision": spread["other_provision"].pk})

    body = response.content.decode()
    assert "2 milestones match" in body
    assert re.search(r'data-status="completed">.*?status-count">1<', body)
    assert re.search(r'data-status="awaiting">.*?status-count">1<', body)
    assert re.search(r'data-status="in_progress">.*?status-count">0<', body)


def test_a_bad_filter_value_is_reported_and_ignored(login, observer, spread):
    response = login(observer).get(URL, {"due_after": "not-a-date"})

    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    assert len(titles(response)) == 4


# --- sorting and paging ----------------------------------------------------------------------


def test_default_order_is_by_due_date(login, observer, spread):
    response = login(observer).get(URL)

    assert titles(response) == [
        "Overdue survey report",
        "Board seated",
        "Soon data room",
        "Fund charter",
    ]


def test_columns_sort_both_ways(login, observer, spread):
    client = login(observer)

    ascending = titles(client.get(URL, {"sort": "title"}))
    descending = titles(client.get(URL, {"sort": "-title"}))

    assert ascending == sorted(ascending)
    assert descending == list(reversed(ascending))


def test_sort_by_status_follows_the_workflow(login, observer, spread):
    response = login(observer).get(URL, {"sort": "status"})

    assert titles(response)[-1] == "Board seated"  # completed comes after the open ones


def test_an_unknown_sort_falls_back_to_the_default(login, observer, spread):
    client = login(observer)

    assert titles(client.get(URL, {"sort": "password"})) == titles(client.get(URL))


def test_sort_header_links_keep_filters_and_mark_the_sorted_column(login, observer, spread):
    response = login(observer).get(URL, {"responsible_party": "UA", "sort": "title"})

    body = response.content.decode()
    assert 'aria-sort="ascending"' in body
    assert "?responsible_party=UA&amp;sort=-title" in body
    # The filter form keeps the sort through a hidden input that belongs to it.
    assert 'name="sort" value="title" form="milestone-filters"' in body


def test_fifty_rows_a_page_with_links_to_the_next(login, observer, provision):
    Milestone.objects.bulk_create(
        Milestone(
            provision=provision,
            title=f"Milestone {index:03}",
            responsible_party="UA",
            due_date=datetime.date(2027, 1, 1) + datetime.timedelta(days=index),
            baseline_due=datetime.date(2027, 1, 1) + datetime.timedelta(days=index),
        )
        for index in range(60)
    )
    client = login(observer)

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(titles(first)) == 50
    assert titles(second) == [f"Milestone {index:03}" for index in range(50, 60)]
    assert "60 milestones match" in first.content.decode()
    assert 'href="/milestones/?page=2"' in first.content.decode()


# --- the inline form ---------------------------------------------------------------------


def test_inline_form_only_on_rows_the_user_may_update(login, member_ua, spread):
    body = login(member_ua).get(URL).content.decode()

    assert f'hx-post="/milestones/{spread["overdue"].pk}/update/"' in body
    assert f'hx-post="/milestones/{spread["done"].pk}/update/"' in body  # joint
    assert f'hx-post="/milestones/{spread["on_track"].pk}/update/"' not in body  # US


def test_observer_sees_no_inline_forms(login, observer, spread):
    body = login(observer).get(URL).content.decode()

    assert "/update/" not in body


def record_progress_column(body: str) -> bool:
    return "Record progress</th>" in body


def test_an_observer_gets_no_record_progress_column(login, observer, spread):
    body = login(observer).get(URL).content.decode()

    assert not record_progress_column(body)
    assert "View only" not in body
    assert 'class="cell-update"' not in body
    # Every row has the six other columns, and so has the empty-result row.
    assert body.count('<td data-label="') == 2 * 4  # party and lead organisation, 4 rows
    empty = login(observer).get(URL, {"q": "nothing matches this"}).content.decode()
    assert '<td colspan="6">' in empty


def test_a_member_gets_the_column_when_one_row_on_the_page_is_theirs(login, member_us, spread):
    client = login(member_us)

    body = client.get(URL).content.decode()
    assert record_progress_column(body)
    assert f'hx-post="/milestones/{spread["on_track"].pk}/update/"' in body
    assert "View only" in body  # the other party's rows say so in the column

    # A page of the other party's milestones only: nothing to change there, no column.
    ua_only = client.get(URL, {"responsible_party": "UA"}).content.decode()
    assert not record_progress_column(ua_only)
    assert "View only" not in ua_only
    # The htmx fragment decides the same way.
    fragment = client.get(URL, {"responsible_party": "UA"}, headers=HTMX).content.decode()
    assert "<html" not in fragment
    assert not record_progress_column(fragment)
    assert record_progress_column(client.get(URL, {"responsible_party": "US"}).content.decode())


def test_an_observers_list_costs_the_same_queries(
    login, observer, provision, organisation, django_assert_num_queries
):
    make_many(provision, organisation, 60)
    client = login(observer)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(URL)

    assert not record_progress_column(response.content.decode())


def test_inline_form_carries_version_csrf_and_the_page_to_return_to(login, member_ua, spread):
    body = login(member_ua).get(URL, {"responsible_party": "UA"}).content.decode()

    row = body[body.index(f'id="milestone-{spread["overdue"].pk}"') :]
    row = row[: row.index("</tr>")]
    assert 'name="version" value="1"' in row
    assert 'name="csrfmiddlewaretoken"' in row
    assert 'name="next" value="/milestones/?responsible_party=UA"' in row


# --- performance -------------------------------------------------------------------------


def make_many(provision: Provision, organisation: Organisation, count: int) -> None:
    Milestone.objects.bulk_create(
        Milestone(
            provision=provision,
            title=f"Generated milestone {index}",
            responsible_party=("UA", "US", "JOINT")[index % 3],
            lead_organisation=organisation if index % 2 else None,
            due_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=index),
            baseline_due=datetime.date(2026, 1, 1) + datetime.timedelta(days=index),
            status=(Status.NOT_STARTED, Status.IN_PROGRESS)[index % 2],
            percent_complete=(index * 7) % 100 if index % 2 else 0,
        )
        for index in range(count)
    )


# Session, user, the agreements (tracker.core.workspace), the filter options (one query for
# all three lists), the counters (which also give the paginator its count), the page's ids
# and then its rows. The session is not saved: it was renewed less than a minute ago
# (SessionRenewalMiddleware).
LIST_QUERIES = 8  # with the header's unread count
# The htmx fragment has no header, so no unread count.
FRAGMENT_QUERIES = 7


@pytest.mark.parametrize("count", [5, 300])
def test_list_query_count_does_not_grow_with_the_data(
    login, member_ua, provision, organisation, count, django_assert_num_queries
):
    make_many(provision, organisation, count)
    client = login(member_ua)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(URL)

    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 300])
def test_filtered_fragment_query_count_does_not_grow_with_the_data(
    login, member_ua, provision, organisation, count, django_assert_num_queries
):
    make_many(provision, organisation, count)
    client = login(member_ua)

    with django_assert_num_queries(FRAGMENT_QUERIES):
        response = client.get(
            URL,
            {"responsible_party": "UA", "provision": provision.pk, "sort": "-percent"},
            headers=HTMX,
        )

    assert response.status_code == 200


# --- text search (tracker.core.search: full-text on PostgreSQL, LIKE on SQLite) ------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("charter joint", ["Fund charter"]),  # words from the title and the description
        ("фонд", ["Fund charter"]),  # the beginning of a Ukrainian word ("фонду")
        ("СТАТУТ", ["Fund charter"]),
        ("surv", ["Overdue survey report"]),
        ("survey charter", []),
    ],
)
def test_search_finds_every_word_in_titles_and_descriptions(login, observer, spread, q, expected):
    assert titles(login(observer).get(URL, {"q": q})) == expected


@pytest.mark.parametrize("q", ["'", "\\", "a & | ! (", '"fund', "%_", "фонд:* <->"])
def test_crafted_search_text_answers_a_page(login, observer, spread, q):
    assert login(observer).get(URL, {"q": q}).status_code == 200


def test_too_long_search_text_is_refused_beside_the_field(login, observer, spread):
    response = login(observer).get(URL, {"q": "x" * 10_000})

    assert response.status_code == 200
    assert (
        "Ensure this value has at most 200 characters (it has 10000)." in response.content.decode()
    )
