"""Every existing milestone gets its baseline: the due date of its first history record (the
date it was planned with), or its current due date when it has no history. Each historical
row gets the same baseline, so a report as of a past day shows the slip as it was then."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill_baseline(apps, schema_editor):
    Milestone = apps.get_model("milestones", "Milestone")
    HistoricalMilestone = apps.get_model("milestones", "HistoricalMilestone")
    first_due = (
        HistoricalMilestone.objects.filter(id=OuterRef("id"))
        .order_by("history_date", "history_id")
        .values("due_date")[:1]
    )
    Milestone.objects.update(baseline_due=Coalesce(Subquery(first_due), F("due_date")))
    # The rows of a deleted milestone take the first due date of their own history.
    HistoricalMilestone.objects.update(baseline_due=Subquery(first_due))


class Migration(migrations.Migration):
    dependencies = [("milestones", "0004_baseline_due_and_planning_events")]

    operations = [migrations.RunPython(fill_baseline, migrations.RunPython.noop)]
