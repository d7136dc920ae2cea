"""System checks of the accounts settings (run by every manage.py command and at start)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from tracker.accounts.models import Role


def mfa_required_roles(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A misspelt role in MFA_REQUIRED_ROLES would silently require nothing of that role."""
    unknown = sorted(set(settings.MFA_REQUIRED_ROLES) - set(Role.values))
    if not unknown:
        return []
    return [
        checks.Error(
            f"MFA_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}.",
            hint=f"Use role codes separated by commas: {', '.join(Role.values)}.",
            id="tracker.accounts.E001",
        )
    ]


def register() -> None:
    checks.register(mfa_required_roles, checks.Tags.security)
