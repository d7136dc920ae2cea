from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    """The organisations directory: every stakeholder, the milestones it leads, its people.

    No models of its own: organisations are a `core` model (users and milestones point at
    them), their writes live beside the permissions in tracker.accounts.organisations, and
    this app sits above the domain apps because an organisation's page shows milestones.
    The directory spans every agreement: an organisation outlives any one of them.
    """

    name = "tracker.organisations"
    verbose_name = _("Organisations directory")
