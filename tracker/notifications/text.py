"""The words of a notification, in the active language: one place for the inbox and the
e-mails. Call inside `translation.override(...)` to word it for someone else."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from tracker.core.models import ResponsibleParty
from tracker.disputes.models import DisputeStatus
from tracker.notifications.models import Kind, Notification

TITLE_CHARS = 120


@dataclass(frozen=True)
class Wording:
    headline: str  # the kind, e.g. "Milestone returned"
    sentence: str  # what happened, with the item's title
    note: str  # the event's own words (a reason, a dispute's text), may be empty
    path: str  # the item's page, e.g. /milestones/42/


def _date(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else "—"


def _party(code: str) -> str:
    return str(dict(ResponsibleParty.choices).get(code, code))


def _status(code: str) -> str:
    return str(dict(DisputeStatus.choices).get(code, code)).lower()


def item_title(notification: Notification) -> str:
    if notification.milestone_id:
        title = notification.milestone.display_title
    elif notification.dispute_id:
        title = notification.dispute.title
    else:
        title = notification.corrective_action.description
    return Truncator(title).chars(TITLE_CHARS)


def item_path(notification: Notification) -> str:
    if notification.milestone_id:
        return reverse("milestones:detail", args=[notification.milestone_id])
    if notification.dispute_id:
        return reverse("disputes:detail", args=[notification.dispute_id])
    check_id = notification.corrective_action.check_record_id
    return reverse("monitoring:detail", args=[check_id]) + "#actions"


def _sentence(n: Notification) -> str:
    values = {
        "title": item_title(n),
        "actor": str(n.actor) if n.actor_id else _("someone"),
        "date": _date(n.due_date),
    }
    kind = n.kind
    if kind == Kind.MILESTONE_RETURNED:
        return _("%(actor)s returned “%(title)s” to in progress.") % values
    if kind == Kind.MILESTONE_VERIFIED:
        return _("%(actor)s verified “%(title)s”.") % values
    if kind == Kind.MILESTONE_REPLANNED:
        return _("%(actor)s moved the due date of “%(title)s” to %(date)s.") % values
    if kind == Kind.AWAITING_VERIFICATION:
        return _("%(actor)s marked “%(title)s” completed: it awaits your verification.") % values
    if kind == Kind.MILESTONE_DUE:
        return _("“%(title)s” is due on %(date)s.") % values
    if kind == Kind.MILESTONE_OVERDUE:
        return _("“%(title)s” was due on %(date)s and is not completed.") % values
    if kind == Kind.DISPUTE_RAISED:
        return (
            _(
                "%(actor)s raised the dispute “%(title)s” against your party; "
                "the response is due on %(date)s."
            )
            % values
        )
    if kind == Kind.DISPUTE_MOVED:
        if n.status:
            return _("%(actor)s moved the dispute “%(title)s” to “%(status)s”.") % {
                **values,
                "status": _status(n.status),
            }
        return _("%(actor)s recorded the responding party's position on “%(title)s”.") % values
    if kind == Kind.DECISION_PROPOSED:
        return _(
            "%(actor)s proposed to mark the dispute “%(title)s” “%(status)s”: it takes effect "
            "when a co-chair of your party concurs."
        ) % {**values, "status": _status(n.status)}
    if kind == Kind.DECISION_REJECTED:
        return _(
            "%(actor)s rejected the proposal to mark the dispute “%(title)s” “%(status)s”."
        ) % {
            **values,
            "status": _status(n.status),
        }
    if kind == Kind.DISPUTE_DEADLINE:
        return _("The response to the dispute “%(title)s” is due on %(date)s.") % values
    if kind == Kind.ACTION_ADDED:
        return _(
            "%(actor)s added a corrective action for %(party)s, due on %(date)s: “%(title)s”."
        ) % {
            **values,
            "party": _party(n.corrective_action.owner_party),
        }
    if kind == Kind.ACTION_DUE:
        return _("The corrective action “%(title)s” is due on %(date)s.") % values
    return _("The corrective action “%(title)s” was due on %(date)s and is still open.") % values


def wording(notification: Notification) -> Wording:
    return Wording(
        headline=str(notification.get_kind_display()),
        sentence=_sentence(notification),
        note=notification.note,
        path=item_path(notification),
    )
