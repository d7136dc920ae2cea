from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from tracker.accounts.access import viewer_required
from tracker.milestones.models import Milestone, ProgressUpdate


@require_GET
@viewer_required
def milestone_list(request: HttpRequest) -> HttpResponse:
    milestones = Milestone.objects.select_related("provision")[:50]
    return render(request, "milestones/milestone_list.html", {"milestones": milestones})


@require_GET
@viewer_required
def milestone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone.objects.select_related("provision"), pk=pk)
    return render(request, "milestones/milestone_detail.html", {"milestone": milestone})


@require_GET
@viewer_required
def activity(request: HttpRequest) -> HttpResponse:
    updates = ProgressUpdate.objects.select_related("milestone", "author")[:50]
    return render(request, "milestones/activity.html", {"updates": updates})
