"""The disputes list's search: title, description, both positions, resolution and the
timeline's text (comments, recorded positions, notes of status changes); on both databases."""

from __future__ import annotations

import pytest

from tests.disputes.conftest import make_dispute
from tracker.disputes import services

HTMX = {"HTTP_HX_REQUEST": "true"}


def titles(response) -> list[str]:
    return [dispute.title for dispute in response.context["page"].object_list]


@pytest.fixture
def disputes(member_us, member_ua, provision):
    survey = make_dispute(member_us, provision)  # "Delayed publication of survey data"
    services.add_comment(member_ua, survey, "Лабораторія затримала аналіз зразків.")
    royalty = make_dispute(
        member_ua,
        provision,
        title="Роялті за літій",
        description="Ставку роялті змінено без консультацій.",
        raising_position="Повернути попередню ставку.",
    )
    services.record_position(member_us, royalty, "The rate follows the annual review clause.")
    return {"survey": survey, "royalty": royalty}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("survey", ["Delayed publication of survey data"]),  # title
        ("March shared", ["Delayed publication of survey data"]),  # description
        ("two weeks", ["Delayed publication of survey data"]),  # raising position
        ("annual review", ["Роялті за літій"]),  # responding position
        ("затримала", ["Delayed publication of survey data"]),  # a comment
        ("літій", ["Роялті за літій"]),
        ("РОЯЛТІ", ["Роялті за літій"]),
        ("консультац", ["Роялті за літій"]),  # a word's beginning
        ("survey роялті", []),  # every word, in one dispute's text
    ],
)
def test_search_finds_disputes_by_their_text_and_timeline(login, monitor, disputes, q, expected):
    response = login(monitor).get("/disputes/", {"q": q})

    assert response.status_code == 200
    assert titles(response) == expected


def test_htmx_search_answers_only_the_results(login, monitor, disputes):
    response = login(monitor).get("/disputes/", {"q": "annual"}, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    assert "Роялті за літій" in body
    assert "Delayed publication" not in body


def test_search_keeps_the_other_filters(login, monitor, disputes):
    response = login(monitor).get("/disputes/", {"q": "survey", "raised_by_party": "UA"})
    assert titles(response) == []


def test_an_observer_finds_no_dispute_kept_from_them(login, observer, disputes):
    # Disputes are the task force's unless made public.
    assert titles(login(observer).get("/disputes/", {"q": "survey"})) == []


@pytest.mark.parametrize("q", ["'", "\\", "a & | ! (", '"survey', "%_", "x" * 200])
def test_crafted_search_text_answers_a_page(login, monitor, disputes, q):
    assert login(monitor).get("/disputes/", {"q": q}).status_code == 200


def test_too_long_search_text_is_refused_beside_the_field(login, monitor, disputes):
    page = login(monitor).get("/disputes/", {"q": "x" * 10_000}).content.decode()
    assert "Ensure this value has at most 200 characters (it has 10000)." in page


def _searched(client, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(10) as captured:
        response = client.get("/disputes/", {"q": "survey", "status": "open"})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_search_query_count_stays_the_same_with_many_rows(
    login, monitor, member_us, member_ua, provision, django_assert_max_num_queries
):
    client = login(monitor)
    make_dispute(member_us, provision)
    few = _searched(client, django_assert_max_num_queries)
    for number in range(20):
        dispute = make_dispute(member_us, provision, title=f"Survey {number}")
        services.add_comment(member_ua, dispute, "More survey data is due.")
    assert _searched(client, django_assert_max_num_queries) == few
