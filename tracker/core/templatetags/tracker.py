"""Small display helpers shared by every page."""

import datetime

from django import template
from django.utils import formats
from django.utils.html import format_html

register = template.Library()

# A shape beside each badge's word, so status never rests on colour alone.
BADGE_ICONS = {
    "not_started": "○",
    "in_progress": "◐",
    "on_hold": "‖",
    "completed": "●",
    "cancelled": "✕",
    "on_track": "→",
    "due_soon": "◷",
    "overdue": "!",
    "done": "✓",
    "late": "✓",
    "compliant": "✓",
    "partially_compliant": "◐",
    "non_compliant": "✕",
    "not_assessed": "?",
    "not_applicable": "–",
    "raised": "▲",
    "acknowledged": "✓",
    "under_consultation": "…",
    "escalated": "⇑",
    "resolved": "●",
    "withdrawn": "↩",
    "open": "○",
    "major": "!!",
    "minor": "!",
    "observation": "i",
    "verified": "✓",
    "awaiting": "◷",
}


@register.simple_tag
def display_date(value: datetime.date | datetime.datetime | None) -> str:
    """`30 Apr 2025` in the active language, with the ISO date for machines."""
    if not value:
        return "—"
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = timezone.localtime(value)
        return format_html(
            '<time datetime="{}">{}</time>',
            value.isoformat(timespec="minutes"),
            formats.date_format(value, "j M Y, H:i"),
        )
    return format_html(
        '<time datetime="{}">{}</time>', value.isoformat(), formats.date_format(value, "j M Y")
    )


@register.simple_tag
def badge(code: str, label: str) -> str:
    return format_html(
        '<span class="badge badge-{}"><span aria-hidden="true">{}</span> {}</span>',
        code,
        BADGE_ICONS.get(code, "•"),
        label,
    )
