from django import template
from django.utils.translation import gettext as _

from tracker.core.templatetags.tracker import badge
from tracker.monitoring.queries import result_label

register = template.Library()


@register.simple_tag
def compliance_badge(result: str | None) -> str:
    """The badge of a provision's compliance state (``with_compliance``'s annotation)."""
    if not result:
        return badge("not_checked", _("Not checked"))
    return badge(result, result_label(result))
