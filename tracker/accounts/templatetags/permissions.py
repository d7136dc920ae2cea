from django import template

from tracker.accounts import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action: str, *objects) -> bool:
    """``{% can "update_milestone" milestone as allowed %}`` — the server's own predicate."""
    predicate = getattr(permissions, f"can_{action}")
    return predicate(context["request"].user, *objects)
