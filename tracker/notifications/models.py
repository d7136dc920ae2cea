"""Notifications: one row per recipient and event, its e-mail, and each person's preferences.

A `Notification` tells one person of one event or reminder about one item (a milestone, a
dispute or a corrective action). Its `key` says which event or which reminder it is, and
``(recipient, key)`` is unique in the database: that constraint, not a check in Python, is
what makes each reminder go out once per item and threshold however often and on however
many servers the reminder job runs.

The sentence a person reads is not stored: the row keeps the parts (kind, item, actor, note,
due date) and `tracker.notifications.text` words them in the reader's language when the
inbox or the e-mail is drawn, so a Ukrainian member reads Ukrainian in the app and in mail.

An `OutgoingEmail` is one e-mail message: a notification's own, or a person's daily digest
of several. It carries the delivery state (pending, sending, sent, failed), the attempts and
the last error, and its `key` is unique too, so a message is never written twice; a worker
claims a pending message before sending it, so two workers never send the same one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about; each person chooses per kind how to hear of it."""

    MILESTONE_RETURNED = "milestone_returned", _("Milestone returned")
    MILESTONE_VERIFIED = "milestone_verified", _("Milestone verified")
    MILESTONE_REPLANNED = "milestone_replanned", _("Milestone re-planned")
    AWAITING_VERIFICATION = "awaiting_verification", _("Milestone awaiting your verification")
    MILESTONE_DUE = "milestone_due", _("Milestone due soon")
    MILESTONE_OVERDUE = "milestone_overdue", _("Milestone overdue")
    DISPUTE_RAISED = "dispute_raised", _("Dispute raised against your party")
    DISPUTE_MOVED = "dispute_moved", _("Dispute moved on")
    DISPUTE_DEADLINE = "dispute_deadline", _("Dispute response due")
    DECISION_PROPOSED = "decision_proposed", _("Dispute decision awaiting your concurrence")
    DECISION_REJECTED = "decision_rejected", _("Proposed dispute decision rejected")
    ACTION_ADDED = "action_added", _("Corrective action added")
    ACTION_DUE = "action_due", _("Corrective action due soon")
    ACTION_OVERDUE = "action_overdue", _("Corrective action overdue")


#: The kinds the reminder job writes (the others come from events in the domain apps).
REMINDER_KINDS = (
    Kind.MILESTONE_DUE,
    Kind.MILESTONE_OVERDUE,
    Kind.DISPUTE_DEADLINE,
    Kind.ACTION_DUE,
    Kind.ACTION_OVERDUE,
)


class Delivery(models.TextChoices):
    """How a person hears of one kind, by e-mail and in the app, each chosen separately."""

    IMMEDIATE = "immediate", _("Immediately")
    DIGEST = "digest", _("In the daily digest")
    OFF = "off", _("Not at all")


class Notification(models.Model):
    # The reminder job writes hundreds of thousands of rows on its first run, so the table
    # has only the indexes its reads need: the unique key (which also finds the reminders
    # already given), the inbox, the unread count and an e-mail's notifications. The
    # foreign keys are otherwise unindexed: the inbox index starts with the recipient, and
    # deleting an item or a person (rare, in the admin) may scan.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # Which event or reminder this is, e.g. "milestone_due:42:3:2026-12-01" (item, threshold
    # and the due date it was computed from, so a re-planned milestone is reminded again).
    key = models.CharField(_("key"), max_length=120)
    milestone = models.ForeignKey(
        "milestones.Milestone",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("milestone"),
    )
    dispute = models.ForeignKey(
        "disputes.Dispute",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("dispute"),
    )
    corrective_action = models.ForeignKey(
        "monitoring.CorrectiveAction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("corrective action"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("by"),
    )
    # The words of the event itself: a return's reason, a dispute move's text.
    note = models.TextField(_("note"), blank=True)
    # The due date a reminder speaks of; a dispute's new status; empty for other events.
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # When it entered the person's inbox: at once, with the day's digest, or never (null).
    shown_at = models.DateTimeField(_("shown at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The person's choices when it was written, so a later change of mind does not rewrite
    # how past notifications were delivered.
    in_app = models.CharField(_("in the app"), max_length=10, choices=Delivery.choices)
    email = models.CharField(_("by e-mail"), max_length=10, choices=Delivery.choices)
    message = models.ForeignKey(
        "OutgoingEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("e-mail"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            # The key first: the reminder job asks which keys were given, to whom.
            models.UniqueConstraint(fields=["key", "recipient"], name="notification_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="notification_kind_valid"
            ),
            # About exactly one item.
            models.CheckConstraint(
                condition=(
                    Q(milestone__isnull=False, dispute__isnull=True, corrective_action__isnull=True)
                    | Q(
                        milestone__isnull=True,
                        dispute__isnull=False,
                        corrective_action__isnull=True,
                    )
                    | Q(
                        milestone__isnull=True,
                        dispute__isnull=True,
                        corrective_action__isnull=False,
                    )
                ),
                name="notification_one_item",
            ),
        ]
        indexes = [
            # The inbox (newest first) and the header's unread count.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["recipient", "read_at", "shown_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.key}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class OutgoingEmail(models.Model):
    """One e-mail message and how its delivery went."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="outgoing_emails",
        verbose_name=_("recipient"),
    )
    # "<user id>:<notification key>" for a notification's own e-mail,
    # "<user id>:digest:<day>" for the daily digest: at most one a day.
    key = models.CharField(_("key"), max_length=140, unique=True)
    is_digest = models.BooleanField(_("digest"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["pending", "sending", "sent", "failed"]),
                name="outgoing_email_state_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="sent") | models.Q(sent_at__isnull=False),
                name="outgoing_email_sent_with_time",
            ),
        ]
        indexes = [models.Index(fields=["state", "-created_at"], name="outgoing_email_state")]

    def __str__(self) -> str:
        return self.key


class Preference(models.Model):
    """A person's choice for one kind; without a row, the role's default applies
    (tracker.notifications.preferences)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    email = models.CharField(_("by e-mail"), max_length=10, choices=Delivery.choices)
    in_app = models.CharField(_("in the app"), max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"
