"""The list toolkit of tracker.core: sorting, paging, the field template, the date input."""

from __future__ import annotations

import re

import django_filters
import pytest
from django import forms
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.template.loader import render_to_string
from django.test import RequestFactory

from tests.monitoring.conftest import make_check
from tracker.core.filters import ListFilterSet
from tracker.core.forms import DateInput, FilterForm
from tracker.core.models import Category, Provision
from tracker.core.paging import page_links
from tracker.core.sorting import SortFilter, SortHeader, column_headers, sort_headers
from tracker.disputes.filters import DisputeFilter
from tracker.milestones.filters import ActivityFilter, MilestoneFilter
from tracker.monitoring.filters import CheckFilter
from tracker.monitoring.forms import ActionForm, CheckForm, NewCheckForm
from tracker.provisions.filters import ProvisionFilter
from tracker.reports.forms import ReportFilterForm

FILTERSETS = [MilestoneFilter, ActivityFilter, ProvisionFilter, CheckFilter, DisputeFilter]

# Categories in an order that is not the alphabet of their codes.
CATEGORY_ORDER = Case(
    When(category=Category.OVERSIGHT, then=Value(0)),
    When(category=Category.GEOLOGICAL_SURVEY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


class ProvisionSort(ListFilterSet):
    responsible_party = django_filters.ChoiceFilter(choices=[("US", "US"), ("UA", "UA")])
    sort = SortFilter(
        fields=(("reference", "reference"), ("title", "title"), ("category", "category")),
        field_labels={"reference": "Reference", "title": "Title", "category": "Category"},
        orderings={"category": CATEGORY_ORDER},
        default="-reference",
    )

    class Meta(ListFilterSet.Meta):
        model = Provision
        fields: list[str] = []


@pytest.fixture
def provisions(agreement):
    rows = [
        ("P-01", "Bravo", Category.GEOLOGICAL_SURVEY, "US"),
        ("P-02", "Alpha", Category.OVERSIGHT, "UA"),
        ("P-03", "Alpha", Category.CAPACITY, "UA"),
        ("P-04", "Charlie", Category.OVERSIGHT, "US"),
    ]
    for reference, title, category, party in rows:
        Provision.objects.create(
            agreement=agreement,
            reference=reference,
            title=title,
            category=category,
            responsible_party=party,
        )


def filtered(query: str = "") -> ProvisionSort:
    request = RequestFactory().get(f"/provisions/?{query}")
    return ProvisionSort(request.GET, queryset=Provision.objects.all(), request=request)


def references(filterset: ProvisionSort) -> list[str]:
    return [provision.reference for provision in filterset.qs]


# --- sorting -----------------------------------------------------------------------------


def test_without_a_sort_the_list_takes_its_default_order(provisions):
    assert references(filtered()) == ["P-04", "P-03", "P-02", "P-01"]


def test_an_unknown_sort_gives_the_default_order_not_an_error(provisions):
    assert references(filtered("sort=password")) == ["P-04", "P-03", "P-02", "P-01"]
    assert references(filtered("sort=title;drop")) == ["P-04", "P-03", "P-02", "P-01"]


def test_rows_that_tie_keep_a_stable_order_both_ways(provisions):
    # P-02 and P-03 share their title; the id breaks the tie whatever the direction.
    assert references(filtered("sort=title")) == ["P-02", "P-03", "P-01", "P-04"]
    assert references(filtered("sort=-title")) == ["P-04", "P-01", "P-02", "P-03"]


def test_an_expression_sorts_a_column_both_ways(provisions):
    assert references(filtered("sort=category")) == ["P-02", "P-04", "P-01", "P-03"]
    assert references(filtered("sort=-category")) == ["P-03", "P-01", "P-02", "P-04"]


def test_headers_link_to_the_next_order_and_keep_the_filters(provisions):
    headers = sort_headers(filtered("responsible_party=UA&page=3&sort=title"))

    title = headers["title"]
    assert title.label == "Title"
    assert title.aria_sort == "ascending"
    assert title.arrow == "▲"
    # The next click reverses the order and starts again on page one.
    assert title.url == "/provisions/?responsible_party=UA&sort=-title"
    assert headers["reference"].url == "/provisions/?responsible_party=UA&sort=reference"
    assert headers["reference"].aria_sort == ""
    assert headers["reference"].arrow == "↕"
    assert headers.sort_value == "title"


@pytest.mark.parametrize("query", ["", "sort=password"])
def test_headers_mark_the_default_order_when_the_url_asks_for_none(provisions, query):
    headers = sort_headers(filtered(query))

    assert headers["reference"].aria_sort == "descending"
    assert headers["reference"].url == "/provisions/?sort=reference"
    assert headers["title"].aria_sort == ""
    # The filter form's hidden input carries no sort along, not even the unknown one.
    assert headers.sort_value == ""


def test_column_headers_are_labels_without_links():
    headers = column_headers(ProvisionSort)
    assert list(headers) == ["reference", "title", "category"]
    assert headers["title"] == SortHeader("Title")


def test_every_list_sorts_with_the_same_parameter():
    for filterset in (MilestoneFilter, ProvisionFilter, CheckFilter, DisputeFilter):
        assert isinstance(filterset.base_filters["sort"], SortFilter)
        assert not any(isinstance(f, SortFilter) for f in ActivityFilter.base_filters.values())


# --- the sort header partial ---------------------------------------------------------------


def test_sort_header_is_a_plain_link_with_the_order_for_assistive_technology():
    header = SortHeader("Due", "/milestones/?sort=-due", "ascending")
    html = render_to_string("partials/sort_header.html", {"header": header, "numeric": True})

    assert html.strip() == (
        '<th scope="col" class="sortable num" aria-sort="ascending">'
        '<a href="/milestones/?sort=-due" hx-get="/milestones/?sort=-due">Due'
        '<span class="sort-arrow" aria-hidden="true">▲</span></a></th>'
    )


def test_a_header_without_a_link_is_only_its_label():
    html = render_to_string("partials/sort_header.html", {"header": SortHeader("Due")})
    assert html.strip() == '<th scope="col">Due</th>'


# --- paging ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pages", "number", "expected"),
    [
        (3, 2, [1, 2, 3]),
        (20, 1, [1, 2, 3, None, 20]),
        (20, 10, [1, None, 8, 9, 10, 11, 12, None, 20]),
        (20, 20, [1, None, 18, 19, 20]),
        (7, 4, [1, 2, 3, 4, 5, 6, 7]),
    ],
)
def test_page_links_give_the_first_the_last_and_the_neighbours(pages, number, expected):
    request = RequestFactory().get("/checks/?result=compliant&page=4")
    page = Paginator(range(pages * 10), 10).page(number)

    links = page_links(page, request)

    assert [link.number for link in links.pages] == expected
    assert [link.number for link in links.pages if link.current] == [number]
    for link in links.pages:
        if link.number is None:
            assert link.url == ""
        else:
            assert link.url == f"/checks/?result=compliant&page={link.number}"
    assert links.previous == (f"/checks/?result=compliant&page={number - 1}" if number > 1 else "")
    assert links.next == (f"/checks/?result=compliant&page={number + 1}" if number < pages else "")


def render_pages(query: str, count: int, number: int, **extra) -> str:
    request = RequestFactory().get(f"/checks/?{query}")
    page = Paginator(range(count), 50).page(number)
    return render_to_string("partials/pagination.html", {"page": page, **extra}, request)


def test_pagination_offers_numbered_pages_and_marks_the_current_one():
    html = render_pages("result=compliant&sort=criterion&page=3", 50 * 9, 3)

    links = re.findall(r'<a [^>]*href="([^"]*)"[^>]*>([^<]*)</a>', html)
    assert ("/checks/?result=compliant&amp;sort=criterion&amp;page=2", "Previous") in links
    assert ("/checks/?result=compliant&amp;sort=criterion&amp;page=4", "Next") in links
    assert [text for _href, text in links] == [
        "Previous",
        *("1", "2", "3", "4", "5"),
        "9",
        "Next",
    ]
    current = re.findall(r"<a [^>]*aria-current=\"page\"[^>]*>", html)
    assert len(current) == 1 and 'aria-label="Page 3"' in current[0]
    assert '<span class="pagination-gap">…</span>' in html
    assert "Page 3 of 9" in html
    # Plain links: htmx takes its target, swap and history from the list's container.
    for link in re.findall(r"<a [^>]*>", html):
        assert "hx-get=" in link and "hx-target" not in link and "hx-push-url" not in link


def test_first_and_last_pages_have_no_step_beyond_them():
    first = render_pages("", 120, 1)
    last = render_pages("page=3", 120, 3)

    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_one_page_needs_no_pagination():
    assert render_pages("", 50, 1).strip() == ""


def test_a_log_names_its_steps_newer_and_older():
    html = render_pages("page=2", 120, 2, previous_label="Newer", next_label="Older")
    assert 'rel="prev">Newer</a>' in html and 'rel="next">Older</a>' in html


# --- the field template ------------------------------------------------------------------


class SampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the passport.")
    nickname = forms.CharField(label="Nickname", required=False)
    agree = forms.BooleanField(label="I agree", required=False)
    colour = forms.ChoiceField(
        label="Colour", choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)


class SampleFilterForm(FilterForm, SampleForm):
    pass


def test_field_group_puts_label_help_field_and_error_in_order():
    form = SampleForm(data={"name": ""})
    html = form["name"].as_field_group()

    assert '<div class="field field-error">' in html
    label = html.index('<label for="id_name">Name</label>')
    help_text = html.index('<p class="help" id="id_name_helptext">As on the passport.</p>')
    field = html.index('<input type="text" name="name"')
    error = html.index('<p class="error" id="id_name_error">This field is required.</p>')
    assert label < help_text < field < error
    # Django points the field at its help and its error.
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'aria-invalid="true"' in html


def test_optional_fields_say_so_except_in_a_filter_form():
    assert '<span class="optional">(optional)</span>' in SampleForm()["nickname"].as_field_group()
    assert "optional" not in SampleForm()["name"].as_field_group()
    assert "optional" not in SampleFilterForm()["nickname"].as_field_group()


def test_a_checkbox_sits_inside_its_label():
    html = SampleForm()["agree"].as_field_group()
    assert '<div class="field field-checkbox">' in html
    assert re.search(r'<label for="id_agree"><input type="checkbox"[^>]*> I agree</label>', html)


def test_a_group_of_radios_is_a_fieldset_with_a_legend():
    html = SampleForm(data={})["colour"].as_field_group()
    assert html.lstrip().startswith('<fieldset class="field fieldset field-error"')
    assert 'aria-describedby="id_colour_error"' in html
    assert "<legend>Colour</legend>" in html
    assert '<p class="error" id="id_colour_error">' in html


def test_a_hidden_field_is_only_its_input():
    assert SampleForm()["token"].as_field_group().strip().startswith('<input type="hidden"')


# --- filter forms and date inputs --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("filterset", FILTERSETS)
def test_every_list_filters_through_a_filter_form(filterset):
    form = filterset(data={}).form
    assert isinstance(form, FilterForm)
    assert "(optional)" not in "".join(field.as_field_group() for field in form)


@pytest.mark.django_db
def test_every_date_field_uses_the_one_date_input(monitor, provision):
    check = make_check(provision, monitor)
    forms_with_dates = [
        *(filterset(data={}).form for filterset in FILTERSETS),
        NewCheckForm(),
        CheckForm(instance=check),
        ActionForm(check=check),
        ReportFilterForm(),
    ]
    date_fields = [
        (type(form).__name__, name, field)
        for form in forms_with_dates
        for name, field in form.fields.items()
        if isinstance(field, forms.DateField)
    ]
    assert len(date_fields) >= 9
    for form_name, name, field in date_fields:
        assert isinstance(field.widget, DateInput), f"{form_name}.{name}"
    html = ReportFilterForm(data={"as_of": "2026-01-01"})["as_of"].as_widget()
    assert 'type="date"' in html and 'value="2026-01-01"' in html
