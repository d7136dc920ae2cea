"""Every page of the tracker at a laptop's and a phone's width, in both languages: nothing
scrolls sideways, the main table's controls are on screen, and axe-core finds no serious or
critical accessibility violation.

One test per role, language and width logs in once and walks its pages, each page a subtest
(so one report names every failing page). axe-core comes from npm (package.json, installed by
`make test` with `npm ci`) and is used only here. It is injected with `page.evaluate`, which
runs in the page through the DevTools protocol: the page's Content Security Policy allows
only its own scripts with a nonce, so `page.add_script_tag` (an inline <script>) is refused,
and a context with `bypass_csp` would audit a page that is not the one readers get.
"""

from __future__ import annotations

import os
from base64 import b32encode
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page

from tests.conftest import PASSWORD
from tracker.accounts.models import Role, User
from tracker.accounts.services import invite_person
from tracker.core.models import Agreement, Organisation, Provision
from tracker.disputes.models import Dispute
from tracker.milestones import services
from tracker.milestones.models import Milestone
from tracker.monitoring.models import MonitoringCheck
from tracker.reports.builder import ReportScope
from tracker.reports.issuing import issue_report
from tracker.reports.models import IssuedReport

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}
LANGUAGES = ("en", "uk")
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script; without it the audit cannot run, which in CI is a failure."""
    if not AXE.exists():
        message = f"{AXE} is missing: run `npm ci` (make test does) to install axe-core."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Site:
    """The objects whose pages are visited, looked up once the sample is loaded."""

    agreement: Agreement
    provision: Provision
    milestone: Milestone
    check: MonitoringCheck
    dispute: Dispute
    organisation: Organisation
    issued: IssuedReport
    person: User
    public_check: MonitoringCheck
    update_pk: int  # the progress entry with a file: its note's translation page
    evidence_pk: int


@pytest.fixture
def site(sample_data, chair_us, member_us) -> Site:
    milestone = Milestone.objects.filter(responsible_party="US").order_by("pk").first()
    # A file on the milestone, so its page shows the evidence list.
    update = services.update_progress(
        milestone,
        chair_us,
        version=milestone.version,
        status=milestone.status,
        percent=milestone.percent_complete,
        note="Minutes of the steering meeting attached",
        files=[SimpleUploadedFile("minutes.pdf", PDF_BYTES)],
    )
    agreement = Agreement.objects.get()
    return Site(
        agreement=agreement,
        provision=milestone.provision,
        milestone=milestone,
        check=MonitoringCheck.objects.order_by("pk").first(),
        dispute=Dispute.objects.order_by("pk").first(),
        organisation=Organisation.objects.order_by("pk").first(),
        issued=issue_report(
            chair_us, ReportScope(agreement, as_of=timezone.localdate()), language="en"
        ),
        person=member_us,
        public_check=MonitoringCheck.objects.filter(visibility="public").order_by("pk").first(),
        update_pk=update.pk,
        evidence_pk=update.evidence.get().pk,
    )


def chair_pages(site: Site) -> list[str]:
    """Every page a co-chair reads: the whole app but the staff admin's own pages."""
    agreement = site.agreement.short_name
    return [
        "/",
        "/milestones/",
        f"/milestones/{site.milestone.pk}/",
        "/provisions/",
        f"/provisions/{site.provision.pk}/",
        "/checks/",
        f"/checks/{site.check.pk}/",
        "/disputes/",
        f"/disputes/{site.dispute.pk}/",
        "/disputes/new/",
        "/activity/",
        "/reports/compliance/",
        "/reports/issued/",
        "/reports/issued/new/",
        f"/reports/issued/{site.issued.pk}/",
        "/agreements/",
        f"/agreements/{agreement}/",
        f"/agreements/{agreement}/provisions/{site.provision.pk}/",
        f"/agreements/{agreement}/import/",
        "/organisations/",
        f"/organisations/{site.organisation.pk}/",
        "/organisations/new/",
        "/notifications/",
        "/notifications/settings/",
        "/people/",
        f"/people/{site.person.pk}/",
        "/accounts/",
        "/accounts/password_change/",
        "/accounts/password_change/done/",
        "/accounts/two-factor/setup/",
        "/audit/",
        # The plain (no-JavaScript) pages of forms that htmx opens in place.
        f"/translations/progress/{site.update_pk}/note/",
        f"/evidence/{site.evidence_pk}/withdraw/",
    ]


