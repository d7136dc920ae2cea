import datetime

import pytest

from tests.conftest import make_user
from tests.monitoring.conftest import make_action, make_check
from tracker.accounts.models import Role

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_list_shows_checks_with_their_open_action_count(login, staff_admin, check, monitor):
    make_action(check)
    make_action(check, description="Second remedy")
    make_action(
        check, state="done", closed_by=monitor, closing_note="Done", closed_at=check.created_at
    )

    response = login(staff_admin).get("/checks/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page
    assert check.criterion in page
    assert "1 check matches" in page
    row = page.split(check.criterion)[1].split("</tr>")[0]
    assert '<td class="num">2' in row


def test_htmx_filter_request_gets_only_the_results(login, monitor, check):
    response = login(monitor).get("/checks/?result=non_compliant", **HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    assert check.criterion in body


def test_list_answers_post_with_405(login, monitor):
    assert login(monitor).post("/checks/").status_code == 405


def test_user_without_a_role_is_refused(login, outsider, check):
    response = login(outsider).get("/checks/")
    assert response.status_code == 403
    assert check.criterion not in response.content.decode()


def test_anonymous_visitor_is_sent_to_log_in(client, check):
    response = client.get("/checks/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def _criteria(response) -> list[str]:
    return [check.criterion for check in response.context["page"].object_list]


@pytest.fixture
def varied(provision, other_provision, monitor):
    second_monitor = make_user("monitor-2", Role.MONITOR, "IND")
    checks = {
        "compliant": make_check(
            provision, monitor, criterion="A", checked_on=datetime.date(2026, 1, 1)
        ),
        "partial": make_check(
            provision,
            monitor,
            criterion="B",
            result="partially_compliant",
            severity="minor",
            checked_on=datetime.date(2026, 2, 1),
        ),
        "major": make_check(
            other_provision,
            second_monitor,
            criterion="C",
            result="non_compliant",
            severity="major",
            checked_on=datetime.date(2026, 3, 1),
        ),
    }
    make_action(checks["partial"], due_date=datetime.date(2099, 1, 1))
    make_action(checks["major"], due_date=datetime.date(2026, 3, 15))
    return checks


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("result=partially_compliant", ["B"]),
        ("severity=major", ["C"]),
        ("category=governance_anti_corruption", ["C"]),
        ("responsible_party=JOINT", ["B", "A"]),
        ("checked_from=2026-01-15&checked_to=2026-02-15", ["B"]),
        ("open_actions=yes", ["C", "B"]),
        ("open_actions=no", ["A"]),
        ("action_overdue=yes", ["C"]),
        ("action_overdue=no", ["B", "A"]),
    ],
)
def test_filters_narrow_the_list(login, monitor, varied, query, expected):
    response = login(monitor).get(f"/checks/?{query}")
    assert _criteria(response) == expected


def test_filter_by_provision_and_monitor(login, staff_admin, varied, provision):
    client = login(staff_admin)
    assert _criteria(client.get(f"/checks/?provision={provision.pk}")) == ["B", "A"]
    monitor_pk = varied["major"].monitor_id
    assert _criteria(client.get(f"/checks/?monitor={monitor_pk}")) == ["C"]


def test_latest_per_criterion_filter_hides_superseded_checks(
    login, staff_admin, provision, monitor
):
    make_check(provision, monitor, criterion="Water", checked_on=datetime.date(2026, 1, 1))
    make_check(
        provision,
        monitor,
        criterion="Water",
        result="non_compliant",
        severity="minor",
        checked_on=datetime.date(2026, 5, 1),
    )
    response = login(staff_admin).get("/checks/?current=yes")
    assert [c.result for c in response.context["page"].object_list] == ["non_compliant"]


def test_sorting_by_a_column_and_reversing_it(login, monitor, varied):
    client = login(monitor)
    assert _criteria(client.get("/checks/?sort=criterion")) == ["A", "B", "C"]
    assert _criteria(client.get("/checks/?sort=-criterion")) == ["C", "B", "A"]
    assert _criteria(client.get("/checks/?sort=-open_actions&result=compliant")) == ["A"]


def test_sort_header_links_keep_filters_and_toggle_direction(login, monitor, varied):
    page = login(monitor).get("/checks/?result=compliant&sort=criterion").content.decode()
    assert 'aria-sort="ascending"' in page
    assert "?result=compliant&amp;sort=-criterion" in page


def test_invalid_date_shows_an_error_instead_of_failing(login, monitor, varied):
    response = login(monitor).get("/checks/?checked_from=yesterday")
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_list_pages_by_fifty(login, staff_admin, provision, monitor):
    for number in range(51):
        make_check(provision, monitor, criterion=f"Criterion {number:02}")
    client = login(staff_admin)

    first = client.get("/checks/?sort=criterion")
    second = client.get("/checks/?sort=criterion&page=2")

    assert len(first.context["page"].object_list) == 50
    assert "51 checks match" in first.content.decode()
    assert _criteria(second) == ["Criterion 50"]
    assert "page=2" in first.content.decode()


def _list_queries(client, django_assert_max_num_queries, count: int):
    with django_assert_max_num_queries(count) as captured:
        response = client.get("/checks/?open_actions=yes&sort=-checked_on")
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_query_count_stays_the_same_with_many_rows(
    login, staff_admin, provision, other_provision, monitor, django_assert_max_num_queries
):
    client = login(staff_admin)
    check = make_check(provision, monitor, result="non_compliant", severity="minor")
    make_action(check)
    few = _list_queries(client, django_assert_max_num_queries, 10)

    for number in range(40):
        many = make_check(
            other_provision if number % 2 else provision,
            monitor,
            criterion=f"C{number}",
            result="non_compliant",
            severity="major",
        )
        make_action(many)
        make_action(many, due_date=datetime.date(2020, 1, 1))
    many_count = _list_queries(client, django_assert_max_num_queries, 10)

    assert many_count == few
