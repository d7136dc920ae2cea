import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import make_milestone
from tests.monitoring.conftest import make_check
from tracker.core.models import Evidence
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck

HTMX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


def _data(provision, **overrides) -> dict:
    data = {
        "provision": provision.pk,
        "milestone": "",
        "criterion": "Community consultation held",
        "criterion_uk": "Проведено консультації з громадою",
        "checked_on": "2026-11-02",
        "result": "non_compliant",
        "severity": "major",
        "finding": "No consultation was held before the licence was granted.",
        "follows_up": "",
    }
    return {**data, **overrides}


def test_monitor_sees_the_form_started_on_a_provision(login, monitor, provision, other_provision):
    make_milestone(provision, "UA", title="Own milestone")
    make_milestone(other_provision, "UA", title="Foreign milestone")

    response = login(monitor).get(f"/checks/new/?provision={provision.pk}")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page
    assert f'<option value="{provision.pk}" selected>' in page
    assert "Own milestone" in page
    assert "Foreign milestone" not in page


def test_choosing_a_provision_with_htmx_returns_its_milestones_only(
    login, monitor, provision, other_provision
):
    make_milestone(provision, "UA", title="Own milestone")
    make_milestone(other_provision, "UA", title="Foreign milestone")

    response = login(monitor).get(f"/checks/new/?provision={other_provision.pk}", **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="linked-fields"')
    assert "Foreign milestone" in body
    assert "Own milestone" not in body


def test_follow_up_link_prefills_the_earlier_check(login, monitor, check):
    response = login(monitor).get(f"/checks/new/?follows_up={check.pk}")
    form = response.context["form"]
    assert form.initial["provision"] == check.provision_id
    assert form.initial["criterion"] == check.criterion
    assert form.initial["follows_up"] == check.pk


def test_monitor_records_a_non_compliant_check_with_evidence_and_an_action(
    login, monitor, provision, milestone_ua
):
    data = _data(
        provision,
        milestone=milestone_ua.pk,
        action_description="Hold the consultation and publish its minutes",
        action_owner_party="UA",
        action_due_date="2027-01-31",
        evidence=[
            SimpleUploadedFile("report.pdf", PDF, "application/pdf"),
            SimpleUploadedFile("notes.txt", b"Site visit notes", "text/plain"),
        ],
    )

    response = login(monitor).post("/checks/new/", data)

    check = MonitoringCheck.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/checks/{check.pk}/"
    assert (check.monitor, check.milestone, check.result, check.severity) == (
        monitor,
        milestone_ua,
        "non_compliant",
        "major",
    )
    assert sorted(check.evidence.values_list("original_name", flat=True)) == [
        "notes.txt",
        "report.pdf",
    ]
    action = check.corrective_actions.get()
    assert (action.owner_party, action.due_date, action.state) == (
        "UA",
        datetime.date(2027, 1, 31),
        "open",
    )
    assert check.history.earliest().history_user == monitor


def test_htmx_post_is_redirected_by_header(login, monitor, provision):
    response = login(monitor).post("/checks/new/", _data(provision), **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/checks/{MonitoringCheck.objects.get().pk}/"


def test_non_compliance_without_severity_is_refused_beside_the_field(login, monitor, provision):
    response = login(monitor).post("/checks/new/", _data(provision, severity=""))

    assert response.status_code == 400
    assert response.context["form"].errors["severity"] == [
        "Choose a severity: a partially compliant or non-compliant result needs one."
    ]
    assert "Community consultation held" in response.content.decode()
    assert not MonitoringCheck.objects.exists()


def test_compliant_result_with_a_severity_is_refused(login, monitor, provision):
    response = login(monitor).post(
        "/checks/new/", _data(provision, result="compliant", severity="minor")
    )

    assert response.status_code == 400
    assert "Leave severity empty" in response.context["form"].errors["severity"][0]
    assert not MonitoringCheck.objects.exists()


def test_milestone_of_another_provision_is_refused(login, monitor, provision, other_provision):
    foreign = make_milestone(other_provision, "UA")

    response = login(monitor).post("/checks/new/", _data(provision, milestone=foreign.pk))

    assert response.status_code == 400
    assert "belongs to another provision" in response.context["form"].errors["milestone"][0]
    assert not MonitoringCheck.objects.exists()


def test_follow_up_of_another_provisions_check_is_refused(
    login, monitor, provision, other_provision
):
    foreign = make_check(other_provision, monitor)

    response = login(monitor).post("/checks/new/", _data(provision, follows_up=foreign.pk))

    assert response.status_code == 400
    assert "same provision" in response.context["form"].errors["follows_up"][0]
    assert MonitoringCheck.objects.count() == 1


def test_follow_up_dated_before_the_earlier_check_is_refused(login, monitor, check):
    response = login(monitor).post(
        "/checks/new/",
        _data(check.provision, follows_up=check.pk, checked_on="2025-12-01"),
    )
    assert response.status_code == 400
    assert "cannot be dated before" in response.context["form"].errors["follows_up"][0]


def test_check_dated_in_the_future_is_refused(login, monitor, provision):
    later = timezone.localdate() + datetime.timedelta(days=1)
    response = login(monitor).post("/checks/new/", _data(provision, checked_on=later.isoformat()))
    assert response.status_code == 400
    assert response.context["form"].errors["checked_on"]


def test_evidence_of_a_refused_type_saves_nothing(login, monitor, provision):
    page = SimpleUploadedFile("page.txt", b"<html><script>alert(1)</script>", "text/plain")

    response = login(monitor).post("/checks/new/", _data(provision, evidence=[page]))

    assert response.status_code == 400
    assert "not an allowed type" in response.context["form"].errors["evidence"][0]
    assert not MonitoringCheck.objects.exists()
    assert not Evidence.objects.exists()


def test_half_filled_corrective_action_asks_for_the_rest(login, monitor, provision):
    response = login(monitor).post(
        "/checks/new/", _data(provision, action_description="Publish the minutes")
    )

    errors = response.context["form"].errors
    assert response.status_code == 400
    assert errors["action_owner_party"] == ["Needed for the corrective action."]
    assert errors["action_due_date"] == ["Needed for the corrective action."]
    assert not CorrectiveAction.objects.exists()


def test_action_due_before_the_check_is_refused(login, monitor, provision):
    response = login(monitor).post(
        "/checks/new/",
        _data(
            provision,
            action_description="Publish",
            action_owner_party="UA",
            action_due_date="2026-10-01",
        ),
    )
    assert response.status_code == 400
    assert "cannot be before the check" in response.context["form"].errors["action_due_date"][0]
    assert not MonitoringCheck.objects.exists()


def test_member_cannot_open_the_form(login, member_ua):
    assert login(member_ua).get("/checks/new/").status_code == 403


def test_co_chair_cannot_record_a_check(login, chair_us, provision):
    response = login(chair_us).post("/checks/new/", _data(provision))
    assert response.status_code == 403
    assert not MonitoringCheck.objects.exists()


def test_create_answers_put_with_405(login, monitor):
    assert login(monitor).put("/checks/new/").status_code == 405


def test_htmx_invalid_post_returns_the_form_fragment(login, monitor, provision):
    response = login(monitor).post("/checks/new/", _data(provision, criterion=""), **HTMX)
    body = response.content.decode()
    assert response.status_code == 400
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="check-form"')
    assert not MonitoringCheck.objects.exists()


def _pdfs(count: int) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"{n}.pdf", PDF, "application/pdf") for n in range(count)]


