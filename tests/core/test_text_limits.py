"""Every free-text column has a length limit, in the model, the database and the form.

The models are read from the app registry, so a new TextField without a limit fails here.
"""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction

from tests.security.pages import build_world
from tracker.core.limits import COMMENT, LONG_TEXT, NOTE, refuse_over_long_rows
from tracker.monitoring.models import MonitoringCheck

# Written by the system, never typed: the words of an event a notification repeats (each
# already limited where it was typed) and a mail server's last error.
# The audit log copies what changed and the reason of each history record (each limited where
# it was typed) and records what verify_audit found.
SYSTEM_TEXT = {
    ("notifications", "notification", "note"),
    ("notifications", "outgoingemail", "last_error"),
    ("audit", "auditentry", "changes"),
    ("audit", "auditentry", "reason"),
    ("audit", "chainverification", "message"),
}


def limited_text_fields():
    for model in apps.get_models():
        if not model.__module__.startswith("tracker.") or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.TextField):
                key = (model._meta.app_label, model._meta.model_name, field.name)
                if key not in SYSTEM_TEXT:
                    yield model, field


FIELDS = list(limited_text_fields())


def test_the_free_text_columns_are_found():
    names = {f"{model.__name__}.{field.name}" for model, field in FIELDS}
    assert {
        "Dispute.description",
        "Dispute.raising_position",
        "Dispute.responding_position",
        "Dispute.resolution",
        "DisputeEvent.text",
        "MonitoringCheck.finding",
        "CorrectiveAction.description",
        "CorrectiveAction.closing_note",
        "ProgressUpdate.note",
        "Milestone.description",
        "Provision.text",
        "Agreement.summary",
        "ProvisionAssessment.note",
    } <= names


@pytest.mark.parametrize(
    ("model", "field"), FIELDS, ids=[f"{m.__name__}.{f.name}" for m, f in FIELDS]
)
def test_every_free_text_column_has_a_limit_the_database_keeps(model, field):
    assert field.max_length, f"{model.__name__}.{field.name} has no max_length"
    constraint_names = {constraint.name for constraint in model._meta.constraints}
    assert any(name.endswith(f"_{field.name}_max_length") for name in constraint_names), (
        f"{model.__name__}.{field.name} has no length constraint"
    )


def _world_row(world, model):
    rows = {
        "Agreement": world.agreement,
        "Provision": world.provision,
        "Milestone": world.milestone,
        "ProgressUpdate": world.update,
        "MonitoringCheck": world.check,
        "CorrectiveAction": world.action,
        "Dispute": world.dispute,
        "DisputeEvent": world.comment,
        "Evidence": world.update.evidence.get(),
    }
    return rows.get(model.__name__)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "field"), FIELDS, ids=[f"{m.__name__}.{f.name}" for m, f in FIELDS]
)
def test_the_database_refuses_one_character_over_the_limit(model, field, staff_admin):
    world = build_world()
    row = _world_row(world, model)
    if model.__name__ == "DisputeProposal":  # a two-key proposal on the world's dispute
        row = model.objects.create(
            dispute=world.dispute,
            decision="resolved",
            proposed_by=staff_admin,
            proposer_party="US",
            text="Settle.",
        )
    if model.__name__ == "Translation":  # of the world's progress note
        from django.contrib.contenttypes.models import ContentType

        row = model.objects.create(
            content_type=ContentType.objects.get_for_model(world.update),
            object_id=world.update.pk,
            field="note",
            language="en",
            text="Drafted.",
            added_by=staff_admin,
            added_at=datetime.datetime.now(datetime.UTC),
        )
    if row is None:  # the assessment: made here, as a co-chair's record
        from tracker.core.models import ProvisionAssessment

        row = ProvisionAssessment.objects.create(
            provision=world.provision, assessed_by=staff_admin, party="US", level=1, note="n"
        )
    queryset = model._default_manager.filter(pk=row.pk)
    # Closing notes exist only on closed actions.
    extra = {}
    if field.name == "closing_note":
        extra = {
            "state": "done",
            "closed_by": staff_admin,
            "closed_at": datetime.datetime.now(datetime.UTC),
        }
    # A reason for withdrawal exists only on a withdrawn file.
    if field.name == "withdrawal_reason":
        extra = {"withdrawn_by": staff_admin, "withdrawn_at": datetime.datetime.now(datetime.UTC)}

    queryset.update(**{field.name: "x" * field.max_length, **extra})
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**{field.name: "x" * (field.max_length + 1), **extra})


