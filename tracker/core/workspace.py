"""Agreement workspaces: each page works within one agreement, and its URL says which.

The tracker may hold several agreements. Every page that shows provisions, milestones, checks,
disputes, activity, the dashboard or the report shows the rows of one of them; a switcher in
the header (templates/partials/workspace_switch.html) moves to another.

Which agreement a page shows, decided here and nowhere else:

1. ``?agreement=<short name>`` in the URL (the parameter is the agreement's slug, so a shared
   link is readable). A short name the tracker does not know answers 404 with a page that
   lists the agreements it does know: a mistyped link is never guessed at and never a 500.
2. Else the agreement last chosen in this session (a URL or a detail page naming one).
3. Else the most recently signed agreement.

With several agreements, a page decorated with `workspace_page` whose URL lacks the
parameter redirects once, on a GET, to the same URL with the parameter added, so the address
bar always names the agreement and a copied link opens the same view in another browser (an
htmx fragment is not redirected: it changes no address, and the lists' filter forms carry the
parameter, templates/partials/workspace_field.html). With one agreement nothing changes: no
parameter, no redirect, no switcher, no session write, and no narrowing condition in the
lists' queries (`Workspace.scope` is None). What a page costs is one small query for the
agreements, with one agreement or many.

Detail pages (a provision, milestone, check or dispute) show the agreement of their object
(`enter`) and, on a GET, remember it, so the navigation's links (which name no agreement)
open that agreement's lists; the switcher there goes to the section's list, and their links
to lists carry the parameter (``{% workspace_url %}`` in
tracker/core/templatetags/workspace.py). The activity feed alone also offers every agreement
at once, ``?agreement=all``; elsewhere "all" is not an agreement's name (a short name may not
be "all": `tracker.core.models.not_reserved`), and asking for it answers 404.

Narrowing goes through one condition, `within(queryset, agreement)`: each model that belongs
to an agreement names its path to it once, as ``agreement_lookup`` (a milestone's is
``"provision__agreement"``), and the list FilterSets (`tracker.core.filters.ListFilterSet`
narrows its queryset and its provision choices), the dashboard and the forms that record a
check or raise a dispute all call it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property, wraps
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from tracker.core.http import wants_partial
from tracker.core.models import ALL_AGREEMENTS, Agreement

if TYPE_CHECKING:
    from django.db.models import Model

PARAM = "agreement"
# `?agreement=all`: every agreement at once, where a page allows it (the activity feed).
ALL = ALL_AGREEMENTS
SESSION_KEY = "tracker_agreement"
# Switching agreements keeps the page and its filters, but not the page number nor the
# filters that name one agreement's rows (a provision, a milestone).
SWITCH_DROPS = frozenset({PARAM, "page", "provision", "milestone"})
# Most recently signed first: the default workspace and the switcher's order.
DIRECTORY_ORDER = ("-signed_on", "short_name")


def directory() -> list[Agreement]:
    """Every agreement, most recently signed first: one query, a handful of rows."""
    return list(Agreement.objects.order_by(*DIRECTORY_ORDER))


def within(
    queryset: QuerySet, agreement: Agreement | str | None, *, each_row: bool = False
) -> QuerySet:
    """The rows of `queryset` that belong to `agreement`, given as an Agreement or its short
    name; None leaves the queryset as it is (one agreement, or all of them).

    The model names the path to its agreement in ``agreement_lookup``. The condition is a
    foreign key ``IN`` the agreement's rows of the next model on the path (a milestone's
    provision among the agreement's provisions), which the database can start from: counts
    and sums over one agreement read only its rows. `each_row` asks instead for a test of
    each row (EXISTS), for a query that reads its rows in the order of an index and stops at
    the first few (the newest progress entries): started from the agreement, it would read
    and sort all of the agreement's rows first.
    """
    if agreement is None:
        return queryset
    lookup = agreement_lookup(queryset.model)
    if lookup is None:
        raise TypeError(f"{queryset.model.__name__} does not belong to an agreement.")
    head, _, rest = lookup.partition("__")
    if not rest:
        # The model's own column: a plain comparison.
        if isinstance(agreement, str):
            return queryset.filter(**{f"{head}__short_name": agreement})
        return queryset.filter(**{head: agreement})
    related = queryset.model._meta.get_field(head).related_model
    rows = within(related._default_manager.all(), agreement)
    if each_row:
        return queryset.filter(Exists(rows.filter(pk=OuterRef(head))))
    return queryset.filter(**{f"{head}__in": rows.values("pk")})


def agreement_lookup(model: type[Model]) -> str | None:
    """The model's path to its agreement, or None for a model that belongs to none."""
    return getattr(model, "agreement_lookup", None)


