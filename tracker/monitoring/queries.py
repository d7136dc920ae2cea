"""Read-side queries of monitoring checks: provision pages, lists, the dashboard, reports.

Every function returns a lazy queryset (or a bundle of them) and runs no query by itself.

``latest_results(provisions=None, *, as_of=None) -> QuerySet[MonitoringCheck]``
    The compliance state: for every (provision, criterion) pair, the latest check — the latest
    ``checked_on``, and among checks of the same day the one recorded last (highest id).
    ``provisions`` is a queryset of provisions, an iterable of provisions or their ids, or
    None for every provision. ``as_of`` (a date) keeps only checks dated on or before it;
    it reads the current rows, so an edit made later to an old check shows in an old report.
    Rows come with ``provision`` joined and ``open_actions`` / ``overdue_actions`` annotated,
    ordered by provision reference, then criterion.

``with_compliance(provisions, *, as_of=None) -> QuerySet[Provision]``
    Annotates each provision with its compliance state, one correlated subquery per figure
    (no GROUP BY on the outer query, so pagination and counting stay cheap):
    ``compliance_result`` — the worst of its latest results (order: ``WORST_FIRST``), None
    when the provision was never checked; ``criteria_checked``, ``criteria_compliant``,
    ``criteria_partially_compliant``, ``criteria_non_compliant`` — counts of criteria by their
    latest result; ``open_corrective_actions`` — open corrective actions of all its checks.

``is_latest_of_criterion(as_of=None) -> Q``
    A filter keeping only checks that no later check of the same provision and criterion
    supersedes (the building block of the two above).

``with_action_counts(checks) -> QuerySet[MonitoringCheck]``
    Annotates ``open_actions`` and ``overdue_actions`` (correlated subqueries).

``provision_checks(provision, user) -> ProvisionChecks``
    What the provision page shows: ``latest`` (compliance state) and ``recent`` checks.

``follow_up_chain(check, user)`` and ``check_history(check, user)`` feed the check's own page
    (what ``user`` may see of them).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from tracker.core.history import HistoryEntry, changed_fields
from tracker.core.models import Provision
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck, Result
from tracker.monitoring.services import CHECK_FIELDS

# A criterion whose latest result is unknown (not assessed) keeps a provision from showing
# as compliant: an unassessed criterion ranks worse than a compliant one.
WORST_FIRST = (
    Result.NON_COMPLIANT,
    Result.PARTIALLY_COMPLIANT,
    Result.NOT_ASSESSED,
    Result.COMPLIANT,
    Result.NOT_APPLICABLE,
)

RECENT_CHECKS = 20


def _count(queryset: QuerySet, group_by: str) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
        output_field=IntegerField(),
    )


def with_action_counts(checks: QuerySet[MonitoringCheck]) -> QuerySet[MonitoringCheck]:
    open_actions = CorrectiveAction.objects.filter(
        check_record=OuterRef("pk"), state=CorrectiveAction.State.OPEN
    )
    return checks.annotate(
        open_actions=_count(open_actions, "check_record"),
        overdue_actions=_count(
            open_actions.filter(due_date__lt=timezone.localdate()), "check_record"
        ),
    )


def is_latest_of_criterion(as_of: datetime.date | None = None) -> Q:
    """True for a check that no later check of the same provision and criterion supersedes."""
    same_criterion = MonitoringCheck.objects.filter(
        provision=OuterRef("provision"), criterion=OuterRef("criterion")
    )
    if as_of is not None:
        same_criterion = same_criterion.filter(checked_on__lte=as_of)
    return Q(pk=Subquery(same_criterion.order_by("-checked_on", "-id").values("pk")[:1]))


def _dated(checks: QuerySet[MonitoringCheck], as_of: datetime.date | None):
    return checks if as_of is None else checks.filter(checked_on__lte=as_of)


def latest_results(
    provisions: QuerySet[Provision] | Iterable[Provision | int] | None = None,
    *,
    as_of: datetime.date | None = None,
) -> QuerySet[MonitoringCheck]:
    checks = _dated(MonitoringCheck.objects.all(), as_of).filter(is_latest_of_criterion(as_of))
    if isinstance(provisions, QuerySet):
        checks = checks.filter(provision__in=provisions.values("pk"))
    elif provisions is not None:
        ids = [getattr(provision, "pk", provision) for provision in provisions]
        checks = checks.filter(provision__in=ids)
    return with_action_counts(
        checks.select_related("provision", "monitor", "milestone").order_by(
            "provision__agreement", "provision__reference", "criterion"
        )
    )


def _result_rank() -> Case:
    return Case(
        *(When(result=result, then=Value(rank)) for rank, result in enumerate(WORST_FIRST)),
        default=Value(len(WORST_FIRST)),
        output_field=IntegerField(),
    )


def with_compliance(
    provisions: QuerySet[Provision], *, as_of: datetime.date | None = None
) -> QuerySet[Provision]:
    latest = _dated(MonitoringCheck.objects.filter(provision=OuterRef("pk")), as_of).filter(
        is_latest_of_criterion(as_of)
    )
    worst = latest.annotate(rank=_result_rank()).order_by("rank", "criterion").values("result")[:1]
    open_actions = CorrectiveAction.objects.filter(
        check_record__provision=OuterRef("pk"), state=CorrectiveAction.State.OPEN
    )
    return provisions.annotate(
        compliance_result=Subquery(worst),
        criteria_checked=_count(latest, "provision"),
        criteria_compliant=_count(latest.filter(result=Result.COMPLIANT), "provision"),
        criteria_partially_compliant=_count(
            latest.filter(result=Result.PARTIALLY_COMPLIANT), "provision"
        ),
        criteria_non_compliant=_count(latest.filter(result=Result.NON_COMPLIANT), "provision"),
        open_corrective_actions=_count(open_actions, "check_record__provision"),
    )


def result_label(code: str | None) -> str:
    """The display word of a result code, for annotations that carry only the code."""
    return str(dict(Result.choices).get(code, "")) if code else ""


class ProvisionChecks:
    """The provision page's checks section: its compliance state and its latest checks."""

    def __init__(self, provision: Provision, user) -> None:
        # The compliance state is an aggregate every reader sees; the checks listed are the
        # ones ``user`` may read.
        self.latest = latest_results([provision])
        self.recent = with_action_counts(
            provision.checks.visible_to(user)
            .select_related("monitor", "milestone")
            .order_by("-checked_on", "-id")
        )[:RECENT_CHECKS]
        self._all = provision.checks.visible_to(user)

    @cached_property
    def total(self) -> int:
        return self._all.count()

    @property
    def overall(self) -> str | None:
        """The worst latest result (as ``with_compliance``), from the rows already read."""
        results = {check.result for check in self.latest}
        return next((result for result in WORST_FIRST if result in results), None)


