"""Row helpers of the milestone tables, cheap enough to run fifty times a page."""

from __future__ import annotations

import datetime

from django import template

from tracker.core.display import url_for_pk
from tracker.core.templatetags.tracker import badge
from tracker.milestones.filters import parse_sort, sort_headers
from tracker.milestones.models import Milestone, Schedule

register = template.Library()

_URL_NAMES = {
    "detail": "milestones:detail",
    "update": "milestones:update",
    "verify": "milestones:verify",
    "return": "milestones:return",
    "evidence": "milestones:evidence",
}


@register.filter
def milestone_url(pk: int, action: str) -> str:
    """`{{ milestone.pk|milestone_url:"update" }}`: reverse() once, then only the pk changes.

    Reversing a URL for every row of a 50-row table costs more than the rest of the row.
    """
    return url_for_pk(_URL_NAMES[action], pk)


_SCHEDULE_LABELS = dict(Schedule.choices)


@register.simple_tag
def schedule_badge(milestone: Milestone, today: datetime.date | None = None) -> str:
    code = milestone.schedule(today)
    return badge(code, _SCHEDULE_LABELS[code])


@register.simple_tag(takes_context=True)
def milestone_sort_headers(context) -> list[dict]:
    """The column headers of a milestone table, marked with the sort the URL asks for."""
    request = context.get("request")
    sort = request.GET.get("sort") if request is not None else None
    return sort_headers(*parse_sort(sort))
