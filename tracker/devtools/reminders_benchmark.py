"""`send_reminders` timed on the generated data, for `manage.py benchmark` (and `make bench`).

The generated agreement has 42 people; the target speaks of 200, so the measurement first
brings the generated people up to `PEOPLE` (the numbers below, a task force of that size:
two co-chairs and 38 members per delegation, 12 monitors, 106 observers and 2 staff admins).
Then it runs the job twice, as the daily timer would on one day, and reads:
- the first run's time, the notifications it wrote, the e-mails and digests it queued;
- that nobody has more than one digest for the day;
- the second run's time and that it wrote nothing.

Everything happens in one transaction that is rolled back, so the benchmark database is left
as it was and every benchmark run measures a first run of the day. Target: the first run in
under 10 s.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from tracker.accounts.models import Role
from tracker.notifications.models import OutgoingEmail
from tracker.notifications.reminders import send_reminders

TARGET_SECONDS = 10.0
PREFIX = "bench-people-"
#: (role, party, how many) of the 200 people the reminders are measured for.
PEOPLE = (
    (Role.CO_CHAIR, "US", 2),
    (Role.CO_CHAIR, "UA", 2),
    (Role.MEMBER, "US", 38),
    (Role.MEMBER, "UA", 38),
    (Role.MONITOR, "IND", 12),
    (Role.OBSERVER, "IND", 106),
    (Role.STAFF_ADMIN, "IND", 2),
)


class _RollBack(Exception):
    pass


def _top_up_people() -> int:
    """Adds people of each (role, party) until there are as many as PEOPLE says; answers the
    number of active people with a role."""
    User = get_user_model()
    have = {
        (row["role"], row["party"]): row["n"]
        for row in User.objects.filter(is_active=True)
        .exclude(role="")
        .values("role", "party")
        .annotate(n=Count("pk"))
    }
    new = [
        User(
            username=f"{PREFIX}{role}-{party.lower()}-{n}",
            email=f"{PREFIX}{role}-{party.lower()}-{n}@example.org",
            role=role,
            party=party,
            password=UNUSABLE_PASSWORD_PREFIX,
        )
        for role, party, wanted in PEOPLE
        for n in range(have.get((role, party), 0), wanted)
    ]
    User.objects.bulk_create(new)
    return User.objects.filter(is_active=True).exclude(role="").count()


def measure(out: Callable[[str], None] = print, basis: str = "wall") -> dict:
    """Runs the measurement; `basis` "cpu" judges the first run on this process's CPU time
    rather than the wall clock (the benchmark's --judge-on, for a machine shared with other
    work)."""
    result: dict = {"target_seconds": TARGET_SECONDS, "judged_on": basis}
    try:
        with transaction.atomic():
            result["people"] = _top_up_people()
            now = timezone.now()
            started, cpu = time.perf_counter(), time.process_time()
            first = send_reminders(now=now)
            result["seconds"] = round(time.perf_counter() - started, 2)
            # This process's CPU time: on a machine other work shares, the wall clock alone
            # overstates what the job costs.
            result["cpu_seconds"] = round(time.process_time() - cpu, 2)
            result["notifications"] = first.notifications
            result["emails"] = first.emails
            result["digests"] = first.digests
            per_person = (
                OutgoingEmail.objects.filter(is_digest=True)
                .values("recipient")
                .annotate(n=Count("pk"))
                .order_by("-n")
                .values_list("n", flat=True)
                .first()
            )
            result["most_digests_per_person"] = per_person or 0
            started = time.perf_counter()
            second = send_reminders(now=now + datetime.timedelta(minutes=5))
            result["second_run_seconds"] = round(time.perf_counter() - started, 2)
            result["second_run_notifications"] = second.notifications
            result["second_run_digests"] = second.digests
            raise _RollBack
    except _RollBack:
        pass
    judged = result["cpu_seconds"] if basis == "cpu" else result["seconds"]
    result["passed"] = (
        judged < TARGET_SECONDS
        and result["most_digests_per_person"] <= 1
        and result["second_run_notifications"] == result["second_run_digests"] == 0
    )
    out(
        f"send_reminders for {result['people']} people: {result['seconds']} s "
        f"({result['cpu_seconds']} s CPU), "
        f"{result['notifications']:,} reminders, {result['emails']} e-mails and "
        f"{result['digests']} digests queued (at most {result['most_digests_per_person']} "
        f"a person); a second run {result['second_run_seconds']} s writing "
        f"{result['second_run_notifications']} reminders and {result['second_run_digests']} "
        f"digests. Target < {TARGET_SECONDS:g} s ({basis}): "
        f"{'PASS' if result['passed'] else 'FAIL'}."
    )
    return result
