import csv
import datetime
import io
import json
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tracker.accounts.models import User
from tracker.core.models import Agreement, Category, Mineral, Organisation, Provision
from tracker.devtools.management.commands.load_sample_agreement import DEFAULT_FILE, SAMPLE_USERNAME
from tracker.disputes.models import Dispute, DisputeEvent
from tracker.milestones.models import Milestone, ProgressUpdate, Status
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck, Result

# The day the sample's dates were chosen around: some milestones overdue, some due soon.
DEMO_DAY = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=datetime.UTC)

EXPECTED_COUNTS = {
    Agreement: 1,
    Provision: 8,
    Milestone: 25,
    ProgressUpdate: 50,
    MonitoringCheck: 7,
    CorrectiveAction: 3,
    Dispute: 1,
    DisputeEvent: 5,
    Organisation: 15,
    Mineral: 5,
}


def counts() -> dict:
    return {model: model.objects.count() for model in EXPECTED_COUNTS}


def test_sample_agreement_loads_with_the_expected_counts(sample_data):
    assert counts() == EXPECTED_COUNTS


def test_loading_again_adds_nothing(sample_data):
    before = counts()
    out = StringIO()
    call_command("load_sample_agreement", stdout=out)
    assert counts() == before
    assert "already loaded" in out.getvalue()


@pytest.mark.django_db
def test_loading_prints_what_it_loaded():
    out = StringIO()
    call_command("load_sample_agreement", stdout=out)
    assert "us-ua-critical-minerals-2025" in out.getvalue()
    assert "milestones:" in out.getvalue()
    assert "25" in out.getvalue()


@pytest.mark.django_db
def test_existing_organisations_and_minerals_are_reused(organisation):
    Mineral.objects.create(name="Lithium")
    call_command("load_sample_agreement", verbosity=0)
    assert Organisation.objects.filter(name=organisation.name).count() == 1
    assert Mineral.objects.filter(name="Lithium").count() == 1


def test_agreement_is_the_one_signed_in_washington(sample_data):
    agreement = Agreement.objects.get()
    assert agreement.signed_on == datetime.date(2025, 4, 30)
    assert agreement.place == "Washington, D.C."
    assert "not the treaty text" in agreement.source


def test_every_category_has_a_provision_with_both_languages(sample_data):
    provisions = Provision.objects.all()
    assert {p.category for p in provisions} == set(Category.values)
    assert all(p.title_uk and p.text and p.text_uk for p in provisions)
    assert [p.reference for p in provisions] == [f"P-0{n}" for n in range(1, 9)]


def test_every_provision_has_two_to_five_milestones_dated_2025_to_2027(sample_data):
    for provision in Provision.objects.all():
        milestones = list(provision.milestones.all())
        assert 2 <= len(milestones) <= 5, provision.reference
        for milestone in milestones:
            assert 2025 <= milestone.due_date.year <= 2027
            assert milestone.title_uk and milestone.description_uk


def test_milestones_cover_every_status_and_both_verification_states(sample_data):
    statuses = Counter(Milestone.objects.values_list("status", flat=True))
    assert set(statuses) == set(Status.values)
    completed = Milestone.objects.filter(status=Status.COMPLETED)
    assert completed.filter(verified_at__isnull=False).exists()
    assert completed.filter(verified_at__isnull=True).exists()


@time_machine.travel(DEMO_DAY, tick=False)
def test_on_the_demo_day_some_milestones_are_overdue_and_some_due_soon(sample_data):
    assert Milestone.objects.overdue().count() == 4
    assert Milestone.objects.due_soon().count() == 3


def test_progress_updates_replay_each_milestones_log(sample_data):
    milestone = Milestone.objects.get(title__startswith="Disclose the beneficial owners")
    kinds = list(milestone.updates.order_by("created_at").values_list("kind", flat=True))
    assert kinds == ["update", "update", "return", "update"]
    assert milestone.status == Status.COMPLETED
    assert milestone.completed_on == datetime.date(2026, 11, 20)
    assert milestone.version == 5


