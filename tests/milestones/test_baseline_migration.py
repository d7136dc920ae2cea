"""The data migration that gives existing milestones their baseline: the due date of their
first history record, on the milestone and on each of its history rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("milestones", "0004_baseline_due_and_planning_events"),
    ("core", "0004_agreement_provision_version"),
]
AFTER = [("milestones", "0006_baseline_due_required")]


@pytest.mark.django_db(transaction=True)
def test_existing_milestones_get_the_first_due_date_of_their_history():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Agreement = apps.get_model("core", "Agreement")
    Provision = apps.get_model("core", "Provision")
    Milestone = apps.get_model("milestones", "Milestone")
    History = apps.get_model("milestones", "HistoricalMilestone")
    agreement = Agreement.objects.create(
        title="A", short_name="a", signed_on=datetime.date(2025, 4, 30), place="Kyiv"
    )
    provision = Provision.objects.create(
        agreement=agreement,
        reference="P-01",
        title="P",
        category="geological_survey",
        responsible_party="JOINT",
    )
    moved = Milestone.objects.create(
        provision=provision,
        title="Moved",
        responsible_party="UA",
        due_date=datetime.date(2026, 9, 30),
    )
    unrecorded = Milestone.objects.create(
        provision=provision,
        title="Without history",
        responsible_party="UA",
        due_date=datetime.date(2026, 7, 1),
    )
    common = {
        "provision_id": provision.pk,
        "title": "Moved",
        "responsible_party": "UA",
        "status": "not_started",
        "percent_complete": 0,
        "version": 1,
        "updated_at": datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC),
    }
    for when, due in (
        (datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC), datetime.date(2026, 6, 30)),
        (datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC), datetime.date(2026, 3, 31)),
        (datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), datetime.date(2026, 9, 30)),
    ):
        History.objects.create(
            id=moved.pk, history_date=when, history_type="~", due_date=due, **common
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Milestone = apps.get_model("milestones", "Milestone")
    History = apps.get_model("milestones", "HistoricalMilestone")

    # The first recorded due date, not the earliest date ever set (31 Mar).
    assert Milestone.objects.get(pk=moved.pk).baseline_due == datetime.date(2026, 6, 30)
    assert set(History.objects.filter(id=moved.pk).values_list("baseline_due", flat=True)) == {
        datetime.date(2026, 6, 30)
    }
    assert Milestone.objects.get(pk=unrecorded.pk).baseline_due == datetime.date(2026, 7, 1)

    # Back to the latest state for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
