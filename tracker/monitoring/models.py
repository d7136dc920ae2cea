"""Independent monitors' compliance checks and the corrective actions they call for."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.core.limits import LONG_TEXT, NOTE, max_length_constraints
from tracker.core.models import (
    Evidence,
    Provision,
    ResponsibleParty,
    VisibleQuerySet,
    localized,
    visibility_constraint,
    visibility_field,
)


class Result(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("Not assessed")
    COMPLIANT = "compliant", _("Compliant")
    PARTIALLY_COMPLIANT = "partially_compliant", _("Partially compliant")
    NON_COMPLIANT = "non_compliant", _("Non-compliant")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


FINDING_RESULTS = (Result.PARTIALLY_COMPLIANT, Result.NON_COMPLIANT)


class Severity(models.TextChoices):
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")
    OBSERVATION = "observation", _("Observation")


class MonitoringCheck(models.Model):
    # The text the check list searches (tracker.core.search), with its actions' and
    # provision's.
    search_documents = {"search_document": ("finding", "criterion", "criterion_uk")}

    provision = models.ForeignKey(
        Provision, on_delete=models.PROTECT, related_name="checks", verbose_name=_("provision")
    )
    milestone = models.ForeignKey(
        "milestones.Milestone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checks",
        verbose_name=_("milestone"),
    )
    criterion = models.CharField(_("criterion"), max_length=300)
    criterion_uk = models.CharField(_("criterion (Ukrainian)"), max_length=300, blank=True)
    monitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="checks",
        verbose_name=_("monitor"),
    )
    checked_on = models.DateField(_("checked on"), default=timezone.localdate)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices, blank=True)
    finding = models.TextField(_("finding"), blank=True, max_length=LONG_TEXT)
    follows_up = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("follows up"),
    )
    evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="checks", verbose_name=_("evidence")
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    visibility = visibility_field()
    # Raised by every correction: a form rendered from an older version is refused (409).
    version = models.PositiveIntegerField(_("version"), default=1)
    # Its text in the other language, added later (tracker.core.models.Translation).
    translations = GenericRelation("core.Translation")
    history = HistoricalRecords(m2m_fields=[evidence])

    objects = VisibleQuerySet.as_manager()

    # The path to the agreement, for tracker.core.workspace.within().
    agreement_lookup = "provision__agreement"

    class Meta:
        ordering = ["-checked_on", "-id"]
        verbose_name = _("monitoring check")
        verbose_name_plural = _("monitoring checks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result__in=Result.values), name="check_result_valid"
            ),
            visibility_constraint("check"),
            # Severity is required exactly for partial and non-compliance.
            models.CheckConstraint(
                condition=(
                    models.Q(result__in=FINDING_RESULTS, severity__in=Severity.values)
                    | (~models.Q(result__in=FINDING_RESULTS) & models.Q(severity=""))
                ),
                name="check_severity_iff_finding",
            ),
            *max_length_constraints("check", finding=LONG_TEXT),
        ]
        indexes = [
            models.Index(fields=["provision", "-checked_on"]),
            models.Index(fields=["result", "-checked_on"]),
            models.Index(fields=["-checked_on", "-id"]),
            models.Index(fields=["monitor"]),
        ]

    def __str__(self) -> str:
        return f"{self.display_criterion} ({self.get_result_display()})"

    @property
    def display_criterion(self) -> str:
        return localized(self, "criterion")


class CorrectiveActionQuerySet(VisibleQuerySet):
    # A public action of a task-force check would tell of the finding: both must be public.
    visibility_lookups = ("visibility", "check_record__visibility")


class CorrectiveAction(models.Model):
    search_documents = {"search_document": ("description",)}

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    check_record = models.ForeignKey(
        MonitoringCheck,
        on_delete=models.CASCADE,
        related_name="corrective_actions",
        verbose_name=_("check"),
    )
    description = models.TextField(_("description"), max_length=LONG_TEXT)
    owner_party = models.CharField(_("owner"), max_length=5, choices=ResponsibleParty.choices)
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closing_note = models.TextField(_("closing note"), blank=True, max_length=NOTE)
    visibility = visibility_field()
    # Raised by every change: a form rendered from an older version is refused (409).
    version = models.PositiveIntegerField(_("version"), default=1)
    # Its text in the other language, added later (tracker.core.models.Translation).
    translations = GenericRelation("core.Translation")
    history = HistoricalRecords()

    objects = CorrectiveActionQuerySet.as_manager()

    # The path to the agreement, for tracker.core.workspace.within().
    agreement_lookup = "check_record__provision__agreement"

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        constraints = [
            visibility_constraint("corrective_action"),
            models.CheckConstraint(
                condition=(
                    models.Q(state="open", closed_at__isnull=True, closed_by__isnull=True)
                    | (
                        models.Q(state="done", closed_at__isnull=False, closed_by__isnull=False)
                        & ~models.Q(closing_note="")
                    )
                ),
                name="corrective_action_closed_with_note",
            ),
            models.CheckConstraint(
                condition=models.Q(owner_party__in=ResponsibleParty.values),
                name="corrective_action_party_valid",
            ),
            *max_length_constraints("corrective_action", description=LONG_TEXT, closing_note=NOTE),
        ]
        indexes = [
            models.Index(fields=["state", "due_date"]),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_overdue(self) -> bool:
        return self.state == self.State.OPEN and self.due_date < timezone.localdate()