def test_history_is_dated_like_the_events_and_signed_by_the_sample_people(sample_data):
    milestone = Milestone.objects.get(title__startswith="Disclose the beneficial owners")
    history = list(milestone.history.order_by("history_date"))
    assert [h.status for h in history] == [
        "not_started",
        "in_progress",
        "completed",
        "in_progress",
        "completed",
    ]
    assert history[0].history_date.date() == datetime.date(2025, 9, 1)
    # Planned by the sample's set-up author; then each event by the person who made it.
    assert [h.history_user.username for h in history] == [
        SAMPLE_USERNAME,
        "sample-member-ua",
        "sample-member-ua",
        "sample-monitor",
        "sample-member-ua",
    ]
    updates = milestone.updates.order_by("created_at")
    assert [h.history_date for h in history[1:]] == [u.created_at for u in updates]


def test_checks_cover_every_result_with_open_and_done_actions(sample_data):
    assert set(MonitoringCheck.objects.values_list("result", flat=True)) == set(Result.values)
    states = set(CorrectiveAction.objects.values_list("state", flat=True))
    assert states == {"open", "done"}
    assert MonitoringCheck.objects.filter(follows_up__isnull=False).exists()


def test_dispute_has_a_timeline_and_the_other_partys_position(sample_data):
    dispute = Dispute.objects.get()
    assert dispute.raised_by_party != dispute.responding_party
    assert dispute.status == "under_consultation"
    assert dispute.responding_position
    assert dispute.events.count() == 5
    assert dispute.provisions.count() == 2


def test_organisations_cover_every_kind(sample_data):
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(Organisation.Kind.values)


def test_sample_user_cannot_log_in_and_has_no_role(sample_data, client):
    user = User.objects.get(username=SAMPLE_USERNAME)
    assert not user.has_usable_password()
    assert not user.is_active
    assert user.role == ""


SAMPLE_PEOPLE = {
    "sample-chair-us": ("co_chair", "US"),
    "sample-chair-ua": ("co_chair", "UA"),
    "sample-member-us": ("member", "US"),
    "sample-member-ua": ("member", "UA"),
    "sample-monitor": ("monitor", "IND"),
}


def test_the_sample_people_have_roles_but_cannot_log_in(sample_data):
    people = User.objects.filter(username__startswith="sample-").exclude(username=SAMPLE_USERNAME)
    assert {u.username: (u.role, u.party) for u in people} == SAMPLE_PEOPLE
    for user in people:
        assert not user.is_active
        assert not user.has_usable_password()
    # Enabled for the replay and disabled again, both in their history.
    monitor = people.get(username="sample-monitor")
    assert [h.is_active for h in monitor.history.order_by("history_id")] == [False, True, False]


def test_every_event_is_signed_by_the_person_who_made_it(sample_data):
    updates = ProgressUpdate.objects.select_related("author", "milestone")
    assert not updates.filter(author__username=SAMPLE_USERNAME).exists()
    for update in updates.filter(kind="update"):
        assert update.author.party in (update.milestone.responsible_party, "US", "UA")
        assert update.author.role in ("co_chair", "member")
    for milestone in Milestone.objects.filter(verified_by__isnull=False):
        verifier = milestone.verified_by
        assert verifier.role == "monitor" or verifier.party not in (
            milestone.responsible_party,
            "JOINT",
        )
    assert set(MonitoringCheck.objects.values_list("monitor__username", flat=True)) == {
        "sample-monitor"
    }
    dispute = Dispute.objects.get()
    assert (dispute.raised_by.username, dispute.raised_by.party) == ("sample-chair-ua", "UA")


def test_sample_file_names_no_official():
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    for name in ("Raimondo", "Kubrakov", "Biden", "Zelensk", "Trump", "Svyrydenko", "Bessent"):
        assert name not in text


def test_sample_file_is_the_one_in_fixtures():
    assert DEFAULT_FILE == settings.BASE_DIR / "fixtures" / "sample_agreement.json"


