import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_monitor_records_a_non_compliant_check_with_a_corrective_action(
    page, browser_login, monitor, provision
):
    browser_login(monitor)
    page.get_by_role("navigation").get_by_role("link", name="Checks").click()
    page.get_by_role("link", name="Record a check").click()

    page.get_by_label("Provision").select_option(label=f"{provision.reference} · {provision.title}")
    page.get_by_label("Criterion", exact=True).fill("Tailings storage inspected")
    page.get_by_label("Result").select_option("non_compliant")
    page.get_by_label("Severity").select_option("major")
    page.get_by_label("Finding").fill("The dam lacks a monitoring plan.")
    page.get_by_label("Corrective action (optional)").fill("Adopt a dam monitoring plan")
    page.get_by_label("Owner of the action").select_option("UA")
    page.get_by_label("Action due date").fill("2027-02-28")
    page.get_by_role("button", name="Record check").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tailings storage inspected")
    expect(page.locator("#check")).to_contain_text("Non-compliant")
    expect(page.locator("#check")).to_contain_text("Major")
    actions = page.locator("#actions")
    expect(actions).to_contain_text("Adopt a dam monitoring plan")
    expect(actions).to_contain_text("Open")


def test_dispute_is_raised_acknowledged_discussed_and_resolved_by_both_parties(
    page, browser_login, member_us, chair_ua, chair_us, provision
):
    browser_login(member_us)
    page.get_by_role("navigation").get_by_role("link", name="Disputes").click()
    page.get_by_role("link", name="Raise a dispute").click()
    page.get_by_label(f"{provision.reference} · {provision.title}").check()
    page.get_by_label("Title").fill("Survey data not shared")
    page.get_by_label("What the dispute is about").fill("March survey data was not shared.")
    page.get_by_label("Your party's position").fill("Share the data within two weeks.")
    page.get_by_role("button", name="Raise dispute").click()
    expect(page.locator("#dispute-status")).to_contain_text("Raised")
    dispute_url = page.url
    log_out(page)

    browser_login(chair_ua)
    page.goto(dispute_url)
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("#dispute-status")).to_contain_text("Acknowledged")

    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.get_by_label("Add a comment").fill("We will share the data by Friday.")
    page.get_by_role("button", name="Add comment").click()
    timeline = page.locator("#timeline-list")
    expect(timeline.locator("li").last).to_contain_text("We will share the data by Friday.")
    expect(page.get_by_label("Add a comment")).to_have_value("")
    assert navigations == []

    # One party's co-chair proposes the resolution: the dispute stays unresolved.
    propose = page.get_by_role("button", name="Propose this resolution")
    resolve = page.locator("form.move-form").filter(has=propose)
    resolve.get_by_label("Resolution you propose").fill(
        "Data shared on Friday; the dispute is settled."
    )
    propose.click()
    expect(page.locator("#proposal-pending")).to_contain_text("Resolution proposed by Chair Ua")
    expect(page.locator("#dispute-status")).to_contain_text("Acknowledged")
    expect(page.get_by_role("button", name="Concur")).to_have_count(0)
    log_out(page)

    # Still unresolved for everyone until the other party's co-chair concurs.
    browser_login(chair_us)
    page.goto(dispute_url)
    expect(page.locator("#dispute-status")).not_to_contain_text("Resolved")
    expect(page.locator("#proposal")).to_contain_text("Data shared on Friday")
    page.get_by_role("button", name="Concur").click()
    expect(page.locator("#dispute-status")).to_contain_text("Resolved")
    expect(page.locator("#timeline-list li").last).to_contain_text(
        "concurring with the proposal of Chair Ua"
    )

    page.get_by_role("navigation").get_by_role("link", name="Disputes").click()
    row = page.get_by_role("row").filter(has_text="Survey data not shared")
    expect(row).to_contain_text("Resolved")