def test_the_limits_are_those_written_down():
    from tracker.core.models import Provision
    from tracker.disputes.models import Dispute, DisputeEvent
    from tracker.milestones.models import ProgressUpdate
    from tracker.monitoring.models import CorrectiveAction

    limit = {f"{m.__name__}.{f.name}": f.max_length for m, f in FIELDS}
    assert limit["Dispute.description"] == LONG_TEXT
    assert limit["MonitoringCheck.finding"] == LONG_TEXT
    assert limit["CorrectiveAction.closing_note"] == NOTE
    assert limit["Provision.text"] == Provision._meta.get_field("text_uk").max_length
    # A dispute event holds a position beside a move's note; a progress entry a planning
    # summary beside its reason.
    assert DisputeEvent._meta.get_field("text").max_length >= (
        Dispute._meta.get_field("resolution").max_length + NOTE
    )
    assert ProgressUpdate._meta.get_field("note").max_length == COMMENT
    assert CorrectiveAction._meta.get_field("description").max_length == LONG_TEXT


@pytest.mark.django_db
def test_the_migration_step_names_the_rows_over_a_new_limit():
    world = build_world()
    check = refuse_over_long_rows({"monitoring.MonitoringCheck": {"finding": 5}})

    with pytest.raises(RuntimeError) as refused:
        check(apps, None)

    message = str(refused.value)
    assert f"monitoring.MonitoringCheck {world.check.pk}: finding has" in message
    assert "(limit 5)" in message
    assert MonitoringCheck.objects.get().finding == world.check.finding  # nothing cut


@pytest.mark.django_db
def test_the_migration_step_passes_rows_within_the_limits():
    build_world()
    refuse_over_long_rows({"monitoring.MonitoringCheck": {"finding": LONG_TEXT}})(apps, None)


# --- the forms say so beside the field, keep the input, and save nothing ----------------------


def test_a_dispute_description_over_the_limit_is_refused_beside_the_field(
    login, member_ua, provision
):
    from tracker.disputes.models import Dispute

    too_long = "d" * (LONG_TEXT + 1)
    response = login(member_ua).post(
        "/disputes/new/",
        {
            "agreement": provision.agreement_id,
            "provisions": [provision.pk],
            "raised_by_party": "UA",
            "title": "Royalty calculation",
            "description": too_long,
            "raising_position": "Processing must be included.",
        },
    )

    assert response.status_code == 400
    [message] = response.context["form"].errors["description"]
    assert "at most 10000 characters" in message
    assert f"{too_long}</textarea>" in response.content.decode()
    assert not Dispute.objects.exists()


def test_a_finding_over_the_limit_is_refused_beside_the_field(login, monitor, provision):
    response = login(monitor).post(
        "/checks/new/",
        {
            "provision": provision.pk,
            "criterion": "Community consultation held",
            "checked_on": "2026-11-02",
            "result": "non_compliant",
            "severity": "major",
            "finding": "f" * (LONG_TEXT + 1),
        },
    )

    assert response.status_code == 400
    assert "at most 10000 characters" in response.context["form"].errors["finding"][0]
    assert not MonitoringCheck.objects.exists()


def test_a_closing_note_over_the_limit_is_refused_beside_the_field(login, monitor):
    world = build_world()
    response = login(monitor).post(
        f"/checks/actions/{world.action.pk}/close/",
        {"closing_note": "n" * (NOTE + 1), "version": world.action.version},
    )

    world.action.refresh_from_db()
    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
    assert world.action.state == "open"


def test_a_comment_over_the_limit_is_refused(login, chair_us):
    world = build_world()
    before = world.dispute.events.count()
    response = login(chair_us).post(
        f"/disputes/{world.dispute.pk}/comments/", {"text": "c" * (COMMENT + 1)}
    )

    assert response.status_code == 400
    assert world.dispute.events.count() == before
