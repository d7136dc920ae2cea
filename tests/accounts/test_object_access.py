"""The `get_<thing>_for_user` helpers of the views: the object for a user who may read it,
403 for anyone else (before looking the object up), 404 when it does not exist or is a
task-force record and the user an observer."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.disputes.conftest import make_dispute
from tests.monitoring.conftest import make_action, make_check
from tracker.disputes.views import get_dispute_for_user
from tracker.milestones.views import get_milestone_for_user
from tracker.monitoring.views import get_action_for_user, get_check_for_user

READERS = ["chair_us", "member_ua", "monitor", "observer", "staff_admin"]


@pytest.fixture
def objects(milestone_ua, provision, monitor, member_us):
    check = make_check(provision, monitor)
    return {
        get_milestone_for_user: milestone_ua,
        get_check_for_user: check,
        get_action_for_user: make_action(check),
        get_dispute_for_user: make_dispute(member_us, provision),
    }


HELPERS = [get_milestone_for_user, get_check_for_user, get_action_for_user, get_dispute_for_user]
IDS = [helper.__name__ for helper in HELPERS]


# Observers read every milestone, and only public checks, actions and disputes (below).
PAIRS = [
    (helper, reader)
    for helper in HELPERS
    for reader in READERS
    if reader != "observer" or helper is get_milestone_for_user
]


@pytest.mark.parametrize(
    ("helper", "reader"), PAIRS, ids=[f"{reader}-{helper.__name__}" for helper, reader in PAIRS]
)
def test_every_role_gets_the_object(request, objects, helper, reader):
    user = request.getfixturevalue(reader)

    assert helper(user, objects[helper].pk) == objects[helper]


@pytest.mark.parametrize("helper", HELPERS[1:], ids=IDS[1:])
def test_an_observer_gets_404_for_a_task_force_record_and_the_public_one(objects, observer, helper):
    record = objects[helper]
    with pytest.raises(Http404):
        helper(observer, record.pk)
    type(record).objects.filter(pk=record.pk).update(visibility="public")
    if helper is get_action_for_user:  # an action is public only with its check
        type(record.check_record).objects.filter(pk=record.check_record_id).update(
            visibility="public"
        )
    assert helper(observer, record.pk) == record


@pytest.mark.parametrize("helper", HELPERS, ids=IDS)
def test_a_user_without_a_role_is_refused(objects, outsider, helper):
    with pytest.raises(PermissionDenied):
        helper(outsider, objects[helper].pk)


@pytest.mark.parametrize("helper", HELPERS, ids=IDS)
def test_a_disabled_account_is_refused(objects, observer, helper):
    observer.is_active = False

    with pytest.raises(PermissionDenied):
        helper(observer, objects[helper].pk)


@pytest.mark.parametrize("helper", HELPERS, ids=IDS)
def test_a_missing_object_is_404(objects, observer, helper):
    with pytest.raises(Http404):
        helper(observer, objects[helper].pk + 1000)


@pytest.mark.parametrize("helper", HELPERS, ids=IDS)
def test_a_refused_user_learns_nothing_of_whether_the_object_exists(
    objects, outsider, helper, django_assert_num_queries
):
    with django_assert_num_queries(0), pytest.raises(PermissionDenied):
        helper(outsider, objects[helper].pk + 1000)