class Workspace:
    """The agreement one page shows, and the agreements the header's switcher offers.

    `agreements` is read when first needed: a detail page's htmx fragment never draws the
    header, so it never reads them. It keeps what it needs of the request (its path, its
    query and its session), not the request itself: the request holds the workspace, and a
    reference back would leave every request's objects to the cyclic garbage collector.
    """

    def __init__(
        self,
        request: HttpRequest,
        agreement: Agreement | None,
        *,
        agreements: list[Agreement] | None = None,
        everything: bool = False,
        allow_all: bool = False,
        switch_to: str = "",
    ) -> None:
        self.path = request.path
        self.query = request.GET
        self.session = getattr(request, "session", None)
        self.agreement = agreement
        self.everything = everything
        self.allow_all = allow_all
        # The URL name of the list the switcher opens; empty for "this page".
        self.switch_to = switch_to
        if agreements is not None:
            self.__dict__["agreements"] = agreements

    @cached_property
    def agreements(self) -> list[Agreement]:
        return directory()

    @property
    def several(self) -> bool:
        return len(self.agreements) > 1

    @property
    def scope(self) -> Agreement | None:
        """The agreement queries narrow to; None when nothing needs narrowing (the tracker
        holds one agreement, or the page shows all of them)."""
        if self.everything or not self.several:
            return None
        return self.agreement

    @property
    def param(self) -> str:
        """The parameter's value in this page's links: empty with one agreement."""
        if not self.several or (self.agreement is None and not self.everything):
            return ""
        return ALL if self.everything else self.agreement.short_name

    def url(self, path: str, query: dict[str, Any] | None = None) -> str:
        """`path` with `query` and, with several agreements, the workspace's parameter."""
        if self.param:
            query = {**(query or {}), PARAM: self.param}
        return self.plain_url(path, query)

    @staticmethod
    def plain_url(path: str, query: dict[str, Any] | None = None) -> str:
        params = QueryDict(mutable=True)
        for name, value in (query or {}).items():
            params[name] = str(value)
        return f"{path}?{params.urlencode()}" if params else path

    def remember(self) -> None:
        """Keeps the agreement for the next page whose URL names none. Written only with
        several agreements and only when it changes, so reading pages costs no session write."""
        if self.everything or self.agreement is None or not self.several:
            return
        session = self.session
        if session is not None and session.get(SESSION_KEY) != self.agreement.short_name:
            session[SESSION_KEY] = self.agreement.short_name

    # --- The switcher (templates/partials/workspace_switch.html) ---------------------------

    @property
    def switch_action(self) -> str:
        return reverse(self.switch_to) if self.switch_to else self.path

    @property
    def switch_kept(self) -> list[tuple[str, str]]:
        """The current page's parameters the switcher sends again, as hidden inputs."""
        if self.switch_to:
            return []
        return [
            (name, value)
            for name, values in self.query.lists()
            if name not in SWITCH_DROPS
            for value in values
        ]

    @property
    def switch_choices(self) -> list[tuple[str, str, bool]]:
        """(value, label, selected) of each option."""
        current = None if self.everything or self.agreement is None else self.agreement.pk
        return [
            (agreement.short_name, agreement.display_title, agreement.pk == current)
            for agreement in self.agreements
        ]


def _resolve(
    request: HttpRequest, agreements: list[Agreement], *, allow_all: bool
) -> Workspace | None:
    """The workspace the request asks for, None for an unknown short name."""
    by_name = {agreement.short_name: agreement for agreement in agreements}
    asked = request.GET.get(PARAM, "")
    if asked == ALL and allow_all:
        return Workspace(request, None, agreements=agreements, everything=True, allow_all=True)
    if asked:
        if asked not in by_name:
            return None
        return Workspace(request, by_name[asked], agreements=agreements, allow_all=allow_all)
    session = getattr(request, "session", None)
    remembered = by_name.get(session.get(SESSION_KEY, "")) if session is not None else None
    default = remembered or (agreements[0] if agreements else None)
    return Workspace(request, default, agreements=agreements, allow_all=allow_all)


def unknown_agreement(request: HttpRequest, asked: str, agreements: list[Agreement]):
    """404 for a short name the tracker does not know, with links to the ones it does."""
    choices = []
    for agreement in agreements:
        query = request.GET.copy()
        query[PARAM] = agreement.short_name
        query.pop("page", None)
        choices.append((agreement, f"{request.path}?{query.urlencode()}"))
    context = {"asked": asked, "choices": choices}
    return render(request, "core/unknown_agreement.html", context, status=404)


def workspace_page(
    view: Callable[..., HttpResponse] | None = None, *, allow_all: bool = False
) -> Any:
    """Decorates a page that shows one agreement's rows: sets ``request.workspace``.

    An unknown ``?agreement=`` gets 404. With several agreements a GET of the page without
    the parameter is redirected to the same URL with it. `allow_all` lets the page show
    every agreement (``?agreement=all``). Place it under the view's access check, so that a
    visitor who may not read pages learns nothing about agreements.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            agreements = directory()
            workspace = _resolve(request, agreements, allow_all=allow_all)
            if workspace is None:
                return unknown_agreement(request, request.GET[PARAM], agreements)
            if (
                workspace.several
                and not request.GET.get(PARAM)
                and request.method in ("GET", "HEAD")
                # A fragment does not change the address bar (a list's filter form carries
                # the parameter in partials/workspace_field.html).
                and not wants_partial(request)
            ):
                query = request.GET.copy()
                query[PARAM] = workspace.param
                return redirect(f"{request.path}?{query.urlencode()}")
            workspace.remember()
            request.workspace = workspace
            return view(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator


def enter(request: HttpRequest, agreement: Agreement, *, switch_to: str) -> Workspace:
    """The workspace of a detail page: its object's agreement. The switcher on it opens the
    list named `switch_to`. A GET remembers the agreement, so the navigation's links (which
    name none) open this agreement's lists."""
    workspace = Workspace(request, agreement, switch_to=switch_to)
    request.workspace = workspace
    if request.method == "GET":
        workspace.remember()
    return workspace


def current(request: HttpRequest) -> Workspace | None:
    return getattr(request, "workspace", None)


def scope_of(request: HttpRequest | None) -> Agreement | None:
    """The agreement a request's queries narrow to (see `Workspace.scope`)."""
    workspace = current(request) if request is not None else None
    return workspace.scope if workspace is not None else None


def context(request: HttpRequest) -> dict[str, Workspace | None]:
    """Template context processor: ``workspace`` for the header's switcher and the links."""
    return {"workspace": current(request)}
