"""Rate limits kept in the database, so that every app server counts the same requests.

A limit is a scope ("password-reset-address"), the thing counted (an address, a client IP)
and how many requests a window allows. `allow` records a request only when every limit it is
checked against still has room, so a refused request does not push the wait further.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tracker.accounts.models import RateLimitHit


@dataclass(frozen=True)
class Limit:
    scope: str
    key: str
    count: int
    window: datetime.timedelta

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.scope}:{self.key}".encode()).hexdigest()


@transaction.atomic
def allow(*limits: Limit, at: datetime.datetime | None = None) -> bool:
    """Whether the request fits every limit; if it does, it is counted against each."""
    at = at or timezone.now()
    for limit in limits:
        RateLimitHit.objects.filter(scope=limit.scope, at__lte=at - limit.window).delete()
    for limit in limits:
        recent = RateLimitHit.objects.filter(
            scope=limit.scope, key=limit.digest, at__gt=at - limit.window
        ).count()
        if recent >= limit.count:
            return False
    RateLimitHit.objects.bulk_create(
        RateLimitHit(scope=limit.scope, key=limit.digest, at=at) for limit in limits
    )
    return True
