"""The `get_<thing>_for_user` helpers of the views: the object for a user who may read it,
403 for anyone else (before looking the object up), 404 when it does not exist."""

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


@pytest.mark.parametrize("helper", HELPERS, ids=IDS)
@pytest.mark.parametrize("reader", READERS)
def test_every_role_gets_the_object(request, objects, helper, reader):
    user = request.getfixturevalue(reader)

    assert helper(user, objects[helper].pk) == objects[helper]


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
