"""Provision assessments: a co-chair records how far a provision is implemented.

The level derived from milestones is arithmetic; an assessment is a delegation's judgement
(0–3 on the same scale, with the reasoning). Each assessment is stored with the co-chair's
party, so both delegations' latest views stand side by side on the provision page, and the
model's history keeps every one of them.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext

from tracker.accounts.models import User
from tracker.core.models import Provision, ProvisionAssessment

#: How many assessments the provision page lists, newest first.
LATEST_ASSESSMENTS = 6


def latest_assessments(provision: Provision) -> QuerySet[ProvisionAssessment]:
    return provision.assessments.select_related("assessed_by").order_by("-assessed_at", "-id")[
        :LATEST_ASSESSMENTS
    ]


@transaction.atomic
def record_assessment(
    provision: Provision, user: User, level: int, note: str
) -> ProvisionAssessment:
    """The one place an assessment is written; it speaks for the co-chair's party."""
    assessment = ProvisionAssessment(
        provision=provision, assessed_by=user, party=user.party, level=level, note=note
    )
    assessment._change_reason = gettext("Provision assessed")
    assessment.save()
    return assessment
