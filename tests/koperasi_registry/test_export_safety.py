"""No spreadsheet the app writes can run what users typed (issue 13, part 6).

Text starting with ``=``, ``+``, ``-`` and ``@`` is seeded in every kind of record (the
assistant's name, the cooperative, its officers, a village and a kecamatan, a visit and
its follow-up, a RAT filing, a programme, a proposal, a target, a health assessment, a
kelompok). Then every list that is a ``FilteredTableView`` (found in the URL conf) is
exported as XLSX and CSV, inline and through the background export job, and so are the
monthly report, the statistics workbook and the import templates. No XLSX cell may be a
formula or text starting with "="; no CSV field may start with a trigger character."""

import csv
import datetime
import io

import pytest
from django.urls import URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from cooperatives.models import District, Kelompok, Village
from koperasi_registry import access
from koperasi_registry.exports import CSV_TRIGGERS, SafeSheet, safe_row
from koperasi_registry.models import ExportJob
from koperasi_registry.views import FilteredTableView
from tests.assistants.factories import (
    AssignmentFactory,
    BusinessAssistantFactory,
    CoachingTargetFactory,
    CoachingVisitFactory,
    FinancingProposalFactory,
    FollowUpFactory,
    ProgrammeFactory,
)
from tests.cooperatives.health_helpers import assess, ksp
from tests.factories import RatFilingFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE_NAME = '=HYPERLINK("http://x","klik")'


def list_view_names() -> list[str]:
    """``namespace:name`` of every URL whose view is a ``FilteredTableView``."""

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
            else:
                view = getattr(pattern.callback, "view_class", None)
                if view and issubclass(view, FilteredTableView):
                    yield namespace + pattern.name

    return sorted(set(walk(get_resolver())))


LIST_VIEWS = list_view_names()


def test_the_walk_finds_the_lists():
    assert {"cooperatives:cooperative_list", "assistants:visit_list", "assistants:followup_list",
            "assistants:assistant_list", "cooperatives:assessment_list"} <= set(LIST_VIEWS)
    assert len(LIST_VIEWS) >= 12


@pytest.fixture
def hostile(sintang):
    """Records whose text fields start with formula triggers, visible to every role."""
    district = District.objects.filter(regency=sintang).order_by("code").first()
    District.objects.filter(pk=district.pk).update(name="=1+1")
    village = Village.objects.filter(district=district).order_by("code").first()
    Village.objects.filter(pk=village.pk).update(name="@SUM(1,1)")
    village.refresh_from_db()
    kelompok = Kelompok.objects.create(name="=Kelompok()", description="+cmd")
    cooperative = ksp(
        name="=Koperasi()", village=village, address="-1+2 Jalan", chair_name="@Ketua", manager_name="+Manajer",
        kelompok=kelompok,
    )
    user = UserFactory(role=access.PENDAMPING, username="pendamping-rumus", first_name=HOSTILE_NAME, last_name="")
    assistant = BusinessAssistantFactory(user=user, training_topics="=Topik()")
    AssignmentFactory(assistant=assistant, cooperative=cooperative, start_date=datetime.date(2025, 1, 1))
    staf = UserFactory(role=access.STAF, username="staf-rumus", first_name="+Staf", last_name="-Satu")
    programme = ProgrammeFactory(name="=Program()", description="@desc")
    programme.participations.create(cooperative=cooperative, aid_received="-Bantuan")
    visit = CoachingVisitFactory(
        cooperative=cooperative, assistant=assistant, created_by=user, visit_date=datetime.date(2026, 3, 10),
        people_met="=Orang()", findings="+Temuan", recommendations="-Saran", programme=programme,
    )
    FollowUpFactory(visit=visit, owner=user, action="@Tindak lanjut")
    FinancingProposalFactory(cooperative=cooperative, assistant=assistant, purpose="=Tujuan()", lender="+Bank", notes="-x")
    CoachingTargetFactory(year=2026, notes="=Target()")
    RatFilingFactory(cooperative=cooperative, book_year=2024, notes="=Catatan RAT()")
    assess(cooperative, assessor=staf, notes="=Nilai()")
    return {"user": user, "assistant": assistant, "staf": staf, "cooperative": cooperative}