@pytest.mark.django_db
def test_a_row_breaking_a_rule_stops_the_load_and_saves_nothing(tmp_path):
    data = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    data["provisions"][0]["milestones"][0]["log"][0]["percent"] = 101
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="percent"):
        call_command("load_sample_agreement", file=broken, verbosity=0)
    assert not Agreement.objects.exists()
    assert not Milestone.objects.exists()


@pytest.mark.django_db
def test_an_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_sample_agreement", file=tmp_path / "missing.json")


@pytest.mark.django_db
def test_an_event_the_rules_refuse_stops_the_load_and_saves_nothing(tmp_path):
    data = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    # P-02.1 is the United States' milestone: its own co-chair may not verify it.
    milestone = data["provisions"][1]["milestones"][0]
    assert milestone["key"] == "P-02.1" and milestone["log"][-1]["kind"] == "verification"
    milestone["log"][-1]["by"] = "sample-chair-us"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError, match=r"P-02\.1.*refused to this person"):
        call_command("load_sample_agreement", file=broken, verbosity=0)

    assert not Agreement.objects.exists()
    assert not User.objects.filter(username__startswith="sample-").exists()


@pytest.mark.django_db
def test_an_account_that_can_log_in_is_never_taken_for_a_sample_person():
    someone = User.objects.create_user("sample-monitor", password="a-real-password-1")

    with pytest.raises(CommandError, match="sample-monitor"):
        call_command("load_sample_agreement", verbosity=0)

    someone.refresh_from_db()
    assert someone.is_active and someone.check_password("a-real-password-1")
    assert not Agreement.objects.exists()


def milestone_csv_row(client, as_of: str, title: str) -> dict[str, str]:
    """The report's CSV row of one milestone as of a day, by column heading."""
    with time_machine.travel(DEMO_DAY, tick=False):
        response = client.get(reverse("reports:compliance"), {"as_of": as_of, "format": "csv"})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = next(row for row in rows if "Status" in row and "Milestone" in row)
    row = next(row for row in rows if title in row)
    return dict(zip(header, row, strict=True))


@pytest.mark.parametrize(
    ("as_of", "status", "percent", "note"),
    [
        ("2026-02-09", "Not started", "0", ""),
        ("2026-02-10", "In progress", "40", "Data requests sent to all 412 licence holders."),
        ("2026-10-28", "Completed", "100", "Ownership data published for all 412 licence holders."),
        # Returned for rework: back in progress, the percentage kept until the next update.
        ("2026-10-29", "In progress", "100", "Returned: 38 holders name a nominee company"),
        ("2026-11-27", "Completed", "100", "Natural persons disclosed for 36 of the 38"),
    ],
)
def test_the_report_as_of_a_past_day_shows_the_sample_as_it_stood(
    sample_data, login, monitor, as_of, status, percent, note
):
    title = "Disclose the beneficial owners of every licence holder"

    row = milestone_csv_row(login(monitor), as_of, title)

    assert (row["Status"], row["Percent complete"]) == (status, percent)
    assert row["Latest progress note"].startswith(note)


def test_the_report_as_of_a_past_day_shows_a_verification_from_that_day_on(
    sample_data, login, monitor
):
    client = login(monitor)
    title = "Publish the open register of subsoil-use licences"

    assert milestone_csv_row(client, "2026-01-08", title)["Verified"] == "No"
    assert milestone_csv_row(client, "2026-01-09", title)["Verified"] == "Yes"


def test_observers_see_the_few_public_records_of_the_sample(sample_data, login, observer):
    """The sample marks two progress notes and two checks public; the rest is the task
    force's."""
    client = login(observer)
    checks = client.get("/checks/").context["page"].object_list
    assert sorted(check.criterion[:30] for check in checks) == [
        "The annual compliance report i",
        "The beneficial owners of every",
    ]
    activity = client.get("/activity/").content.decode()
    assert "Register published as open data." in activity
    assert "Data requests sent to all 412 licence holders." not in activity
    assert not client.get("/disputes/").context["page"].object_list
