import datetime

from tracker.accounts.models import RateLimitHit
from tracker.accounts.ratelimit import Limit, allow

HOUR = datetime.timedelta(hours=1)
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def test_a_limit_allows_its_count_in_a_window_then_refuses(db):
    limit = Limit("test", "someone", 2, HOUR)

    assert allow(limit, at=START)
    assert allow(limit, at=START + datetime.timedelta(minutes=1))
    assert not allow(limit, at=START + datetime.timedelta(minutes=2))
    # A refused request is not counted, so the window ends an hour after the first two.
    assert allow(limit, at=START + HOUR + datetime.timedelta(seconds=1))


def test_every_limit_must_have_room_and_only_then_each_counts(db):
    wide = Limit("client", "10.0.0.1", 10, HOUR)
    narrow = Limit("address", "a@example.org", 1, HOUR)

    assert allow(wide, narrow, at=START)
    assert not allow(wide, narrow, at=START)
    assert RateLimitHit.objects.filter(scope="client").count() == 1


def test_old_requests_are_forgotten(db):
    limit = Limit("test", "someone", 5, HOUR)
    allow(limit, at=START)
    allow(limit, at=START + 2 * HOUR)

    assert RateLimitHit.objects.count() == 1
