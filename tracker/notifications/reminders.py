"""The daily reminders and digests (`manage.py send_reminders`).

What is due is read from the data as it stands today:
- open milestones due within 14 days (more than 3 days away), within 3 days, and overdue;
- disputes still waiting for the responding party's acknowledgement whose response is due
  within 7 days (more than 1 day away) and within 1 day;
- open corrective actions due within 7 days, and overdue.
Each reminder's key is ``<kind>:<item>:<threshold>:<due date>``: written once per person,
item and threshold (the database's unique key refuses a second), and again only if the due
date moves. Windows rather than exact days, so a day the job did not run is made up the next
day; an item that enters the window late gets only its nearest threshold.

The day's digests are written first (tracker.notifications.services.open_digests), so a
reminder that goes into one is written into it; then every digest with something in it is
queued, with the notifications of the day that were waiting for one (send_digests): at most
one digest a person a day.

The job reads the candidates in chunks and asks which of them each person has already had
before it builds a row, so a second run on the same day writes nothing and costs little. Two
runs at once (two servers' timers) write each reminder once: the insert skips what the
unique key already holds.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from tracker.disputes.models import Dispute, DisputeStatus
from tracker.milestones.models import Milestone
from tracker.monitoring.models import CorrectiveAction
from tracker.notifications.models import REMINDER_KINDS, Delivery, Kind, Notification
from tracker.notifications.preferences import Preferences
from tracker.notifications.recipients import Delegations
from tracker.notifications.services import open_digests, queue_immediate_emails, send_digests

MILESTONE_THRESHOLDS = (14, 3)
DISPUTE_THRESHOLDS = (7, 1)
ACTION_DUE_DAYS = 7
CHUNK = 500
INSERT_BATCH = 5000


@dataclass(frozen=True)
class Due:
    """One reminder to give: about an item, to the delegations of a party."""

    kind: str
    key: str
    party: str
    due_date: datetime.date
    milestone_id: int | None = None
    dispute_id: int | None = None
    corrective_action_id: int | None = None


@dataclass
class Summary:
    notifications: int = 0
    emails: int = 0
    digests: int = 0


def _threshold(days_left: int, thresholds: tuple[int, ...]) -> int | None:
    """The nearest threshold the item has reached, e.g. 3 for 2 days left of (14, 3)."""
    reached = [limit for limit in thresholds if days_left <= limit]
    return min(reached) if reached else None


def milestones_due(today: datetime.date) -> Iterator[Due]:
    horizon = today + datetime.timedelta(days=max(MILESTONE_THRESHOLDS))
    rows = (
        Milestone.objects.open()
        .filter(due_date__lte=horizon)
        .order_by("pk")
        .values_list("pk", "responsible_party", "due_date")
    )
    for pk, party, due in rows.iterator(chunk_size=2000):
        if due < today:
            key = f"{Kind.MILESTONE_OVERDUE}:{pk}:{due.isoformat()}"
            yield Due(Kind.MILESTONE_OVERDUE, key, party, due, milestone_id=pk)
            continue
        limit = _threshold((due - today).days, MILESTONE_THRESHOLDS)
        key = f"{Kind.MILESTONE_DUE}:{pk}:{limit}:{due.isoformat()}"
        yield Due(Kind.MILESTONE_DUE, key, party, due, milestone_id=pk)


def dispute_deadlines(today: datetime.date) -> Iterator[Due]:
    horizon = today + datetime.timedelta(days=max(DISPUTE_THRESHOLDS))
    rows = (
        Dispute.objects.filter(
            status=DisputeStatus.RAISED, response_due__gte=today, response_due__lte=horizon
        )
        .order_by("pk")
        .values_list("pk", "responding_party", "response_due")
    )
    for pk, party, due in rows:
        limit = _threshold((due - today).days, DISPUTE_THRESHOLDS)
        key = f"{Kind.DISPUTE_DEADLINE}:{pk}:{limit}:{due.isoformat()}"
        yield Due(Kind.DISPUTE_DEADLINE, key, party, due, dispute_id=pk)


def actions_due(today: datetime.date) -> Iterator[Due]:
    horizon = today + datetime.timedelta(days=ACTION_DUE_DAYS)
    rows = (
        CorrectiveAction.objects.filter(state=CorrectiveAction.State.OPEN, due_date__lte=horizon)
        .order_by("pk")
        .values_list("pk", "owner_party", "due_date")
    )
    for pk, party, due in rows:
        if due < today:
            key = f"{Kind.ACTION_OVERDUE}:{pk}:{due.isoformat()}"
            yield Due(Kind.ACTION_OVERDUE, key, party, due, corrective_action_id=pk)
        else:
            key = f"{Kind.ACTION_DUE}:{pk}:{ACTION_DUE_DAYS}:{due.isoformat()}"
            yield Due(Kind.ACTION_DUE, key, party, due, corrective_action_id=pk)


def _chunks(items: Iterable[Due]) -> Iterator[list[Due]]:
    chunk: list[Due] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


#: The columns the reminder job writes; the others keep their defaults (no actor, note,
#: status, read time or e-mail yet).
COLUMNS = (
    "recipient",
    "kind",
    "key",
    "milestone",
    "dispute",
    "corrective_action",
    "note",
    "status",
    "due_date",
    "created_at",
    "shown_at",
    "in_app",
    "email",
    "message",
)


def _insert(rows: list[tuple]) -> None:
    """Inserts reminder rows, skipping any another run wrote meanwhile (the unique key).

    Plain parameterised SQL rather than bulk_create(): the first run over the generated
    20,000 milestones writes some 200,000 rows, and building a model instance and its SQL
    for each cost about twenty times more than the insert itself (docs/performance.md).
    ``ON CONFLICT DO NOTHING`` is the same statement on SQLite and PostgreSQL.
    """
    meta = Notification._meta
    columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in COLUMNS)
    marks = ", ".join(["%s"] * len(COLUMNS))
    # Only the model's own quoted names go into the text; every value is a parameter.
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({marks}) ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH):
            cursor.executemany(sql, rows[start : start + INSERT_BATCH])


def _write(
    chunk: list[Due],
    delegations: Delegations,
    preferences: Preferences,
    digests: dict[int, int],
    now: datetime.datetime,
) -> int:
    """The notifications of one chunk that nobody has had yet; answers how many. One that
    goes into the daily digest joins its person's digest of this run at once (`digests`)."""
    had = set(
        Notification.objects.filter(key__in=[due.key for due in chunk]).values_list(
            "recipient_id", "key"
        )
    )
    written_at = connection.ops.adapt_datetimefield_value(now)
    rows = []
    for due in chunk:
        due_date = connection.ops.adapt_datefield_value(due.due_date)
        for user_id in delegations.of(due.party):
            if (user_id, due.key) in had:
                continue
            email, in_app = preferences.of(user_id, due.kind)
            if email == Delivery.OFF and in_app == Delivery.OFF:
                continue
            rows.append(
                (
                    user_id,
                    due.kind,
                    due.key,
                    due.milestone_id,
                    due.dispute_id,
                    due.corrective_action_id,
                    "",
                    "",
                    due_date,
                    written_at,
                    written_at if in_app == Delivery.IMMEDIATE else None,
                    in_app,
                    email,
                    digests.get(user_id) if email == Delivery.DIGEST else None,
                )
            )
    _insert(rows)
    return len(rows)


def send_reminders(*, now: datetime.datetime | None = None) -> Summary:
    now = now or timezone.now()
    today = timezone.localdate(now)
    delegations = Delegations()
    preferences = Preferences(delegations.people)
    summary = Summary()
    # Today's digests first, so the reminders that go into one are written into it.
    with transaction.atomic():
        digests = open_digests([person.pk for person in delegations.people], now)
    for source in (milestones_due, dispute_deadlines, actions_due):
        for chunk in _chunks(source(today)):
            # One transaction per chunk: a long run does not hold the database for its whole
            # length, and what a broken run wrote stands (the keys make the rerun finish it).
            with transaction.atomic():
                _write(chunk, delegations, preferences, digests, now)
    with transaction.atomic():
        summary.notifications = Notification.objects.filter(
            created_at=now, kind__in=REMINDER_KINDS
        ).count()
        summary.emails = queue_immediate_emails(now)
    summary.digests = send_digests(now, digests)
    return summary
