"""Read-side queries of monitoring checks shared by provision pages, the dashboard and reports."""

from django.db.models import QuerySet

from tracker.core.models import Provision
from tracker.monitoring.models import MonitoringCheck


def provision_checks(provision: Provision) -> QuerySet[MonitoringCheck]:
    return provision.checks.select_related("monitor", "milestone").order_by("-checked_on", "-id")
