from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvisionsConfig(AppConfig):
    """The provision pages: each commitment with its milestones, checks and disputes.

    No models of its own: provisions and assessments are `core` models (every app points at
    them), and this app sits above the domain apps whose sections it puts on one page.
    """

    name = "tracker.provisions"
    verbose_name = _("Provision pages")