def admin_pages(site: Site) -> list[str]:
    """The pages only a staff admin opens."""
    agreement = site.agreement.short_name
    return [
        "/notifications/deliveries/",
        "/agreements/new/",
        f"/agreements/{agreement}/edit/",
        f"/agreements/{agreement}/provisions/new/",
        f"/agreements/{agreement}/provisions/{site.provision.pk}/edit/",
        f"/agreements/{agreement}/milestones/{site.milestone.pk}/edit/",
        f"/agreements/{agreement}/provisions/{site.provision.pk}/milestones/new/",
        f"/agreements/{agreement}/milestones/{site.milestone.pk}/replan/",
        f"/agreements/{agreement}/milestones/{site.milestone.pk}/cancel/",
        f"/organisations/{site.organisation.pk}/edit/",
        "/people/invite/",
    ]


def monitor_pages(site: Site) -> list[str]:
    """The pages where a monitor has forms nobody else has: a new check, a check's edit and
    corrective-action forms, a provision's assessment, a finding's translation."""
    return [
        "/checks/new/",
        f"/checks/{site.check.pk}/",
        f"/provisions/{site.provision.pk}/",
        f"/translations/check/{site.check.pk}/finding/",
    ]


def reader_pages(site: Site) -> list[str]:
    """The pages where a reader who may change nothing sees less than a co-chair: no inline
    forms, no "Record progress" column, fewer links in the tables, public records only (the
    sample's dispute and issued report are restricted)."""
    return [
        "/",
        "/milestones/",
        f"/milestones/{site.milestone.pk}/",
        f"/provisions/{site.provision.pk}/",
        f"/checks/{site.public_check.pk}/",
        "/disputes/",
        "/reports/compliance/",
        "/reports/issued/",
        f"/organisations/{site.organisation.pk}/",
    ]


# Reads, in the page, what sticks out sideways: the document's width beyond the window (with
# the elements where the excess starts, to name the culprit), and every visible action of
# <main> (a button, a form control, a link drawn as a button) whose box ends left or right of
# the window: an action in a table that scrolls inside its own box is off screen just the same.
MEASURE = """() => {
  const width = window.innerWidth;
  const describe = (element) => {
    const label = (element.getAttribute("aria-label") || element.textContent || element.name
      || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    const box = element.getBoundingClientRect();
    return `${element.tagName.toLowerCase()}.${[...element.classList].join(".")} "${label}"`
      + ` at ${Math.round(box.left)}..${Math.round(box.right)}`;
  };
  const actions = document.querySelectorAll(
    "main button, main input:not([type=hidden]), main select, main textarea, main a.button");
  const outside = [];
  for (const action of actions) {
    const box = action.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || !action.checkVisibility()) continue;
    if (box.left < -0.5 || box.right > width + 0.5) outside.push(describe(action));
  }
  const wide = [];
  if (document.documentElement.scrollWidth > width) {
    for (const element of document.body.querySelectorAll("*")) {
      const parent = element.parentElement;
      if (element.getBoundingClientRect().right > width + 0.5
          && parent.getBoundingClientRect().right <= width + 0.5) wide.push(describe(element));
      if (wide.length >= 5) break;
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, outside, wide};
}"""