def test_more_than_ten_files_in_one_check_are_refused_beside_the_field(login, monitor, provision):
    response = login(monitor).post("/checks/new/", _data(provision, evidence=_pdfs(11)))

    assert response.status_code == 400
    assert response.context["form"].errors["evidence"] == ["Attach at most 10 files at once."]
    assert "Community consultation held" in response.content.decode()  # what was typed stays
    assert not MonitoringCheck.objects.exists()
    assert not Evidence.objects.exists()


def test_ten_files_in_one_check_are_accepted(login, monitor, provision):
    response = login(monitor).post("/checks/new/", _data(provision, evidence=_pdfs(10)))

    assert response.status_code == 302
    assert MonitoringCheck.objects.get().evidence.count() == 10


def test_files_over_the_total_of_one_request_are_refused(login, monitor, provision, settings):
    settings.EVIDENCE_MAX_REQUEST_BYTES = 2 * len(PDF)

    response = login(monitor).post("/checks/new/", _data(provision, evidence=_pdfs(3)))

    assert response.status_code == 400
    [message] = response.context["form"].errors["evidence"]
    assert "come to" in message and "one upload may hold at most" in message
    assert not Evidence.objects.exists()


def test_correcting_a_check_caps_its_new_files_too(login, monitor, provision):
    check = make_check(provision, monitor)
    response = login(monitor).post(
        f"/checks/{check.pk}/edit/",
        {**_data(provision, criterion=check.criterion), "evidence": _pdfs(11)},
    )

    assert response.status_code == 400
    assert not Evidence.objects.exists()


def test_the_service_refuses_too_many_files_whatever_the_form(monitor, provision):
    from django.core.exceptions import ValidationError

    from tracker.monitoring import services

    fields = {
        "provision": provision,
        "criterion": "Consultation",
        "checked_on": timezone.localdate(),
        "result": "compliant",
    }
    try:
        services.record_check(monitor, fields, _pdfs(11))
    except ValidationError as error:
        assert error.message_dict == {"evidence": ["Attach at most 10 files at once."]}
    else:
        raise AssertionError("eleven files were accepted")
    assert not MonitoringCheck.objects.exists()
    assert not Evidence.objects.exists()


def test_django_refuses_a_request_with_far_too_many_files(login, monitor, provision):
    response = login(monitor).post("/checks/new/", _data(provision, evidence=_pdfs(30)))

    assert response.status_code == 400
    assert not MonitoringCheck.objects.exists()
    assert not Evidence.objects.exists()
