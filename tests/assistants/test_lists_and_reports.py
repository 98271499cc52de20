"""Targets, programmes, proposals, exports that honour filters, the monthly report."""

import datetime
import io

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from assistants import programmes, selectors, services
from assistants.models import CoachingTarget, FinancingProposal, Programme
from tests.assistants.factories import CoachingTargetFactory, CoachingVisitFactory, FollowUpFactory
from tests.factories import CooperativeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coached_office(sintang, staf):
    """Hand-counted: in 2026 A has 2 pembinaan visits (coached), B 1 pembinaan + 1
    pemeriksaan (not coached: pemeriksaan does not count), C 3 monev visits (coached),
    D 2 visits in 2025 only (not coached in 2026). C is in another kecamatan."""
    from cooperatives.models import Village

    villages = list(Village.objects.order_by("code"))
    other_district_village = next(v for v in villages if v.district_id != villages[0].district_id)
    a, b, d = (CooperativeFactory(name=n) for n in ("A", "B", "D"))
    c = CooperativeFactory(name="C", village=other_district_village)
    for day in (3, 20):
        CoachingVisitFactory(cooperative=a, visit_date=datetime.date(2026, 2, day))
    CoachingVisitFactory(cooperative=b, visit_date=datetime.date(2026, 2, 1))
    CoachingVisitFactory(cooperative=b, visit_date=datetime.date(2026, 3, 1), kind="pemeriksaan")
    for month in (1, 2, 3):
        CoachingVisitFactory(cooperative=c, visit_date=datetime.date(2026, month, 5), kind="monev")
    for month in (5, 6):
        CoachingVisitFactory(cooperative=d, visit_date=datetime.date(2025, month, 5))
    return {"a": a, "b": b, "c": c, "d": d, "district": villages[0].district, "other_district": other_district_village.district}


def ids_of(subquery):
    return {row["cooperative"] for row in subquery}


def test_coached_cooperatives_by_the_configured_rule(staf, coached_office):
    ids = ids_of(selectors.coached_cooperative_ids(user=staf, year=2026))
    assert ids == {coached_office["a"].pk, coached_office["c"].pk}
    assert ids_of(selectors.coached_cooperative_ids(user=staf, year=2025)) == {coached_office["d"].pk}
    loose = ids_of(selectors.coached_cooperative_ids(user=staf, year=2026, min_visits=1))
    assert loose == {coached_office["a"].pk, coached_office["b"].pk, coached_office["c"].pk}


def test_target_progress_selector_and_page(client_as, staf, coached_office):
    target = CoachingTargetFactory(year=2026, target_count=4)
    summary = programmes.target_progress(target=target, user=staf)
    assert (summary["progress"].coached, summary["progress"].percent, summary["progress"].remaining) == (2, 50, 2)
    assert {row["village__district_id"]: row["coached"] for row in summary["by_district"]} == {
        coached_office["district"].pk: 1, coached_office["other_district"].pk: 1,
    }
    local = CoachingTargetFactory(year=2026, district=coached_office["other_district"], target_count=1)
    assert programmes.target_progress(target=local, user=staf)["progress"].reached is True
    page = client_as(staf).get(reverse("assistants:target_progress", args=[target.pk]))
    assert 'data-testid="coached">2<' in page.content.decode()
    assert 'data-testid="percent">50%<' in page.content.decode()


@override_settings(ASSISTANTS_COACHED_MIN_VISITS=3)
def test_the_coached_rule_follows_settings(staf, coached_office):
    assert ids_of(selectors.coached_cooperative_ids(user=staf, year=2026)) == {coached_office["c"].pk}


def test_a_target_once_per_year_and_kecamatan(client_as, staf, sintang):
    CoachingTargetFactory(year=2026, target_count=150)
    response = client_as(staf).post(reverse("assistants:target_add"), {"year": 2026, "target_count": 10})
    assert response.status_code == 200 and response.context["form"].errors
    assert CoachingTarget.objects.count() == 1
    response = client_as(staf).post(reverse("assistants:target_add"), {"year": 2027, "target_count": 150})
    assert response.status_code == 302 and CoachingTarget.objects.filter(year=2027).exists()


