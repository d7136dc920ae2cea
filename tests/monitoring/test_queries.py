import datetime

from tests.monitoring.conftest import make_action, make_check
from tracker.core.models import Provision
from tracker.monitoring.queries import latest_results, with_compliance

JAN, MAR, MAY = (datetime.date(2026, month, 1) for month in (1, 3, 5))


def _latest(provisions=None, **kwargs) -> list[tuple]:
    return [
        (c.provision.reference, c.criterion, c.result) for c in latest_results(provisions, **kwargs)
    ]


def test_latest_result_per_criterion_replaces_earlier_ones(provision, other_provision, monitor):
    make_check(
        provision,
        monitor,
        criterion="Water",
        result="non_compliant",
        severity="major",
        checked_on=JAN,
    )
    make_check(provision, monitor, criterion="Water", result="compliant", checked_on=MAR)
    make_check(
        provision,
        monitor,
        criterion="Air",
        result="partially_compliant",
        severity="minor",
        checked_on=JAN,
    )
    make_check(other_provision, monitor, criterion="Water", result="not_assessed", checked_on=JAN)

    assert _latest() == [
        ("P-01", "Air", "partially_compliant"),
        ("P-01", "Water", "compliant"),
        ("P-07", "Water", "not_assessed"),
    ]
    assert _latest([provision]) == [
        ("P-01", "Air", "partially_compliant"),
        ("P-01", "Water", "compliant"),
    ]
    assert _latest(Provision.objects.filter(reference="P-07")) == [
        ("P-07", "Water", "not_assessed")
    ]


def test_same_day_checks_are_decided_by_the_one_recorded_last(provision, monitor):
    make_check(provision, monitor, criterion="Water", result="compliant", checked_on=MAR)
    make_check(
        provision,
        monitor,
        criterion="Water",
        result="non_compliant",
        severity="minor",
        checked_on=MAR,
    )
    assert _latest() == [("P-01", "Water", "non_compliant")]


def test_latest_as_of_a_date_ignores_later_checks(provision, monitor):
    make_check(
        provision,
        monitor,
        criterion="Water",
        result="non_compliant",
        severity="major",
        checked_on=JAN,
    )
    make_check(provision, monitor, criterion="Water", result="compliant", checked_on=MAY)
    assert _latest(as_of=MAR) == [("P-01", "Water", "non_compliant")]
    assert _latest(as_of=datetime.date(2025, 12, 31)) == []


def test_compliance_of_provisions_is_their_worst_latest_result(
    provision, other_provision, agreement, monitor
):
    Provision.objects.create(
        agreement=agreement,
        reference="P-09",
        title="Unchecked",
        category="capacity_building",
        responsible_party="US",
    )
    make_check(
        provision,
        monitor,
        criterion="Water",
        result="non_compliant",
        severity="major",
        checked_on=JAN,
    )
    fixed = make_check(provision, monitor, criterion="Water", result="compliant", checked_on=MAR)
    partial = make_check(
        provision, monitor, criterion="Air", result="partially_compliant", severity="minor"
    )
    make_action(partial)
    make_action(
        fixed, state="done", closed_by=monitor, closed_at=fixed.created_at, closing_note="ok"
    )
    make_check(other_provision, monitor, criterion="Soil", result="compliant")
    make_check(other_provision, monitor, criterion="Noise", result="not_assessed")

    rows = {p.reference: p for p in with_compliance(Provision.objects.all())}

    assert rows["P-01"].compliance_result == "partially_compliant"
    assert (rows["P-01"].criteria_checked, rows["P-01"].criteria_compliant) == (2, 1)
    assert rows["P-01"].criteria_partially_compliant == 1
    assert rows["P-01"].criteria_non_compliant == 0
    assert rows["P-01"].open_corrective_actions == 1
    assert rows["P-07"].compliance_result == "not_assessed"
    assert rows["P-09"].compliance_result is None
    assert (rows["P-09"].criteria_checked, rows["P-09"].open_corrective_actions) == (0, 0)


def test_compliance_annotation_keeps_the_provision_query_count_fixed(
    provision, monitor, django_assert_num_queries
):
    for number in range(5):
        make_check(provision, monitor, criterion=f"C{number}")
    with django_assert_num_queries(1):
        list(with_compliance(Provision.objects.all()))


def test_provision_page_shows_the_latest_result_of_each_criterion(
    login, staff_admin, provision, monitor
):
    make_check(
        provision,
        monitor,
        criterion="Water",
        result="non_compliant",
        severity="major",
        checked_on=JAN,
    )
    make_check(provision, monitor, criterion="Water", result="compliant", checked_on=MAR)

    response = login(staff_admin).get(f"/provisions/{provision.pk}/")

    page = response.content.decode()
    state = page.split("Compliance state")[1].split("</table>")[0]
    assert "badge-compliant" in state
    assert "badge-non_compliant" not in state
    assert "See all 2 checks of this provision" in page
    overall = page.split("Overall:")[1].split("</p>")[0]
    assert "Compliant" in overall


def test_provision_never_checked_shows_not_checked(login, monitor, provision):
    page = login(monitor).get(f"/provisions/{provision.pk}/").content.decode()
    assert "Not checked" in page.split("Overall:")[1].split("</p>")[0]
