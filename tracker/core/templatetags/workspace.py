"""Links that stay within the page's agreement (tracker.core.workspace)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from tracker.core.workspace import Workspace

register = template.Library()


@register.simple_tag(takes_context=True)
def workspace_url(context: template.Context, name: str, *args, **query) -> str:
    """``{% workspace_url "milestones:list" schedule="overdue" %}``: the URL `name` (with
    `args`), its query `query`, and with several agreements the page's ``agreement``, so the
    link opens the same agreement's page. With one agreement it is ``{% url %}`` plus the
    query."""
    workspace = context.get("workspace")
    if not isinstance(workspace, Workspace):
        # A page outside any workspace: the URL and its query, as they are.
        workspace = None
    path = reverse(name, args=args)
    if workspace is None:
        return Workspace.plain_url(path, query)
    return workspace.url(path, query)
