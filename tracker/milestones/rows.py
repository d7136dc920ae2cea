"""What the shared milestone row partial needs, for every page that shows milestone rows.

The row lives in ``milestones/milestone_list.html#row``; the milestone list and the provision
page render it with the same inline update form, and the update views re-render it alone.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from tracker.milestones.filters import MilestoneFilter
from tracker.milestones.models import Milestone
from tracker.milestones.queries import StatusCounts, status_counts


def row_context(request: HttpRequest, next_url: str | None = None) -> dict:
    """Values every row reads, computed once per page instead of once per row."""
    return {
        "today": timezone.localdate(),
        # Where a plain (no-JavaScript) inline update returns to: the page it came from.
        "next_url": next_url if next_url is not None else request.get_full_path(),
        "row_input": None,
        "row_errors": (),
        "row_error_fields": (),
        "conflict": None,
        "row_saved": False,
    }


def safe_next(request: HttpRequest) -> str:
    """The posted `next` if it is a path on this site, else an empty string."""
    candidate = request.POST.get("next", "")
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def counters_for(request: HttpRequest, page_url: str) -> tuple[StatusCounts | None, bool]:
    """The counters of the page a row was updated on, and whether they count filter matches.

    The row form carries its page's URL, so an inline update refreshes the counters for exactly
    what that page shows: the filtered list, or one provision's milestones.
    """
    if not page_url:
        return None, False
    parts = urlsplit(page_url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None, False
    if match.view_name == "milestones:list":
        milestone_filter = MilestoneFilter(
            QueryDict(parts.query), queryset=Milestone.objects.all(), request=request
        )
        return status_counts(milestone_filter.qs), True
    if match.view_name == "provision_detail":
        return status_counts(Milestone.objects.filter(provision_id=match.kwargs["pk"])), False
    return None, False