def xlsx_cells(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                yield sheet.title, cell


def assert_xlsx_safe(content: bytes, where: str) -> list[str]:
    texts = []
    for title, cell in xlsx_cells(content):
        assert cell.data_type != "f", f"{where}: formula in {title}!{cell.coordinate}: {cell.value!r}"
        if isinstance(cell.value, str):
            assert not cell.value.startswith("="), f"{where}: {title}!{cell.coordinate} = {cell.value!r}"
            texts.append(cell.value)
    return texts


def is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def assert_csv_safe(content: bytes, where: str) -> list[str]:
    fields = [field for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for field in row]
    for field in fields:
        assert not (field.startswith(CSV_TRIGGERS) and not is_number(field)), f"{where}: {field!r}"
    return fields


def download(client, url, params):
    response = client.get(url, params)
    if response.status_code == 302:  # a background export job: its page, then its file
        job = ExportJob.objects.latest("pk")
        assert job.status == ExportJob.State.DONE, (url, job.status, job.message)
        with job.file.open("rb") as handle:
            return handle.read()
    assert response.status_code == 200, (url, params, response.status_code)
    return b"".join(response.streaming_content) if response.streaming else response.content


def readers(role_users, hostile):
    """Who to try, in order: Admin, Staf, Kabid, then the hostile Pendamping."""
    return [role_users[access.ADMIN], hostile["staf"], role_users[access.KABID], hostile["user"]]


@pytest.mark.parametrize("route", ["inline", "background"])
def test_every_list_export_is_free_of_formulas(client, hostile, role_users, settings, tmp_path, route):
    settings.MEDIA_ROOT = tmp_path
    if route == "background":
        settings.EXPORT_INLINE_MAX_ROWS = 0  # every export through export_jobs
    escaped = {}
    for name in LIST_VIEWS:
        url = reverse(name)
        for user in readers(role_users, hostile):
            client.force_login(user)
            if client.get(url).status_code == 200:
                break
        else:
            pytest.fail(f"nobody may see {name}")
        texts = assert_xlsx_safe(download(client, url, {"_export": "xlsx"}), f"{name} xlsx ({route})")
        fields = assert_csv_safe(download(client, url, {"_export": "csv"}), f"{name} csv ({route})")
        escaped[name] = {text for text in texts + fields if text.startswith("'")}
    # The seeded text reached the files, escaped.
    assert "'=Koperasi()" in escaped["cooperatives:cooperative_list"]
    assert "'@SUM(1,1)" in escaped["cooperatives:cooperative_list"]
    assert "'=Koperasi()" in escaped["assistants:visit_list"]
    assert "'@Tindak lanjut" in escaped["assistants:followup_list"]
    assert any(text.startswith(f"'{HOSTILE_NAME}") for text in escaped["assistants:assistant_list"])
    assert "'=Tujuan()" in escaped["assistants:proposal_list"]
    assert "'=Program()" in escaped["assistants:programme_list"]


def test_the_monthly_report_writes_the_assistants_name_as_text(client_as, hostile):
    response = client_as(hostile["staf"]).get(
        reverse("assistants:monthly_report"),
        {"assistant": hostile["assistant"].pk, "month": "2026-03", "_export": "xlsx"},
    )
    assert response.status_code == 200
    texts = assert_xlsx_safe(response.content, "monthly report")
    assert any(text.startswith(f"'{HOSTILE_NAME}") for text in texts)  # the assistant's name
    assert {"'=Koperasi()", "'=1+1", "'=Orang()"} <= set(texts)


def test_the_statistics_workbook_is_free_of_formulas(client_as, hostile):
    response = client_as(hostile["staf"]).get(reverse("dashboard_statistics"), {"_export": "xlsx"})
    assert response.status_code == 200
    assert "'=1+1" in assert_xlsx_safe(response.content, "statistics")


@pytest.mark.parametrize("kind", ["koperasi", "rat"])
def test_the_import_templates_are_free_of_formulas(client_as, hostile, kind):
    client = client_as(hostile["staf"])
    url = reverse("cooperatives:import_template", args=[kind])
    response = client.get(url)
    assert response.status_code == 200
    texts = assert_xlsx_safe(response.content, f"{kind} template")
    if kind == "koperasi":
        assert {"'=Kelompok()", "@SUM(1,1)", "'=1+1"} <= set(texts)  # in XLSX only "=" makes a formula
    response = client.get(url, {"format": "csv"})
    assert_csv_safe(response.content, f"{kind} template csv")


def test_one_helper_escapes_for_each_format():
    assert safe_row(["=a", "+b", "-c", "@d", 5, -5, None], "csv") == ["'=a", "'+b", "'-c", "'@d", 5, -5, None]
    assert safe_row(["=a", "+b", "-c", "@d"], "xlsx") == ["'=a", "+b", "-c", "@d"]


def test_the_safe_sheet_escapes_every_way_of_writing_a_cell():
    from openpyxl import Workbook

    sheet = SafeSheet(Workbook().active)
    sheet.append(["=A"])
    sheet["B1"] = "=B"
    sheet.cell(row=1, column=3, value="=C")
    sheet.title = "Lembar"
    assert [cell.value for cell in sheet[1]] == ["'=A", "'=B", "'=C"]
    assert sheet.title == "Lembar" and not any(cell.data_type == "f" for cell in sheet[1])
