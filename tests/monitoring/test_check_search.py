"""The checks list's search: a check's finding and criterion, its corrective actions'
descriptions, its provision's reference and title; on both databases."""

from __future__ import annotations

import datetime

import pytest

from tests.monitoring.conftest import make_action, make_check
from tracker.core.models import Visibility

HTMX = {"HTTP_HX_REQUEST": "true"}


def criteria(response) -> list[str]:
    return [check.criterion for check in response.context["page"].object_list]


@pytest.fixture
def checks(provision, other_provision, monitor):
    tailings = make_check(
        provision,
        monitor,
        criterion="Tailings dam inspected",
        finding="The dam lacks a monitoring plan.",
        result="non_compliant",
        severity="major",
        checked_on=datetime.date(2026, 3, 1),
    )
    make_action(tailings, description="Adopt a seepage monitoring schedule")
    consultation = make_check(
        other_provision,
        monitor,
        criterion="Public consultation held",
        criterion_uk="Громадські консультації проведено",
        finding="Громади не отримали запрошень.",
        checked_on=datetime.date(2026, 2, 1),
    )
    register = make_check(
        provision,
        monitor,
        criterion="Beneficial owners register",
        finding="",
        checked_on=datetime.date(2026, 1, 1),
    )
    return {"tailings": tailings, "consultation": consultation, "register": register}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # The finding, in either language, and the criterion.
        ("monitoring plan", ["Tailings dam inspected"]),
        ("запрошень", ["Public consultation held"]),
        ("ГРОМАДИ", ["Public consultation held"]),
        ("Beneficial", ["Beneficial owners register"]),
        # A corrective action's description.
        ("seepage", ["Tailings dam inspected"]),
        # The provision's reference and title (other_provision: P-07 Anti-corruption
        # safeguards; provision: P-01).
        ("safeguards", ["Public consultation held"]),
        ("P-07", ["Public consultation held"]),
        # A word's beginning.
        ("seep", ["Tailings dam inspected"]),
        ("nothing-like-this", []),
    ],
)
def test_search_finds_checks_by_their_text_and_their_actions_and_provision(
    login, staff_admin, checks, q, expected
):
    response = login(staff_admin).get("/checks/", {"q": q})

    assert response.status_code == 200
    assert criteria(response) == expected


def test_search_keeps_the_other_filters_and_the_sort(login, staff_admin, checks):
    response = login(staff_admin).get(
        "/checks/", {"q": "P-01", "result": "compliant", "sort": "checked_on"}
    )
    assert criteria(response) == ["Beneficial owners register"]


def test_search_box_shows_what_was_typed(login, staff_admin, checks):
    page = login(staff_admin).get("/checks/", {"q": "dam <b>"}).content.decode()
    assert 'type="search" name="q" value="dam &lt;b&gt;"' in page


def test_htmx_search_answers_only_the_results(login, monitor, checks):
    response = login(monitor).get("/checks/", {"q": "seepage"}, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    assert "Tailings dam inspected" in body
    assert "Beneficial owners register" not in body


def test_an_observer_does_not_find_a_check_by_an_action_kept_from_them(
    login, observer, staff_admin, checks
):
    tailings = checks["tailings"]
    tailings.visibility = Visibility.PUBLIC
    tailings.save(update_fields=["visibility"])
    # The action stays with the task force: its words must not find the check for observers.
    assert criteria(login(staff_admin).get("/checks/", {"q": "seepage"})) == [tailings.criterion]
    assert criteria(login(observer).get("/checks/", {"q": "seepage"})) == []
    assert criteria(login(observer).get("/checks/", {"q": "dam"})) == [tailings.criterion]


@pytest.mark.parametrize(
    "q", ["'", '"dam', "dam & !plan | (", "\\", "%", "_", "x" * 150, "дамба:* <->"]
)
def test_crafted_search_text_answers_a_page(login, monitor, checks, q):
    response = login(monitor).get("/checks/", {"q": q})
    assert response.status_code == 200


def test_too_long_search_text_is_refused_beside_the_field_and_kept(login, monitor, checks):
    response = login(monitor).get("/checks/", {"q": "d" * 10_000})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ensure this value has at most 200 characters (it has 10000)." in page
    assert 'maxlength="200"' in page
    assert response.context["filter"].form["q"].value() == "d" * 10_000


def _searched(client, django_assert_max_num_queries, q: str) -> int:
    with django_assert_max_num_queries(10) as captured:
        response = client.get("/checks/", {"q": q, "open_actions": "yes"})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_search_query_count_stays_the_same_with_many_rows(
    login, staff_admin, provision, monitor, django_assert_max_num_queries
):
    client = login(staff_admin)
    make_action(make_check(provision, monitor, finding="Seepage found"))
    few = _searched(client, django_assert_max_num_queries, "seepage")

    for number in range(30):
        check = make_check(provision, monitor, criterion=f"C{number}", finding="Seepage again")
        make_action(check, description="Stop the seepage")
    assert _searched(client, django_assert_max_num_queries, "seepage") == few
