"""Small display helpers shared by every page."""

import datetime
from functools import lru_cache

from django import template
from django.core.paginator import Page
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import get_language

from tracker.core import paging

register = template.Library()

# A shape beside each badge's word, so status never rests on colour alone.
BADGE_ICONS = {
    # The audit log's chain state and kinds of change ("changed" is the import's, below).
    "intact": "✓",
    "broken": "✗",
    "created": "+",
    "deleted": "−",
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
    # Outcomes of an import's rows (tracker.planning.importing).
    "new": "+",
    "changed": "~",
    "unchanged": "=",
    "error": "!",
    # Outcomes of a two-key proposal (tracker.core.twokey); "open" is above.
    "concurred": "✓✓",
    "rejected": "✕",
    "superseded": "↷",
    # Who may read a record (tracker.core.models.Visibility).
    "task_force": "🔒",
    "public": "◎",
}


@register.simple_tag
def display_date(value: datetime.date | datetime.datetime | None) -> str:
    """`30 Apr 2025` in the active language, with the ISO date for machines.

    The formats are the languages' DATE_FORMAT and DATETIME_FORMAT (tracker/formats).
    """
    if not value:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
        return format_html(
            '<time datetime="{}">{}</time>',
            value.isoformat(timespec="minutes"),
            formats.date_format(value, "DATETIME_FORMAT"),
        )
    return _date_html(get_language() or "", value)


# A date's markup depends only on the language and the date, and a page often shows the
# same dates many times (fifty rows, six lists): each is formatted once. Bounded.
@lru_cache(maxsize=4096)
def _date_html(language: str, value: datetime.date) -> str:
    return format_html(
        '<time datetime="{}">{}</time>',
        value.isoformat(),
        formats.date_format(value, "DATE_FORMAT"),
    )


@register.simple_tag
def badge(code: str, label: str) -> str:
    return format_html(
        '<span class="badge badge-{}"><span aria-hidden="true">{}</span> {}</span>',
        code,
        BADGE_ICONS.get(code, "•"),
        label,
    )


@register.simple_tag(takes_context=True)
def page_links(context, page: Page) -> paging.PageLinks:
    """`{% page_links page as links %}`: the links of partials/pagination.html."""
    return paging.page_links(page, context["request"])
