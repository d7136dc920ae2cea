"""Concurrent writers on PostgreSQL queue at the chain's head: the chain never forks."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from tests.conftest import make_milestone, make_user
from tracker.accounts.models import Role
from tracker.audit.chain import verify_chain
from tracker.audit.models import AuditEntry
from tracker.milestones import services
from tracker.milestones.models import Milestone, Status

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]

WRITERS, UPDATES = 4, 5


def test_concurrent_changes_append_one_unbroken_chain(agreement, provision):
    member = make_user("member-ua", Role.MEMBER, "UA")
    milestones = [make_milestone(provision, "UA", title=f"M{index}") for index in range(WRITERS)]
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(milestone_id: int) -> None:
        try:
            start.wait()
            for percent in range(1, UPDATES + 1):
                milestone = Milestone.objects.get(pk=milestone_id)
                services.update_progress(
                    milestone,
                    member,
                    version=milestone.version,
                    status=Status.IN_PROGRESS,
                    percent=percent * 10,
                    note=f"Step {percent}",
                )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(m.pk,)) for m in milestones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    # Each update: the milestone's change and its progress log entry.
    assert AuditEntry.objects.filter(change_type="~", model="milestones.milestone").count() == (
        WRITERS * UPDATES
    )
    assert verify_chain().ok
