"""The dashboard: figures from SQL, charts with text equivalents, a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_milestone
from tests.reports.conftest import days, log, make_action, make_check, make_dispute
from tracker.core.models import ImplementationLevel, Provision
from tracker.milestones.queries import with_progress
from tracker.reports.dashboard import LIST_LENGTH, dashboard_figures

URL = reverse("dashboard")


@pytest.fixture
def client(login, monitor):
    return login(monitor)


def section(html: str, heading_id: str) -> str:
    """The markup of the <section> labelled by heading_id."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_dashboard_shows_each_provisions_level_and_percent(client, world):
    html = section(client.get(URL).content.decode(), "provisions-heading")

    assert re.search(r"P-01 Joint geological surveys.*?2 · Intermediate \(70 %\)", html, re.S)
    assert re.search(r"P-03 Reconstruction investment fund.*?1 · Minimal \(20 %\)", html, re.S)


def test_key_figures(client, world):
    figures = dashboard_figures()

    assert figures.everything.total == 6
    assert (figures.overdue_count, figures.due_soon_count) == (1, 1)
    assert figures.everything.awaiting == 1
    assert (figures.findings_count, figures.open_actions_count) == (1, 1)
    assert figures.disputes_count == 1
    assert dict((code, count) for code, _label, count in figures.status_counts) == {
        "not_started": 1,
        "in_progress": 1,
        "on_hold": 1,
        "completed": 2,
        "cancelled": 1,
    }


def test_progress_by_party_and_category(client, world):
    figures = dashboard_figures()
    by_party = {
        group.code: (group.total, group.completed, group.percent) for group in figures.by_party
    }
    by_category = {group.code: (group.total, group.percent) for group in figures.by_category}

    assert by_party == {"US": (2, 0, 20), "UA": (3, 2, 67), "JOINT": (1, 0, 40)}
    assert by_category["geological_survey"] == (2, 70)
    assert by_category["environmental_social"] == (2, 50)
    assert by_category["capacity_building"] == (0, 0)


def test_lists_of_what_needs_attention(client, world):
    html = client.get(URL).content.decode()

    assert "Agree data-sharing protocol" in section(html, "overdue-heading")
    assert "Adopt tailings standard" in section(html, "due-soon-heading")
    assert "Publish environmental baseline" in section(html, "awaiting-heading")
    findings = section(html, "findings-heading")
    assert "Add groundwater sampling" in findings
    assert "P-02 · Environmental impact assessment published" in findings
    assert "Publish in Ukrainian" not in findings  # done
    assert "Fund governance published" not in findings  # its only action is done
    disputes = section(html, "disputes-heading")
    assert "Baseline dispute" in disputes and "Fund eligibility dispute" not in disputes
    assert f'datetime="{days(20).isoformat()}"' in disputes  # response due
    assert "Drafts exchanged" in section(html, "activity-heading")


@pytest.mark.parametrize(
    "chart", ["chart-provisions", "chart-status", "chart-category", "chart-party"]
)
def test_every_chart_is_an_accessible_svg_with_a_table_beside_it(client, world, chart):
    html = client.get(URL).content.decode()

    svg = re.search(
        rf'<svg[^>]*aria-labelledby="{chart}-title {chart}-desc"[^>]*>.*?</svg>', html, re.S
    )
    assert svg, chart
    markup = svg.group(0)
    assert 'role="img"' in markup
    assert f'<title id="{chart}-title">' in markup
    description = re.search(rf'<desc id="{chart}-desc">(.*?)</desc>', markup, re.S).group(1)
    assert re.search(r"\d", description)
    figure_end = html.index("</figure>", svg.end())
    assert "<table" in html[figure_end : figure_end + 400]


def test_chart_descriptions_state_the_numbers(client, world):
    figures = dashboard_figures()

    assert "P-01: level 2 · 70 %" in figures.charts["provisions"].description
    assert "Completed: 2" in figures.charts["status"].description


def test_charts_use_no_inline_styles(client, world):
    html = client.get(URL).content.decode()

    assert " style=" not in html
    assert "<style" not in html


def test_chart_geometry_keeps_a_decimal_point_in_ukrainian(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
    html = client.get(URL).content.decode()

    widths = re.findall(r'<rect [^>]*width="([^"]+)"', html)
    assert widths and all(re.fullmatch(r"\d+(\.\d+)?", width) for width in widths), widths


def test_empty_tracker_says_what_to_do(client):
    html = client.get(URL).content.decode()

    assert "No provisions yet." in html
    assert "Nothing is overdue." in html


@pytest.mark.parametrize(
    ("percents", "expected"),
    [
        ([], 0),
        ([0, 0], 0),
        ([1, 0], 1),
        ([49, 50], 2),  # 49.5 rounds up
        ([49, 49], 1),
        ([50], 2),
        ([99, 100], 3),  # 99.5 rounds up, as SQL's ROUND does
        ([100, 100], 3),
    ],
)
def test_levels_match_the_provision_pages(world, percents, expected):
    provision = Provision.objects.create(
        agreement=world.agreement,
        reference="P-99",
        title="Levels",
        category="capacity_building",
        responsible_party="UA",
    )
    for percent in percents:
        fields = {"status": "in_progress"} if 0 < percent < 100 else {}
        if percent == 100:
            fields = {"status": "completed", "completed_on": days(-1)}
        make_milestone(provision, "UA", percent_complete=percent, **fields)
    make_milestone(provision, "UA", status="cancelled")  # never counts

    row = next(row for row in dashboard_figures().provisions if row.provision.pk == provision.pk)
    page = with_progress(Provision.objects.filter(pk=provision.pk)).get()

    assert row.figures.level == page.implementation_level == expected
    assert row.figures.percent == round(page.progress_percent or 0)


def test_level_of_thresholds():
    level_of = ImplementationLevel.of

    assert [level_of(p) for p in (0, 1, 49, 50, 99, 100)] == [0, 1, 1, 2, 2, 3]


def grow(world, monitor, member_ua, chair_us, count: int) -> None:
    for number in range(count):
        milestone = make_milestone(
            world.esg_provision, "UA", title=f"Extra {number}", due_date=days(number - 5)
        )
        log(milestone, member_ua, f"Note {number}")
        check = make_check(
            world.esg_provision,
            monitor,
            result="non_compliant",
            severity="major",
            criterion=f"Criterion {number}",
        )
        make_action(check)
        make_dispute(world.agreement, chair_us, [world.esg_provision], title=f"Dispute {number}")
    Provision.objects.create(
        agreement=world.agreement,
        reference="P-50",
        title="More",
        category="capacity_building",
        responsible_party="US",
    )


def test_query_count_stays_the_same_with_more_data(
    client, world, monitor, member_ua, chair_us, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    grow(world, monitor, member_ua, chair_us, 20)

    # 13 of the dashboard, 2 of the session (read, user), the agreements, the header's unread
    # count.
    with django_assert_max_num_queries(17), CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.status_code == 200
    assert len(many) == len(few)
    html = response.content.decode()
    # The lists stay short: the first rows and a link to the rest.
    assert section(html, "activity-heading").count("<li>") == LIST_LENGTH
    assert section(html, "due-soon-heading").count("<tr>") == 1 + LIST_LENGTH
    assert "See all 16 milestones due soon" in html


def test_post_is_not_allowed(client, world):
    assert client.post(URL).status_code == 405


def test_user_without_a_role_is_refused(login, outsider, world):
    response = login(outsider).get(URL)

    assert response.status_code == 403
    assert "Joint geological surveys" not in response.content.decode()


def test_anonymous_visitor_is_sent_to_log_in(world):
    response = Client().get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
