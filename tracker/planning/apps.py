from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    """Setting up and re-planning agreements: the agreement, provision and milestone forms
    under /agreements/, and the import of a plan from an XLSX workbook or CSV files.

    It sits with the pages that combine the domain apps: the writes themselves are the
    services of core (agreements, provisions) and milestones; this app holds the pages, the
    permission check core cannot make, and the import, which reads a file into calls of those
    same services. Its one model keeps an upload between its dry run and its confirmation.
    """

    name = "tracker.planning"
    verbose_name = _("Planning")
