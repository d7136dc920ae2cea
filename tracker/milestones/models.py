"""Milestones of a provision, their progress log and the rules of their status."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.core.limits import COMMENT, LONG_TEXT, max_length_constraints
from tracker.core.models import (
    Evidence,
    Organisation,
    Provision,
    ResponsibleParty,
    VisibleQuerySet,
    localized,
    visibility_constraint,
    visibility_field,
)

DUE_SOON_DAYS = 14


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


CLOSED_STATUSES = (Status.COMPLETED, Status.CANCELLED)


class Schedule(models.TextChoices):
    """Derived from the due date and status; never stored."""

    ON_TRACK = "on_track", _("On track")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    DONE = "done", _("Done on time")
    LATE = "late", _("Completed late")
    CANCELLED = "cancelled", _("Cancelled")


def schedule_on(
    today: datetime.date,
    status: str,
    due_date: datetime.date,
    completed_on: datetime.date | None,
) -> Schedule:
    """The schedule on `today` of a milestone in `status` with these dates: the rule behind
    Milestone.schedule(), for rows read as values as well as for model instances."""
    if status == Status.CANCELLED:
        return Schedule.CANCELLED
    if status == Status.COMPLETED:
        late = completed_on is not None and completed_on > due_date
        return Schedule.LATE if late else Schedule.DONE
    if due_date < today:
        return Schedule.OVERDUE
    if due_date <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return Schedule.DUE_SOON
    return Schedule.ON_TRACK


class MilestoneQuerySet(models.QuerySet):
    def open(self):
        # A positive IN list, unlike exclude(), lets SQLite use the (status, due_date) index.
        return self.filter(status__in=[s for s in Status.values if s not in CLOSED_STATUSES])

    def overdue(self, today: datetime.date | None = None):
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def due_soon(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.open().filter(
            due_date__gte=today, due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
        )

    def on_track(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.open().filter(due_date__gt=today + datetime.timedelta(days=DUE_SOON_DAYS))

    def awaiting_verification(self):
        return self.filter(status=Status.COMPLETED, verified_at__isnull=True)


class Milestone(models.Model):
    # The text the activity log finds a milestone's entries by, and the text the milestone
    # list searches (tracker.core.search).
    search_documents = {
        "search_document": ("title", "title_uk"),
        "search_document_full": ("title", "title_uk", "description", "description_uk"),
    }

    provision = models.ForeignKey(
        Provision, on_delete=models.PROTECT, related_name="milestones", verbose_name=_("provision")
    )
    title = models.CharField(_("title"), max_length=300)
    title_uk = models.CharField(_("title (Ukrainian)"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT)
    description_uk = models.TextField(
        _("description (Ukrainian)"), blank=True, max_length=LONG_TEXT
    )
    responsible_party = models.CharField(
        _("responsible party"), max_length=5, choices=ResponsibleParty.choices
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("lead organisation"),
    )
    due_date = models.DateField(_("due date"))
    # The due date the milestone was first planned with. Re-planning moves due_date (with a
    # reason, tracker/milestones/services.py) and never this, so the slip is the difference.
    baseline_due = models.DateField(_("baseline due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # Raised by one on every save through the transition functions; a form carries the value
    # it was rendered with, so a save based on stale data is refused instead of overwriting.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = MilestoneQuerySet.as_manager()

    # The path to the agreement, for tracker.core.workspace.within().
    agreement_lookup = "provision__agreement"

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent_complete__gte=0, percent_complete__lte=100),
                name="milestone_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="milestone_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(responsible_party__in=ResponsibleParty.values),
                name="milestone_party_valid",
            ),
            *max_length_constraints("milestone", description=LONG_TEXT, description_uk=LONG_TEXT),
            # A completion date exactly when completed, and completed means 100 %.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        status=Status.COMPLETED,
                        completed_on__isnull=False,
                        percent_complete=100,
                    )
                    | (~models.Q(status=Status.COMPLETED) & models.Q(completed_on__isnull=True))
                ),
                name="milestone_completed_on_iff_completed",
            ),
            # Verification only of a completed milestone, and always with who and when.
            models.CheckConstraint(
                condition=(
                    models.Q(verified_at__isnull=True, verified_by__isnull=True)
                    | models.Q(
                        status=Status.COMPLETED,
                        verified_at__isnull=False,
                        verified_by__isnull=False,
                    )
                ),
                name="milestone_verified_only_when_completed",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="milestone_version_positive"
            ),
        ]
        indexes = [
            # Status filters and the overdue and due-soon lists; with verified_at, the list's
            # counters of every milestone come from the index alone.
            models.Index(fields=["status", "due_date", "verified_at"], name="milestone_status_due"),
            models.Index(fields=["due_date"]),
            models.Index(fields=["responsible_party", "due_date"]),
            models.Index(fields=["provision", "due_date"]),
            # A provision's milestones are told apart by title (planning, the import).
            models.Index(fields=["provision", "title"], name="milestone_provision_title"),
            # The filtered list's counters and the dashboard/report figures per provision read
            # only these columns, so SQLite answers them from the index alone.
            models.Index(
                fields=["responsible_party", "status", "provision", "due_date", "verified_at"],
                name="milestone_party_status",
            ),
            models.Index(
                fields=[
                    "provision",
                    "responsible_party",
                    "status",
                    "percent_complete",
                    "verified_at",
                    "due_date",
                ],
                name="milestone_figures",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    def save(self, *args, **kwargs) -> None:
        # A new milestone's baseline is the due date it is planned with.
        if self.baseline_due is None:
            self.baseline_due = self.due_date
        super().save(*args, **kwargs)

    @property
    def display_title(self) -> str:
        return localized(self, "title")

    @property
    def slip_days(self) -> int:
        """Days the due date has moved from the baseline (negative when brought forward)."""
        return (self.due_date - self.baseline_due).days

    @property
    def display_description(self) -> str:
        return localized(self, "description")

    @property
    def awaiting_verification(self) -> bool:
        return self.status == Status.COMPLETED and self.verified_at is None

    def schedule(self, today: datetime.date | None = None) -> str:
        return schedule_on(
            today or timezone.localdate(), self.status, self.due_date, self.completed_on
        )


class ProgressUpdate(models.Model):
    """One entry of a milestone's narrative log; every status change writes one."""

    # The text the activity log searches (tracker.core.search), with its milestone's.
    search_documents = {"search_document": ("note",)}

    class Kind(models.TextChoices):
        UPDATE = "update", _("Progress update")
        VERIFICATION = "verification", _("Verified")
        RETURN = "return", _("Returned")
        # Planning events (tracker/milestones/services.py), so Activity shows them too.
        PLANNED = "planned", _("Planned")
        REPLANNED = "replanned", _("Re-planned")
        EDITED = "edited", _("Details edited")

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="updates", verbose_name=_("milestone")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="progress_updates",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.UPDATE)
    old_status = models.CharField(_("old status"), max_length=20, choices=Status.choices)
    new_status = models.CharField(_("new status"), max_length=20, choices=Status.choices)
    old_percent = models.PositiveSmallIntegerField(_("old percent"), default=0)
    percent = models.PositiveSmallIntegerField(_("percent"))
    # Typed notes and reasons hold at most limits.NOTE; re-planning puts a summary of the
    # changes before its reason, so the column allows a little more.
    note = models.TextField(_("note"), blank=True, max_length=COMMENT)
    # A planned milestone's due date (new only), a re-planned one's old and new due dates.
    old_due_date = models.DateField(_("old due date"), null=True, blank=True)
    new_due_date = models.DateField(_("new due date"), null=True, blank=True)
    evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="progress_updates", verbose_name=_("evidence")
    )
    visibility = visibility_field()
    # Its text in the other language, added later (tracker.core.models.Translation).
    translations = GenericRelation("core.Translation")
    history = HistoricalRecords(m2m_fields=[evidence])

    objects = VisibleQuerySet.as_manager()

    # The path to the agreement, for tracker.core.workspace.within().
    agreement_lookup = "milestone__provision__agreement"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__gte=0, percent__lte=100),
                name="progress_percent_range",
            ),
            visibility_constraint("progress"),
            *max_length_constraints("progress", note=COMMENT),
        ]
        indexes = [
            models.Index(
                fields=["milestone", "-created_at", "-id"], name="progress_milestone_latest"
            ),
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["author", "-created_at"]),
            # The dashboard's count of milestones re-planned lately reads this index alone.
            models.Index(fields=["kind", "created_at", "milestone"], name="progress_kind_time"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone_id}: {self.old_status} → {self.new_status}"
