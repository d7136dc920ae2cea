"""Which free-text fields may be translated, who may translate them, and where they are shown.

Each kind of record is one `Translatable`; its URL slug names it in
``/translations/<kind>/<pk>/<field>/``. A record is found through its app's own
``get_*_for_user`` helper (or visible queryset), so a record someone may not read answers 404
here as on its page — its translations never leak past its visibility.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from tracker.accounts import permissions
from tracker.disputes.models import Dispute, DisputeEvent
from tracker.disputes.views import get_dispute_for_user
from tracker.milestones.models import ProgressUpdate
from tracker.milestones.views import get_milestone_for_user
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck
from tracker.monitoring.views import get_action_for_user, get_check_for_user


@dataclass(frozen=True)
class Translatable:
    kind: str
    model: type[Model]
    #: field name -> who may translate it: a predicate of (user, record).
    fields: dict[str, Callable[[object, Model], bool]]
    #: the record, for a user who may read it (403/404 otherwise).
    find: Callable[[object, int], Model]
    #: the record's page, at the record.
    page_url: Callable[[Model], str]

    def may_translate(self, user, record: Model, field: str) -> bool:
        return self.fields[field](user, record)


def _progress_note(user, pk: int) -> ProgressUpdate:
    update = get_object_or_404(ProgressUpdate.objects.visible_to(user), pk=pk)
    update.milestone = get_milestone_for_user(user, update.milestone_id)
    return update


def _comment(user, pk: int) -> DisputeEvent:
    event = get_object_or_404(DisputeEvent.objects.filter(kind=DisputeEvent.Kind.COMMENT), pk=pk)
    event.dispute = get_dispute_for_user(user, event.dispute_id)
    return event


TRANSLATABLES: dict[str, Translatable] = {
    item.kind: item
    for item in (
        Translatable(
            "progress",
            ProgressUpdate,
            {"note": lambda user, update: permissions.can_translate_progress_note(user, update)},
            _progress_note,
            lambda update: (
                reverse("milestones:detail", args=[update.milestone_id]) + f"#update-{update.pk}"
            ),
        ),
        Translatable(
            "check",
            MonitoringCheck,
            {"finding": permissions.can_translate_check},
            get_check_for_user,
            lambda check: reverse("monitoring:detail", args=[check.pk]) + "#check",
        ),
        Translatable(
            "action",
            CorrectiveAction,
            {
                "description": lambda user, action: permissions.can_translate_check(
                    user, action.check_record
                )
            },
            get_action_for_user,
            lambda action: (
                reverse("monitoring:detail", args=[action.check_record_id]) + f"#action-{action.pk}"
            ),
        ),
        Translatable(
            "dispute",
            Dispute,
            {
                "title": permissions.can_translate_dispute,
                "raising_position": permissions.can_translate_dispute,
                "responding_position": permissions.can_translate_position,
            },
            get_dispute_for_user,
            lambda dispute: reverse("disputes:detail", args=[dispute.pk]),
        ),
        Translatable(
            "comment",
            DisputeEvent,
            {"text": permissions.can_translate_comment},
            _comment,
            lambda event: (
                reverse("disputes:detail", args=[event.dispute_id]) + f"#event-{event.pk}"
            ),
        ),
    )
}

KINDS = {item.model: item for item in TRANSLATABLES.values()}


def translatable(kind: str, field: str) -> Translatable:
    """The kind of record of a URL, 404 for a kind or field that is not translatable."""
    item = TRANSLATABLES.get(kind)
    if item is None or field not in item.fields:
        raise Http404
    return item


def kind_of(record: Model) -> Translatable:
    return KINDS[type(record)]