def provision_checks(provision: Provision, user) -> ProvisionChecks:
    return ProvisionChecks(provision, user)


def follow_up_chain(check: MonitoringCheck, user) -> list[MonitoringCheck]:
    """The checks linked to this one by follow-ups, earliest first, this one included.

    It walks up to the first check of the chain and down through every follow-up (a check
    can be followed up more than once). Links are read in one query for the provision, not
    one query per step.
    """
    links = dict(
        MonitoringCheck.objects.filter(provision=check.provision_id).values_list(
            "pk", "follows_up_id"
        )
    )
    root = check.pk
    seen = {root}
    while links.get(root) in links and links[root] not in seen:
        root = links[root]
        seen.add(root)
    children: dict[int, list[int]] = {}
    for pk, parent in links.items():
        children.setdefault(parent, []).append(pk)
    members, frontier = {root}, [root]
    while frontier:
        frontier = [
            child for pk in frontier for child in children.get(pk, []) if child not in members
        ]
        members.update(frontier)
    if members == {check.pk}:
        return []
    return list(
        MonitoringCheck.objects.visible_to(user)
        .filter(pk__in=members)
        .select_related("monitor")
        .order_by("checked_on", "id")
    )


def check_history(check: MonitoringCheck, user) -> list[HistoryEntry]:
    """Every recorded change of the check and of its corrective actions, newest first."""
    entries: list[HistoryEntry] = []
    previous = None
    for record in check.history.select_related("history_user").order_by("history_date", "pk"):
        if previous is None:
            summary = _("Check recorded")
        else:
            changed = changed_fields(record, previous, CHECK_FIELDS)
            if not changed:
                # A record of the evidence links alone (the files are listed on the page, and
                # the audit log has the record): nothing of the check's own to tell.
                previous = record
                continue
            summary = _("Check changed: %(fields)s") % {"fields": ", ".join(changed)}
        entries.append(HistoryEntry(record.history_date, record.history_user, summary))
        previous = record
    action_records = (
        CorrectiveAction.history.filter(
            check_record_id=check.pk,
            id__in=CorrectiveAction.objects.visible_to(user).filter(check_record_id=check.pk),
        )
        .select_related("history_user")
        .order_by("id", "history_date", "pk")
    )
    previous = None
    for record in action_records:
        if previous is None or previous.id != record.id:
            summary = _("Corrective action added: %(action)s") % {
                "action": Truncator(record.description).chars(80)
            }
            note = ""
        elif record.state == CorrectiveAction.State.DONE and previous.state != record.state:
            summary = _("Corrective action closed: %(action)s") % {
                "action": Truncator(record.description).chars(80)
            }
            note = record.closing_note
        else:
            changed = changed_fields(record, previous, ("description", "owner_party", "due_date"))
            summary = _("Corrective action changed: %(fields)s") % {
                "fields": ", ".join(changed) or "—"
            }
            note = ""
        entries.append(HistoryEntry(record.history_date, record.history_user, summary, note))
        previous = record
    return sorted(entries, key=lambda entry: entry.when, reverse=True)
