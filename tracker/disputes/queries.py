"""Read-side queries of disputes shared by provision pages, the dashboard and reports."""

from django.db.models import QuerySet

from tracker.core.models import Provision
from tracker.disputes.models import Dispute


def provision_disputes(provision: Provision) -> QuerySet[Dispute]:
    return provision.disputes.order_by("-raised_on", "-id")