def test_programme_with_participants_and_monitoring_visits(client_as, staf, sintang):
    a, b = CooperativeFactory(), CooperativeFactory()
    client = client_as(staf)
    response = client.post(
        reverse("assistants:programme_add"),
        {"name": "Bantuan sapi", "kind": "bantuan", "aid_kind": "ternak", "funding": "dak", "budget": "400000000",
         "year": 2026, "participants": [a.pk, b.pk]},
    )
    programme = Programme.objects.get(name="Bantuan sapi")
    assert response.status_code == 302
    assert set(programme.cooperatives.all()) == {a, b}
    CoachingVisitFactory(cooperative=a, programme=programme, kind="monev")
    detail = client.get(reverse("assistants:programme_detail", args=[programme.pk]))
    counts = {p.cooperative_id: p.monitoring_visits for p in (row.record for row in detail.context["table"].page.object_list)}
    assert counts == {a.pk: 1, b.pk: 0}
    services.programme_save(programme=programme, add=[b])  # one already in: nothing changes
    assert set(programme.cooperatives.all()) == {a, b}


def test_an_aid_programme_needs_its_aid_kind(client_as, staf, sintang):
    response = client_as(staf).post(
        reverse("assistants:programme_add"), {"name": "Bantuan", "kind": "bantuan", "funding": "apbd", "year": 2026}
    )
    assert response.status_code == 200 and "aid_kind" in response.context["form"].errors
    assert not Programme.objects.exists()


def test_proposal_status_changes_are_kept(client_as, pendamping, office):
    client = client_as(pendamping)
    response = client.post(
        reverse("assistants:proposal_add"),
        {"cooperative": office.mine.pk, "kind": "proposal", "purpose": "Cold storage", "amount": "250000000",
         "lender": "Bank NTB", "status": "draf"},
    )
    proposal = FinancingProposal.objects.get(purpose="Cold storage")
    assert response.status_code == 302 and proposal.assistant == office.me and proposal.created_by == pendamping
    edit = {"cooperative": office.mine.pk, "kind": "proposal", "purpose": "Cold storage", "amount": "250000000",
            "lender": "Bank NTB", "status": "diajukan", "submitted_on": "2026-03-01"}
    client.post(reverse("assistants:proposal_edit", args=[proposal.pk]), edit)
    client.post(reverse("assistants:proposal_edit", args=[proposal.pk]), {**edit, "status": "disetujui", "decided_on": "2026-04-01"})
    history = programmes.proposal_status_history(proposal=proposal)
    assert [h["status"] for h in history] == ["Draf", "Diajukan", "Disetujui"]
    assert all(h["user"] == pendamping for h in history)


def test_a_proposal_decision_needs_its_dates(client_as, pendamping, office):
    response = client_as(pendamping).post(
        reverse("assistants:proposal_add"),
        {"cooperative": office.mine.pk, "kind": "proposal", "purpose": "X", "status": "disetujui"},
    )
    assert response.status_code == 200
    assert {"submitted_on", "decided_on"} <= set(response.context["form"].errors)
    assert not FinancingProposal.objects.filter(purpose="X").exists()


