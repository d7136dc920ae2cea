"""The concurrency check: its verdicts on made-up outcomes, and a tiny real run on SQLite."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.milestones import services
from tracker.milestones.models import Milestone

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "concurrency_check.py"


def _load_checker():
    spec = importlib.util.spec_from_file_location("concurrency_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["concurrency_check"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


checker = _load_checker()


@pytest.fixture
def cast(db):
    return checker.set_up(clients=2, milestones=2)


def job(number: int, milestone: int = 0, status: str = "on_hold", percent: int = 30):
    return checker.Job(number, milestone, False, status, percent, f"cc-test-{number:04d}")


def accepted(cast, number: int, milestone: int = 0, status="on_hold", percent=30, client=0):
    """Saves the update as the server would and records the 200 it answered."""
    pk = cast.milestone_pks[milestone]
    current = Milestone.objects.get(pk=pk)
    username = cast.usernames[client]
    user = checker_user(username)
    the_job = job(number, milestone, status, percent)
    services.update_progress(
        current,
        user,
        version=current.version,
        status=status,
        percent=percent,
        note=the_job.note,
    )
    return checker.Outcome(the_job, client, username, pk, current.version, False, 1, 200)


def checker_user(username):
    from tracker.accounts.models import User

    return User.objects.get(username=username)


def refused(cast, number: int, version: int, milestone: int = 0, stale=True, status=409):
    pk = cast.milestone_pks[milestone]
    return checker.Outcome(
        job(number, milestone), 1, cast.usernames[1], pk, version, stale, 1, status
    )


def verdict(cast, before, outcomes) -> list[str]:
    run = checker.Run(mode="test", outcomes=outcomes)
    checker.verify(run, cast, before)
    return run.violations


def test_consistent_outcomes_pass(cast):
    before = checker.snapshot()
    outcomes = [
        accepted(cast, 1),
        refused(cast, 2, version=1),
        accepted(cast, 3, status="in_progress", percent=55, client=1),
        accepted(cast, 4, milestone=1),
    ]
    assert verdict(cast, before, outcomes) == []


def test_an_accepted_update_missing_from_the_log_is_a_violation(cast):
    before = checker.snapshot()
    pk = cast.milestone_pks[0]
    ghost = checker.Outcome(job(1), 0, cast.usernames[0], pk, 1, False, 1, 200)
    violations = verdict(cast, before, [ghost])
    assert any("missing from the progress log" in v for v in violations)
    assert any("no history row" in v for v in violations)
    assert any("is at version 1 after 1 accepted" in v for v in violations)


def test_a_stale_version_that_was_accepted_is_a_violation(cast):
    before = checker.snapshot()
    first = accepted(cast, 1)
    second = accepted(cast, 2)
    second.sent_stale = True
    violations = verdict(cast, before, [first, second])
    assert any("stale version 2 was accepted" in v for v in violations)


def test_a_server_error_is_a_violation(cast):
    before = checker.snapshot()
    broken = refused(cast, 1, version=1, stale=False, status=500)
    broken.body = "database is locked"
    violations = verdict(cast, before, [broken])
    assert violations == [
        f"update cc-test-0001 on milestone {cast.milestone_pks[0]} got HTTP 500: "
        "'database is locked'"
    ]


def test_two_accepted_updates_of_the_same_version_are_a_lost_update(cast):
    before = checker.snapshot()
    first = accepted(cast, 1)
    # A second "accepted" answer claiming the same starting version: one write was lost.
    twin = checker.Outcome(job(2), 1, cast.usernames[1], first.milestone_pk, 1, False, 1, 200)
    violations = verdict(cast, before, [first, twin])
    assert any("accepted versions [1, 1] are not 1..2" in v for v in violations)


def test_a_refused_update_that_left_a_trace_is_a_violation(cast):
    before = checker.snapshot()
    sneaky = accepted(cast, 1)
    sneaky.status = 409
    violations = verdict(cast, before, [sneaky])
    assert any("refused update cc-test-0001 is in the progress log" in v for v in violations)
    assert any("refused update cc-test-0001 is in the history" in v for v in violations)


def test_any_other_change_is_a_violation(cast):
    before = checker.snapshot()
    Milestone.objects.filter(pk=cast.milestone_pks[1]).update(title="Changed behind our back")
    violations = verdict(cast, before, [accepted(cast, 1)])
    changed = f"milestone {cast.milestone_pks[1]} changed beyond"
    assert any(v.startswith(changed) for v in violations)


def test_the_final_state_must_be_the_last_accepted_update(cast):
    before = checker.snapshot()
    outcomes = [accepted(cast, 1, percent=20), accepted(cast, 2, percent=40)]
    Milestone.objects.filter(pk=cast.milestone_pks[0]).update(percent_complete=20)
    violations = verdict(cast, before, outcomes)
    assert any("its last accepted update set on_hold 40 %" in v for v in violations)


def test_plan_mixes_fresh_and_stale_versions_and_is_repeatable():
    jobs = checker.plan(200, 10, tag="t", seed=8)
    assert jobs == checker.plan(200, 10, tag="t", seed=8)
    assert 30 < sum(j.stale for j in jobs) < 90
    assert {j.milestone for j in jobs} == set(range(10))
    assert len({j.note for j in jobs}) == 200


@pytest.mark.slow
def test_a_tiny_run_through_gunicorn_on_sqlite_passes():
    # The script makes its own SQLite database and settings.
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    result = subprocess.run(  # noqa: S603 (this project's script)
        [
            sys.executable,
            str(SCRIPT),
            "--sqlite",
            "--sqlite-writers",
            "2",
            "--sqlite-updates",
            "8",
            "--milestones",
            "2",
            "--timeout",
            "90",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[sqlite] 8 updates" in result.stdout
    assert "[sqlite] OK" in result.stdout