AUDIT = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((violation) => ["serious", "critical"].includes(violation.impact))
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.slice(0, 5).map((node) => node.target.join(" ")),
    }));
}"""


def log_in(page: Page, base_url: str, user: User) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"{base_url}/**")
    assert "/accounts/login/" not in page.url, f"{user.username} could not log in"


def check_page(page: Page, path: str, language: str, axe_source: str) -> None:
    """The page open at `path` fits the window and passes the audit."""
    assert page.locator("html").get_attribute("lang") == language
    measured = page.evaluate(MEASURE)
    assert measured["scrollWidth"] <= measured["width"], (
        f"{path} scrolls sideways: {measured['scrollWidth']} px wide in a "
        f"{measured['width']} px window; it starts at {measured['wide']}"
    )
    assert measured["outside"] == [], f"{path}: actions off screen: {measured['outside']}"
    page.evaluate(axe_source)
    violations = page.evaluate(AUDIT)
    assert violations == [], f"{path}: axe-core finds {violations}"


def walk(
    browser: Browser,
    base_url: str,
    user: User | None,
    paths,
    width,
    axe_source,
    subtests,
    *,
    after_log_in: Callable[[Page], None] | None = None,
):
    """Visits `paths` as `user` (None: not logged in, in English) in one browser context (one
    log-in) at `width`; `after_log_in` finishes a log-in that asks for more than a password."""
    context = browser.new_context(viewport={"width": width[0], "height": width[1]})
    language = user.language if user else "en"
    try:
        page = context.new_page()
        if user is not None:
            log_in(page, base_url, user)
        if after_log_in is not None:
            after_log_in(page)
        for path in paths:
            with subtests.test(path=path):
                response = page.goto(f"{base_url}{path}")
                assert response is not None and response.status == 200, (path, response)
                check_page(page, path, language, axe_source)
    finally:
        context.close()


def speaking(user: User, language: str) -> User:
    # The language stored on the account applies at log-in.
    user.language = language
    user.save(update_fields=["language"])
    return user


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_fits_and_passes_the_audit_for_a_co_chair(
    browser, live_server, site, chair_us, language, width, axe_source, subtests
):
    walk(
        browser,
        live_server.url,
        speaking(chair_us, language),
        chair_pages(site),
        width,
        axe_source,
        subtests,
    )


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_staff_admins_pages_fit_and_pass_the_audit(
    browser, live_server, site, staff_admin, language, width, axe_source, subtests
):
    walk(
        browser,
        live_server.url,
        speaking(staff_admin, language),
        admin_pages(site),
        width,
        axe_source,
        subtests,
    )


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_observers_pages_fit_and_pass_the_audit(
    browser, live_server, site, observer, language, width, axe_source, subtests
):
    walk(
        browser,
        live_server.url,
        speaking(observer, language),
        reader_pages(site),
        width,
        axe_source,
        subtests,
    )


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_monitors_pages_fit_and_pass_the_audit(
    browser, live_server, site, monitor, language, width, axe_source, subtests
):
    walk(
        browser,
        live_server.url,
        speaking(monitor, language),
        monitor_pages(site),
        width,
        axe_source,
        subtests,
    )


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_two_factor_pages_fit_and_pass_the_audit(
    browser, live_server, settings, db, chair_us, language, width, axe_source, subtests
):
    """A co-chair with an authenticator: the code asked at log-in, then the recovery codes
    and the page to turn two-factor sign-in off."""
    settings.OTP_TOTP_SYNC = False
    device = TOTPDevice.objects.create(user=speaking(chair_us, language), name="Phone")

    def type_the_code(page: Page) -> None:
        # The password leads to the code's page: audited, then passed with the app's code.
        assert "/accounts/two-factor/verify/" in page.url
        with subtests.test(path="/accounts/two-factor/verify/"):
            check_page(page, "/accounts/two-factor/verify/", language, axe_source)
        page.locator("input[name=code]").fill(pyotp.TOTP(b32encode(device.bin_key)).now())
        page.locator("input[name=code]").press("Enter")
        page.wait_for_url(lambda url: "/two-factor/verify/" not in url)

    # The account page then offers to turn two-factor sign-in off.
    paths = ["/accounts/two-factor/recovery-codes/", "/accounts/"]
    walk(
        browser,
        live_server.url,
        chair_us,
        paths,
        width,
        axe_source,
        subtests,
        after_log_in=type_the_code,
    )


# The pages of someone not logged in.
ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/done/",
]


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_log_in_pages_fit_and_pass_the_audit(
    browser, live_server, db, staff_admin, member_us, width, axe_source, subtests
):
    # A link to choose a new password, and an invitation's link: pages reached from e-mails.
    uid = urlsafe_base64_encode(force_bytes(member_us.pk))
    reset = f"/accounts/reset/{uid}/{default_token_generator.make_token(member_us)}/"
    link = invite_person(
        staff_admin,
        first_name="Olena",
        last_name="Koval",
        email="olena.koval@example.org",
        role=Role.MEMBER,
        party="UA",
        organisation=None,
        language="en",
    )
    paths = [*ANONYMOUS_PAGES, reset, f"/accounts/invitation/{link.token}/"]
    walk(browser, live_server.url, None, paths, width, axe_source, subtests)


# What the reader of a phone sees of the first milestone card and of the charts: each box
# against the window, and the height the charts' labels are drawn at.
MILESTONE_CARD = """() => {
  const row = document.querySelector("tr.milestone-row");
  const box = (selector) => {
    const rect = row.querySelector(selector).getBoundingClientRect();
    return {left: rect.left, right: rect.right, width: rect.width};
  };
  return {width: window.innerWidth, status: box(".cell-status .badge"),
          due: box(".cell-due time, .cell-due"), percent: box(".cell-percent"),
          input: box("input[name=percent_complete]"), save: box("button[type=submit]")};
}"""
CHART_LABELS = """() => [...document.querySelectorAll(".chart-svg text")]
  .map((text) => text.getBoundingClientRect().height)"""


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_milestone_rows_status_due_date_percent_and_save_are_on_screen(
    browser, live_server, site, chair_us, language, width
):
    context = browser.new_context(viewport={"width": width[0], "height": width[1]})
    try:
        page = context.new_page()
        log_in(page, live_server.url, speaking(chair_us, language))
        # The US co-chair's own milestones: every row has its inline form.
        page.goto(f"{live_server.url}/milestones/?responsible_party=US")
        card = page.evaluate(MILESTONE_CARD)
        for name in ("status", "due", "percent", "input", "save"):
            assert card[name]["left"] >= 0 and card[name]["right"] <= card["width"], (name, card)
            assert card[name]["width"] > 1, (name, card)
        page.locator("tr.milestone-row").first.get_by_role("button").scroll_into_view_if_needed()
        assert page.locator("tr.milestone-row").first.get_by_role("button").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dashboards_chart_labels_are_readable_on_a_phone(
    browser, live_server, site, chair_us, language
):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        log_in(page, live_server.url, speaking(chair_us, language))
        heights = page.evaluate(CHART_LABELS)
        assert heights, "the dashboard draws its charts"
        # 13-unit labels drawn at 11 px or more (a 640-unit chart drew them at 7 px).
        assert min(heights) >= 11, heights
    finally:
        context.close()


# The report's provisions table: its width beyond its box (0 when every column shows), and
# where its last heading ends against the window.
PROVISIONS_TABLE = """() => {
  const table = document.querySelector('section[aria-labelledby="report-provisions"] table');
  const box = table.parentElement;
  const last = table.querySelector("thead th:last-child").getBoundingClientRect();
  return {hidden: box.scrollWidth - box.clientWidth, lastRight: last.right,
          width: window.innerWidth, last: table.querySelector("thead th:last-child").textContent};
}"""
# A4 sideways (report.css turns the report's pages, as the PDF's), less print.css's 12 mm
# margins, at the 96 CSS pixels of an inch.
A4_PRINT_WIDTH = round((297 - 2 * 12) / 25.4 * 96)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reports_provisions_table_shows_every_column_at_1366_and_in_print(
    browser, live_server, site, chair_us, language
):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        log_in(page, live_server.url, speaking(chair_us, language))
        page.goto(f"{live_server.url}/reports/compliance/")
        on_screen = page.evaluate(PROVISIONS_TABLE)
        assert on_screen["hidden"] <= 0, on_screen
        assert on_screen["lastRight"] <= on_screen["width"], on_screen

        page.emulate_media(media="print")
        page.set_viewport_size({"width": A4_PRINT_WIDTH, "height": 1000})
        printed = page.evaluate(PROVISIONS_TABLE)
        assert printed["lastRight"] <= printed["width"], printed
    finally:
        context.close()