def test_visit_export_honours_filters_and_sorting(client_as, staf, office):
    CoachingVisitFactory(cooperative=office.mine, kind="monev", visit_date=datetime.date(2026, 1, 5), findings="Monev sapi")
    client = client_as(staf)
    csv = client.get(reverse("assistants:visit_list"), {"kind": "monev", "_export": "csv"}).content.decode()
    lines = csv.strip().splitlines()
    assert len(lines) == 2 and "2026-01-05" in lines[1] and "Monev sapi" in lines[1]
    xlsx = client.get(reverse("assistants:visit_list"), {"cooperative": office.other.pk, "_export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 2 and sheet.cell(row=2, column=2).value == office.other.name
    ordered = client.get(reverse("assistants:visit_list"), {"sort": "visit_date"}).context["table"].data
    dates = [v.visit_date for v in ordered]
    assert dates == sorted(dates)


@pytest.mark.parametrize(
    "column", ["visit_date", "cooperative", "district", "kind", "assistant", "followup_count", "-visit_date"]
)
def test_visit_list_sorts_by_every_orderable_column(client_as, staf, office, column):
    assert client_as(staf).get(reverse("assistants:visit_list"), {"sort": column}).status_code == 200


@pytest.mark.parametrize("column", ["action", "cooperative", "district", "owner", "due_date", "status", "is_overdue", "visit"])
def test_followup_list_sorts_by_every_orderable_column(client_as, staf, office, column):
    assert client_as(staf).get(reverse("assistants:followup_list"), {"sort": column}).status_code == 200


def test_followup_export_honours_filters(client_as, staf, office):
    FollowUpFactory(visit=office.my_visit, action="Belum jatuh tempo", due_date=datetime.date.today() + datetime.timedelta(days=5))
    csv = client_as(staf).get(reverse("assistants:followup_list"), {"overdue": "false", "_export": "csv"}).content.decode()
    assert "Belum jatuh tempo" in csv and office.my_followup.action not in csv
    by_owner = client_as(staf).get(reverse("assistants:followup_list"), {"owner": office.someone.user.pk, "_export": "csv"})
    assert office.other.name in by_owner.content.decode() and office.mine.name not in by_owner.content.decode()


def test_an_invalid_filter_shows_errors_and_no_rows(client_as, staf, office):
    response = client_as(staf).get(reverse("assistants:followup_list"), {"due_date_after": "bukan-tanggal"})
    assert response.status_code == 200 and response.context["filter"].form.errors
    assert list(response.context["table"].data) == []


def test_assistant_list_flags_overload(client_as, staf, office, settings):
    from tests.assistants.factories import AssignmentFactory

    settings.ASSISTANTS_MAX_ASSIGNMENTS = 1
    AssignmentFactory(assistant=office.me, cooperative=office.unassigned)
    page = client_as(staf).get(reverse("assistants:assistant_list")).content.decode()
    assert "melebihi batas" in page
    detail = client_as(staf).get(reverse("assistants:assistant_detail", args=[office.me.pk]))
    assert detail.context["overloaded"] is True


def test_monthly_report_groups_visits_and_exports_xlsx(client_as, staf, office):
    CoachingVisitFactory(cooperative=office.mine, assistant=office.me, visit_date=datetime.date(2026, 3, 25), findings="Kedua")
    CoachingVisitFactory(cooperative=office.mine, assistant=office.me, visit_date=datetime.date(2026, 4, 1), findings="Bulan berikutnya")
    client = client_as(staf)
    page = client.get(reverse("assistants:monthly_report"), {"assistant": office.me.pk, "month": "2026-03"})
    html = page.content.decode()
    assert html.count('data-testid="report-group"') == 1
    assert "Kedua" in html and "Pembukuan belum rapi." in html and "Bulan berikutnya" not in html
    assert office.my_followup.action in html
    xlsx = client.get(reverse("assistants:monthly_report"), {"assistant": office.me.pk, "month": "2026-03", "_export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    findings = [sheet.cell(row=r, column=7).value for r in range(6, sheet.max_row + 1)]
    assert sorted(findings) == ["Kedua", "Pembukuan belum rapi."]


def test_monthly_report_xlsx_never_turns_typed_text_into_a_formula(client_as, staf, office):
    findings = '=HYPERLINK("http://jahat.example","klik")'
    CoachingVisitFactory(cooperative=office.mine, assistant=office.me, visit_date=datetime.date(2026, 3, 25), findings=findings)
    xlsx = client_as(staf).get(
        reverse("assistants:monthly_report"), {"assistant": office.me.pk, "month": "2026-03", "_export": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [sheet.cell(row=r, column=7) for r in range(6, sheet.max_row + 1)]
    assert "'" + findings in [cell.value for cell in cells]
    assert all(cell.data_type != "f" for cell in cells)
