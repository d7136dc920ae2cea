from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MilestonesConfig(AppConfig):
    name = "tracker.milestones"
    verbose_name = _("Milestones and progress")
