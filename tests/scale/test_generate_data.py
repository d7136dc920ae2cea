"""generate_data: realistic, complete, consistent with its own history, and never destructive."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Max, Min

from tracker.accounts.models import Role, User
from tracker.core.models import Agreement, Category, Provision, ResponsibleParty
from tracker.disputes.models import Dispute, DisputeEvent, DisputeStatus
from tracker.milestones.models import Milestone, ProgressUpdate, Status
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck, Result, Severity
from tracker.reports.history import end_of_day, state_at

TODAY = datetime.date(2026, 11, 27)
SMALL = {
    "provisions": 24,
    "milestones": 400,
    "updates": 2000,
    "checks": 150,
    "disputes": 30,
    "seed": 3,
    "today": TODAY,
    "verbosity": 0,
}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _development(settings):
    settings.DEBUG = True


def test_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("generate_data", **SMALL)
    assert not Agreement.objects.exists()


@pytest.fixture
def generated(db):
    call_command("generate_data", **SMALL)
    return Agreement.objects.get(short_name="generated")


def test_writes_the_requested_numbers(generated):
    milestones = Milestone.objects.filter(provision__agreement=generated)
    assert Provision.objects.filter(agreement=generated).count() == 24
    assert milestones.count() == 400
    progress = ProgressUpdate.objects.filter(milestone__in=milestones).exclude(
        kind__in=["planned", "edited", "replanned"]
    )
    assert progress.count() == 2000
    # Each milestone's log starts with its planning.
    assert ProgressUpdate.objects.filter(milestone__in=milestones, kind="planned").count() == 400
    assert MonitoringCheck.objects.filter(provision__agreement=generated).count() == 150
    assert Dispute.objects.filter(agreement=generated).count() == 30


def test_covers_every_status_party_and_category(generated):
    milestones = Milestone.objects.filter(provision__agreement=generated)
    assert set(milestones.values_list("status", flat=True)) == set(Status.values)
    assert set(milestones.values_list("responsible_party", flat=True)) == set(
        ResponsibleParty.values
    )
    provisions = Provision.objects.filter(agreement=generated)
    assert set(provisions.values_list("category", flat=True)) == set(Category.values)
    pairs = set(provisions.values_list("category", "responsible_party"))
    assert {party for _, party in pairs} == set(ResponsibleParty.values)
    assert milestones.overdue(TODAY).exists()
    assert milestones.filter(verified_at__isnull=False).exists()
    assert milestones.awaiting_verification().exists()
    assert set(ProgressUpdate.objects.values_list("kind", flat=True)) == set(
        ProgressUpdate.Kind.values
    )


def test_checks_actions_and_disputes_take_every_value(generated):
    checks = MonitoringCheck.objects.filter(provision__agreement=generated)
    assert set(checks.values_list("result", flat=True)) == set(Result.values)
    assert set(checks.exclude(severity="").values_list("severity", flat=True)) == set(
        Severity.values
    )
    assert checks.filter(follows_up__isnull=False).exists()
    actions = CorrectiveAction.objects.filter(check_record__in=checks)
    assert actions.filter(state="done").exists()
    assert actions.filter(state="open", due_date__lt=TODAY).exists()
    assert actions.filter(state="open", due_date__gte=TODAY).exists()
    disputes = Dispute.objects.filter(agreement=generated)
    assert set(disputes.values_list("status", flat=True)) == set(DisputeStatus.values)
    assert not disputes.annotate(n=Count("events")).filter(n=0).exists()
    assert set(DisputeEvent.objects.values_list("kind", flat=True)) == set(DisputeEvent.Kind.values)


def test_creates_people_of_every_role(generated):
    roles = set(User.objects.filter(username__startswith="gen-").values_list("role", flat=True))
    assert roles == {*Role.values, ""}
    generated_people = User.objects.filter(username__startswith="gen-")
    assert not any(user.has_usable_password() for user in generated_people)


def test_log_and_history_agree_with_each_milestone(generated):
    milestones = Milestone.objects.filter(provision__agreement=generated).annotate(
        entries=Count("updates")
    )
    history = Milestone.history.model.objects
    for milestone in milestones:
        # Every entry raises the version, except the first (planned) one, written with it.
        assert milestone.version == milestone.entries
        rows = list(history.filter(id=milestone.pk).order_by("history_date", "history_id"))
        assert [row.version for row in rows] == list(range(1, milestone.version + 1))
        assert rows[0].history_type == "+"
        last = rows[-1]
        assert (last.status, last.percent_complete, last.completed_on, last.verified_at) == (
            milestone.status,
            milestone.percent_complete,
            milestone.completed_on,
            milestone.verified_at,
        )
        # The baseline is the first planned due date, on every row; re-planning moves only
        # the due date.
        assert {row.baseline_due for row in rows} == {rows[0].due_date} == {milestone.baseline_due}
        assert last.due_date == milestone.due_date
    assert milestones.exclude(due_date=F("baseline_due")).exists()


def test_times_run_from_the_signing_to_today(generated):
    span = ProgressUpdate.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert span["first"].date() >= datetime.date(2025, 5, 1)
    assert span["last"] <= end_of_day(TODAY)
    assert Milestone.history.model.objects.aggregate(last=Max("history_date"))[
        "last"
    ] <= end_of_day(TODAY)


def test_a_year_back_has_history_to_rebuild(generated):
    a_year_back = end_of_day(TODAY - datetime.timedelta(days=365))
    then = state_at(Milestone, a_year_back)
    now_total = Milestone.objects.count()
    assert 0 < then.count() < now_total
    # Some milestones were in a different state then than now.
    current = dict(Milestone.objects.values_list("pk", "status"))
    assert any(current[row.id] != row.status for row in then)
    assert state_at(Dispute, a_year_back).exists()
    assert state_at(MonitoringCheck, a_year_back).exists()


def test_refuses_to_run_twice_on_the_same_agreement(generated):
    before = Milestone.objects.count()
    with pytest.raises(CommandError, match="already exists"):
        call_command("generate_data", **SMALL)
    assert Milestone.objects.count() == before


def test_a_second_agreement_reuses_the_people_and_repeats_with_the_same_seed(generated):
    users = User.objects.count()
    call_command("generate_data", **{**SMALL, "agreement": "generated-2"})
    assert User.objects.count() == users
    first, second = (
        list(
            Milestone.objects.filter(provision__agreement__short_name=name)
            .order_by("pk")
            .values_list("title", "status", "percent_complete", "due_date")
        )
        for name in ("generated", "generated-2")
    )
    assert first == second


def test_refuses_negative_numbers(db):
    with pytest.raises(CommandError, match="negative"):
        call_command("generate_data", milestones=-1, verbosity=0)
    assert not Agreement.objects.exists()
