"""Every page within one agreement: with two agreements in the tracker, each page of one shows
only that agreement's rows, choices and figures (tracker/core/workspace.py)."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.agreements import AgreementRows, grow
from tests.core.test_workspace import switcher
from tests.reports.test_exports import csv_table, pdf_text
from tracker.disputes.models import Dispute
from tracker.milestones.models import Milestone
from tracker.monitoring.models import MonitoringCheck

LISTS = ["/", "/provisions/", "/milestones/", "/checks/", "/disputes/", "/activity/"]
HTMX = {"HX-Request": "true"}


@pytest.fixture
def both(alpha, bravo) -> dict[str, AgreementRows]:
    # Bravo has more of everything, so each page's figures tell the two apart.
    grow(bravo, 3)
    return {"alpha": alpha, "bravo": bravo}


def page(client, url: str, short_name: str, **params) -> str:
    """The page of one agreement, its header switcher and the report's agreement field
    (which name every agreement) taken out."""
    response = client.get(url, {"agreement": short_name, **params})
    assert response.status_code == 200, response.content[:300]
    html = response.content.decode()
    html = html.replace(switcher(html), "")
    return re.sub(r'<select name="agreement".*?</select>', "", html, flags=re.S)


def other(short_name: str) -> str:
    return "bravo" if short_name == "alpha" else "alpha"


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


@pytest.mark.parametrize("short_name", ["alpha", "bravo"])
@pytest.mark.parametrize("url", LISTS)
def test_each_page_shows_only_its_agreements_rows(login, monitor, both, url, short_name):
    html = page(login(monitor), url, short_name)

    mine, theirs = both[short_name], both[other(short_name)]
    assert mine.tag in html
    assert theirs.tag not in html


@pytest.mark.parametrize("short_name", ["alpha", "bravo"])
@pytest.mark.parametrize("url", LISTS[1:])
def test_each_lists_htmx_fragment_shows_only_its_agreements_rows(
    login, monitor, both, url, short_name
):
    response = login(monitor).get(url, {"agreement": short_name}, headers=HTMX)
    html = response.content.decode()

    assert "<html" not in html
    assert both[short_name].tag in html
    assert both[other(short_name)].tag not in html.replace(switcher(html), "")


def test_milestone_list_counts_and_offers_only_its_agreements_provisions(login, monitor, both):
    client = login(monitor)
    alpha, bravo = page(client, "/milestones/", "alpha"), page(client, "/milestones/", "bravo")

    assert "4 milestones match" in alpha
    assert "7 milestones match" in bravo
    # The two agreements share their references; each list offers its own two provisions.
    assert options(alpha, "provision") == [
        "All",
        "P-01 Alpha geological surveys",
        "P-02 Alpha environmental safeguards",
    ]
    assert options(bravo, "provision")[1:] == [
        "P-01 Bravo geological surveys",
        "P-02 Bravo environmental safeguards",
    ]


def test_a_provision_of_another_agreement_filters_nothing_in(login, monitor, both):
    bravo_provision = both["bravo"].provision.pk
    html = page(login(monitor), "/milestones/", "alpha", provision=bravo_provision)

    assert "Select a valid choice" in html
    assert "Bravo" not in html


def test_an_inline_update_counts_the_milestones_of_its_pages_agreement(login, member_ua, both):
    milestone = both["alpha"].milestone
    response = login(member_ua).post(
        reverse("milestones:update", args=[milestone.pk]),
        {
            "version": milestone.version,
            "status": "in_progress",
            "percent_complete": 55,
            "note": "",
            "next": "/milestones/?agreement=alpha",
        },
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "4 milestones match" in response.content.decode()


def test_provision_list_has_no_agreement_filter_of_its_own(login, monitor, both):
    html = page(login(monitor), "/provisions/", "alpha")

    assert 'name="agreement"' in html  # the workspace's hidden field
    assert '<select name="agreement"' not in html
    assert '<input type="hidden" name="agreement" value="alpha">' in html


@pytest.mark.parametrize("url", ["/milestones/", "/checks/", "/disputes/", "/activity/"])
def test_filter_forms_and_sort_links_keep_the_agreement(login, monitor, both, url):
    html = login(monitor).get(url, {"agreement": "alpha"}).content.decode()

    assert '<input type="hidden" name="agreement" value="alpha">' in html
    for link in re.findall(r'<th[^>]*><a href="([^"]+)"', html):
        assert "agreement=alpha" in link


def test_checks_and_disputes_lists_offer_only_their_agreements_provisions(login, monitor, both):
    client = login(monitor)
    for url in ("/checks/", "/disputes/"):
        html = page(client, url, "alpha")
        assert options(html, "provision") == [
            "Any",
            "P-01 Alpha geological surveys",
            "P-02 Alpha environmental safeguards",
        ]


def test_activity_of_all_agreements_mixes_them_and_says_which_is_which(login, monitor, both):
    html = login(monitor).get("/activity/", {"agreement": "all"}).content.decode()

    assert "11 entries" in html
    assert "alpha · P-01" in html and "bravo · P-01" in html
    assert "alpha · P-01 Alpha geological surveys" in options(html, "provision")
    assert "bravo · P-02 Bravo environmental safeguards" in options(html, "provision")


def test_activity_of_one_agreement_does_not_say_which(login, monitor, both):
    html = page(login(monitor), "/activity/", "alpha")

    assert "4 entries" in html
    assert "alpha · P-01" not in html


@pytest.mark.parametrize("short_name", ["alpha", "bravo"])
def test_dashboard_counts_and_charts_one_agreement(login, monitor, both, short_name):
    html = page(login(monitor), "/", short_name)

    milestones = Milestone.objects.filter(provision__agreement=both[short_name].agreement)
    cards = {
        label: int(figure)
        for figure, label in re.findall(r'<span class="figure">(\d+)</span> ([a-z ]+)</a>', html)
    }
    assert cards["milestones"] == milestones.count() == (4 if short_name == "alpha" else 7)
    assert cards["overdue"] == milestones.overdue().count()
    disputes = 1 if short_name == "alpha" else 4
    assert cards["open dispute" if disputes == 1 else "open disputes"] == disputes  # plural form
    chart = re.search(r'id="chart-provisions-title".*?</svg>', html, re.S).group(0)
    # Each reference once: P-01 and P-02 of this agreement, not of both.
    assert re.findall(r'font-size="13" fill="[^"]+">(P-\d\d)</text>', chart) == ["P-01", "P-02"]
    assert f"{both[short_name].tag} survey data dispute" in html


def test_dashboard_links_stay_in_the_agreement(login, monitor, both):
    html = page(login(monitor), "/", "alpha")

    assert 'href="/milestones/?schedule=overdue&amp;agreement=alpha"' in html
    assert 'href="/checks/?open_actions=yes&amp;agreement=alpha"' in html
    assert 'href="/reports/compliance/?agreement=alpha"' in html
    assert 'href="/activity/?agreement=alpha"' in html


# --- The report ---------------------------------------------------------------------------


def download(client, short_name: str, export_format: str) -> bytes:
    response = client.get(
        "/reports/compliance/", {"agreement": short_name, "format": export_format}
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("short_name", ["alpha", "bravo"])
def test_report_preview_is_of_the_workspaces_agreement(login, monitor, both, short_name):
    html = page(login(monitor), "/reports/compliance/", short_name)
    mine, theirs = both[short_name], both[other(short_name)]

    assert f'<h2 id="report-title">{mine.agreement.title}</h2>' in html
    assert mine.tag in html and theirs.tag not in html
    for export_format in ("csv", "xlsx", "pdf"):
        assert f"?agreement={short_name}&amp;format={export_format}" in html


def test_report_field_follows_the_workspace_and_names_agreements_by_short_name(
    login, monitor, both
):
    html = login(monitor).get("/reports/compliance/", {"agreement": "alpha"}).content.decode()

    field = re.search(r'<select name="agreement".*?</select>', html, re.S).group(0)
    assert '<option value="alpha" selected>Alpha cooperation agreement</option>' in field
    assert '<option value="bravo">Bravo cooperation agreement</option>' in field


def test_report_fragment_brings_the_switcher_of_the_chosen_agreement(login, monitor, both):
    # Choosing another agreement in the report's own field swaps the report with htmx; the
    # header's switcher follows.
    response = login(monitor).get(
        "/reports/compliance/",
        {"agreement": "alpha", "party": "UA"},
        headers={**HTMX, "HX-Current-URL": "http://testserver/reports/compliance/?agreement=bravo"},
    )
    html = response.content.decode()

    assert "<html" not in html
    assert '<option value="alpha" selected>' in switcher(html)
    assert 'hx-swap-oob="true"' in switcher(html)


@pytest.mark.parametrize("short_name", ["alpha", "bravo"])
def test_report_csv_xlsx_and_pdf_hold_only_their_agreements_rows(login, monitor, both, short_name):
    client = login(monitor)
    mine, theirs = both[short_name], both[other(short_name)]
    expected = set(
        Milestone.objects.filter(provision__agreement=mine.agreement).values_list(
            "title", flat=True
        )
    )

    table = csv_table(download(client, short_name, "csv"))
    title_column = table[0].index("Milestone")
    assert {row[title_column] for row in table[1:]} == expected

    book = load_workbook(io.BytesIO(download(client, short_name, "xlsx")), read_only=True)
    cells = " ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    assert mine.tag in cells and theirs.tag not in cells
    sheet = book["Milestones"]
    header = list(next(sheet.iter_rows(values_only=True)))
    titles = {row[header.index("Milestone")] for row in list(sheet.iter_rows(values_only=True))[1:]}
    assert titles == expected

    text = pdf_text(download(client, short_name, "pdf"))
    assert mine.agreement.title in text
    assert f"{mine.tag} geological surveys" in text
    assert theirs.tag not in text


# --- Forms that create rows ---------------------------------------------------------------


def test_recording_a_check_offers_the_workspaces_provisions(login, monitor, both):
    html = page(login(monitor), "/checks/new/", "alpha")

    assert options(html, "provision") == [
        "Choose…",
        "P-01 · Alpha geological surveys",
        "P-02 · Alpha environmental safeguards",
    ]
    assert 'action="/checks/new/?agreement=alpha"' in html


def test_a_check_on_another_agreements_provision_is_refused_and_nothing_saved(login, monitor, both):
    before = MonitoringCheck.objects.count()
    response = login(monitor).post(
        "/checks/new/?agreement=alpha",
        {
            "provision": both["bravo"].provision.pk,
            "criterion": "Typed criterion",
            "checked_on": "2026-01-10",
            "result": "compliant",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert 'value="Typed criterion"' in html
    assert MonitoringCheck.objects.count() == before


def test_raising_a_dispute_offers_the_workspaces_agreement_and_provisions(login, member_us, both):
    raw = login(member_us).get("/disputes/new/", {"agreement": "alpha"}).content.decode()
    field = re.search(r'<select name="agreement"[^>]*>(.*?)</select>', raw, re.S).group(1)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", field) == [
        "Choose…",
        "Alpha cooperation agreement",
    ]
    assert f'<option value="{both["alpha"].agreement.pk}" selected>' in field
    assert "Alpha geological surveys" in raw
    assert "Bravo geological surveys" not in raw.replace(switcher(raw), "")
    assert 'action="/disputes/new/?agreement=alpha"' in raw


def test_a_dispute_about_another_agreements_provision_is_refused_and_nothing_saved(
    login, member_us, both
):
    before = Dispute.objects.count()
    response = login(member_us).post(
        "/disputes/new/?agreement=alpha",
        {
            "agreement": both["bravo"].agreement.pk,
            "provisions": [both["bravo"].provision.pk],
            "raised_by_party": "US",
            "title": "Typed title",
            "description": "Typed description.",
            "raising_position": "Typed position.",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert 'value="Typed title"' in html
    assert Dispute.objects.count() == before


def test_a_checks_edit_offers_only_its_own_agreements_provisions(login, monitor, both):
    check = both["alpha"].checks[0]
    html = login(monitor).get(reverse("monitoring:detail", args=[check.pk])).content.decode()

    assert options(html, "provision")[1:] == [
        "P-01 · Alpha geological surveys",
        "P-02 · Alpha environmental safeguards",
    ]
