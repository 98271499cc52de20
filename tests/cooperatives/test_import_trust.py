"""The import loses nothing and changes nothing silently (issue: "a spreadsheet import a real
office can trust"): every row of a sheet whatever its dimension says, formulas without a
value, the forms' validators, a confirm that re-checks, errors within the user's office,
village names, office spellings, generated codes and the office's recorded last RAT year.
Every file is built in the test."""

import datetime
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from cooperatives import imports
from cooperatives.choices import Jenis, Status
from cooperatives.imports.importers import CooperativeImporter, PlanChanged
from cooperatives.models import Cooperative, RatFiling, Village
from cooperatives.services import rat_filing_create
from koperasi_registry.scopes import default_scope
from koperasi_registry.models import ImportJob
from tests.cooperatives.test_registry_forms import rat_data
from tests.factories import CooperativeFactory, KelompokFactory

State = ImportJob.State
TODAY = datetime.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def workbook_bytes(header, rows, *, stale_dimension=False):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    if not stale_dimension:
        return out.getvalue()
    # Rewrite the sheet's <dimension> to cover the header and one row only, as other tools do.
    source, target = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:D2"', data)
                assert count == 1
            rewritten.writestr(item, data)
    return target.getvalue()


def sheet_of(content, kind=ImportJob.Kind.COOPERATIVE, name="data.xlsx"):
    return imports.read_sheet(io.BytesIO(content), name, kind)


def check(content, user, kind=ImportJob.Kind.COOPERATIVE, *, save=False, expect=None):
    return imports.import_sheet(kind=kind, sheet=sheet_of(content, kind), user=user, save=save, expect=expect)


def errors_of(plan):
    return {(e["row"], e["column"]): e["message"] for e in plan.errors}


def upload(client, url_name, content, name="data.xlsx"):
    return client.post(reverse(f"cooperatives:{url_name}"), {"file": SimpleUploadedFile(name, content)})


def latest_job():
    return ImportJob.objects.order_by("-pk").first()


HEADER = ["Kode dinas", "Nama koperasi", "Jenis", "Kecamatan", "Desa/kelurahan"]


# --- Every row, whatever the file says ---------------------------------------------------------


def test_a_stale_dimension_still_imports_every_row(staf, sintang):
    rows = [[f"K-{n}", f"Koperasi {n}", "Jasa", "Sintang", "Tanjung Puri"] for n in range(1, 6)]
    content = workbook_bytes(HEADER, rows, stale_dimension=True)
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(content), read_only=True).active.max_row == 2  # what openpyxl trusts
    plan, result = check(content, staf, save=True)
    assert not plan.errors and result.created == 5
    assert Cooperative.objects.filter(office_code__startswith="K-").count() == 5


def test_a_formula_without_a_stored_value_is_a_row_error_naming_the_cell(staf, sintang):
    header = ["Kode dinas", "Nama koperasi", "Jenis", "Kecamatan", "Desa/kelurahan", "Alamat"]
    rows = [
        ["K-1", "Koperasi Satu", "Jasa", "Sintang", "Tanjung Puri", "Jl. Satu"],
        ["K-2", "Koperasi Dua", "Jasa", "Sintang", "Tanjung Puri", '=CONCAT("Jl. ", "Dua")'],
    ]
    plan, result = check(workbook_bytes(header, rows), staf, save=True)
    assert result is None and not Cooperative.objects.exists()
    message = errors_of(plan)[(3, "Alamat")]
    assert "Sel F3 berisi rumus" in message and "tanpa nilai tersimpan" in message


# --- The forms' rules, the same messages ----------------------------------------------------------

RAT_HEADER = ["Kode dinas", "Tahun buku", "Tanggal RAT", "Tanggal lapor"]


def test_rat_import_refuses_what_the_rat_form_refuses_with_row_and_column(staf, sintang, client_as):
    CooperativeFactory(office_code="K-1", village=Village.objects.get(code="61.05.01.1003"))
    rows = [
        ["K-1", 2024, "15/03/2099", "20/03/2099"],
        ["K-1", 10000, "15/03/2025", "20/03/2025"],
        ["K-1", 2023, "15/03/2024", "20/03/2024"],
    ]
    plan, result = check(workbook_bytes(RAT_HEADER, rows), staf, ImportJob.Kind.RAT, save=True)
    errors = errors_of(plan)
    assert "belum terjadi" in errors[(2, "Tanggal RAT")] and "belum terjadi" in errors[(2, "Tanggal lapor")]
    assert "Tahun buku" in errors[(3, "Tahun buku")] and "tak terduga" not in str(errors)
    assert result is None and not RatFiling.objects.exists()
    # The RAT form says the same about the same date.
    cooperative = Cooperative.objects.get(office_code="K-1")
    response = client_as(staf).post(
        reverse("cooperatives:ratfiling_add", args=[cooperative.pk]),
        rat_data(2024, rat_date="2099-03-15", reported_on="2099-03-20"),
    )
    assert response.context["form"].errors["rat_date"] == [errors[(2, "Tanggal RAT")]]
    response = client_as(staf).post(reverse("cooperatives:ratfiling_add", args=[cooperative.pk]), rat_data(10000))
    assert response.context["form"].errors["book_year"] == [errors[(3, "Tahun buku")]]
    assert not RatFiling.objects.exists()


def test_an_unexpected_error_names_its_row_and_saves_nothing(staf, sintang, monkeypatch):
    rows = [
        ["K-1", "Koperasi Satu", "Jasa", "Sintang", "Tanjung Puri"],
        ["K-2", "Koperasi Bug", "Jasa", "Sintang", "Tanjung Puri"],
    ]
    original = CooperativeImporter.bind_kelompok

    def broken(self, parsed, instance, error):
        if parsed.get("Nama koperasi") == "Koperasi Bug":
            raise ZeroDivisionError
        return original(self, parsed, instance, error)

    monkeypatch.setattr(CooperativeImporter, "bind_kelompok", broken)
    plan, result = check(workbook_bytes(HEADER, rows), staf, save=True)
    assert list(errors_of(plan)) == [(3, "—")]
    assert "ZeroDivisionError" in plan.errors[0]["message"] and result is None
    assert not Cooperative.objects.exists()


# --- A confirm writes what the user saw, or shows the new plan ---------------------------------------


def test_confirm_after_an_edit_shows_the_new_plan_instead_of_writing_the_old_one(client_as, staf, sintang):
    cooperative = CooperativeFactory(office_code="K-1", name="Koperasi Lama", address="Jl. Lama")
    header = ["Kode dinas", "Alamat", "Ketua"]
    client = client_as(staf)
    upload(client, "cooperative_import", workbook_bytes(header, [["K-1", "Jl. Baru", "Budi"]]))
    job = latest_job()
    assert job.status == State.READY and job.updated_count == 1
    change = job.preview["update"][0]
    assert {"column": "Alamat", "old": "Jl. Lama", "new": "Jl. Baru"} in change["changes"]
    # A colleague edits the same cooperative after the dry run.
    cooperative.refresh_from_db()
    cooperative.chair_name = "Budi"
    cooperative.address = "Jl. Kolega"
    cooperative.save()
    client.post(reverse("cooperatives:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == State.READY and "berubah" in job.message
    assert job.preview["update"][0]["changes"] == [{"column": "Alamat", "old": "Jl. Kolega", "new": "Jl. Baru"}]
    cooperative.refresh_from_db()
    assert cooperative.address == "Jl. Kolega"  # nothing written from the old plan
    # Confirmed again, the new plan is written.
    client.post(reverse("cooperatives:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    cooperative.refresh_from_db()
    assert job.status == State.DONE and cooperative.address == "Jl. Baru"


def test_a_row_changed_between_the_check_and_the_save_is_seen_under_lock(staf, sintang):
    cooperative = CooperativeFactory(office_code="K-1", address="Jl. Lama")
    sheet = sheet_of(workbook_bytes(["Kode dinas", "Alamat"], [["K-1", "Jl. Baru"]]))
    importer = CooperativeImporter(sheet=sheet, user=staf)
    plan = importer.check()
    Cooperative.objects.filter(pk=cooperative.pk).update(address="Jl. Kolega")
    with pytest.raises(PlanChanged):
        importer.save(plan)
    cooperative.refresh_from_db()
    assert cooperative.address == "Jl. Kolega"


# --- Errors stay within the user's office ----------------------------------------------------------


def test_errors_never_name_a_cooperative_of_another_office(staf, sintang):
    call_command("load_regions", "61.06", verbosity=0)  # Kapuas Hulu, another office
    other = CooperativeFactory(
        office_code="KH-7", nik="999", name="Rahasia Kapuas Hulu", village=Village.objects.filter(code__startswith="61.06").first()
    )
    mine = CooperativeFactory(office_code="K-1", name="Koperasi Saya", village=Village.objects.get(code="61.05.01.1003"))
    rows = [
        ["K-1", "999", "Koperasi Saya"],  # my Kode dinas with the other office's NIK
        ["KH-7", "", "Tebakan"],
    ]
    plan, result = check(workbook_bytes(["Kode dinas", "NIK", "Nama koperasi"], rows), staf)
    text = str(plan.errors)
    assert other.name not in text and "Kapuas" not in text and result is None
    assert (2, "NIK") in errors_of(plan) and (3, "Kode dinas") in errors_of(plan)
    assert "di luar wilayah Anda" in errors_of(plan)[(3, "Kode dinas")]
    assert mine.name  # still untouched
    assert Cooperative.objects.get(pk=other.pk).name == "Rahasia Kapuas Hulu"


# --- Filled from the sheet an office really has -------------------------------------------------------


def test_villages_by_name_with_suggestions_from_the_kecamatan(staf, sintang):
    rows = [
        ["K-1", "Koperasi Satu", "Jasa", "", "Desa Tanjung Puri"],
        ["K-2", "Koperasi Dua", "Jasa", "Sintang", "Tanjng Puri"],
        ["K-3", "Koperasi Tiga", "Jasa", "", "Semuntai"],
    ]
    plan, _result = check(workbook_bytes(HEADER, rows), staf)
    errors = errors_of(plan)
    assert set(errors) == {(3, "Desa/kelurahan"), (4, "Kecamatan")}
    assert "Tanjung Puri" in errors[(3, "Desa/kelurahan")] and "Mungkin maksud Anda" in errors[(3, "Desa/kelurahan")]
    assert "beberapa kecamatan" in errors[(4, "Kecamatan")]


def test_office_spellings_are_understood(staf, sintang):
    KelompokFactory(name="KSU")
    KelompokFactory(name="KUD")
    header = ["Kode dinas", "Nama koperasi", "Jenis", "Bentuk", "Syariah", "Merah Putih", "Kecamatan",
              "Desa/kelurahan", "Tanggal berdiri", "Lintang", "Bujur"]
    rows = [
        ["K-1", "Koperasi Serba Usaha Maju", "KSU", "P", "", "0", "Sintang", "Tanjung Puri", 40000, "0,0734", "111,4952"],
        ["K-2", "KSPPS Amanah", "KSPPS", "Primer", "", "Tidak", "Sintang", "Tanjung Puri", "17/08/2010", "", ""],
        ["K-3", "KUD Sejahtera", "KUD", "primer", "Tidak", "1", "Sintang", "Tanjung Puri", "17 Agustus 2015", "", ""],
        ["K-4", "Kop. Simpan Pinjam Jaya", "Simpan Pinjam", "Sekunder", "Ya", "Ya", "Sintang", "Tanjung Puri",
         datetime.date(2001, 2, 3), "", ""],
    ]
    plan, result = check(workbook_bytes(header, rows), staf, save=True)
    assert not plan.errors and result.created == 4
    ksu, kspps, kud, ksp = (Cooperative.objects.get(office_code=f"K-{n}") for n in range(1, 5))
    assert (ksu.jenis, ksu.kelompok.name, ksu.founded_on) == (Jenis.KONSUMEN, "KSU", datetime.date(2009, 7, 6))
    assert str(ksu.latitude) == "0.073400" and not ksu.is_merah_putih
    assert (kspps.jenis, kspps.is_syariah) == (Jenis.SIMPAN_PINJAM, True)
    assert (kud.kelompok.name, kud.is_merah_putih, kud.founded_on) == ("KUD", True, datetime.date(2015, 8, 17))
    assert (ksp.jenis, ksp.bentuk, ksp.is_syariah) == (Jenis.SIMPAN_PINJAM, "sekunder", True)


def test_rows_without_nik_or_code_get_a_generated_code_and_a_second_import_updates_them(staf, sintang):
    header = ["Nama koperasi", "Jenis", "Kecamatan", "Desa/kelurahan", "Telepon"]
    rows = [
        ["Koperasi Tanpa Kode", "Jasa", "Sintang", "Tanjung Puri", "0812 1111 2222"],
        ["Koperasi Lain", "Konsumen", "Sintang", "Ladang", ""],
    ]
    content = workbook_bytes(header, rows)
    plan, _ = check(content, staf)
    assert [(c["name"], c["code"], c["generated_code"]) for c in plan.preview["create"]] == [
        ("Koperasi Tanpa Kode", "KOP-6105-00001", True),
        ("Koperasi Lain", "KOP-6105-00002", True),
    ]
    plan, result = check(content, staf, save=True, expect=plan.fingerprint)
    assert result.created == 2
    # The same sheet again: matched by name and village, nothing doubled.
    plan, result = check(content, staf, save=True)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    # A changed phone number updates the one it names, keeping its generated code.
    rows[0][4] = "0812 3333 4444"
    plan, result = check(workbook_bytes(header, rows), staf, save=True)
    assert (result.created, result.updated) == (0, 1)
    assert Cooperative.objects.get(office_code="KOP-6105-00001").phone == "0812 3333 4444"
    assert Cooperative.objects.count() == 2


# --- The office's recorded last RAT year ---------------------------------------------------------------


def test_recorded_last_rat_year_sets_the_status_without_invented_filings(client_as, staf, sintang, settings):
    header = ["Kode dinas", "Nama koperasi", "Jenis", "Kecamatan", "Desa/kelurahan", "Tanggal berdiri",
              "Tahun buku RAT terakhir"]
    reference = TODAY.year - 1
    rows = [
        ["K-1", "Koperasi Aktif", "Jasa", "Sintang", "Tanjung Puri", "01/01/2010", reference],
        ["K-2", "Koperasi Kurang", "Jasa", "Sintang", "Tanjung Puri", "01/01/2010", reference - 2],
        ["K-3", "Koperasi Lama", "Jasa", "Sintang", "Tanjung Puri", "01/01/2010", 2015],
        ["K-4", "Koperasi Sebelum Berdiri", "Jasa", "Sintang", "Tanjung Puri", "01/01/2010", 2009],
    ]
    plan, _ = check(workbook_bytes(header, rows), staf, save=True)
    assert set(errors_of(plan)) == {(5, "Tahun buku RAT terakhir")}
    plan, result = check(workbook_bytes(header, rows[:3]), staf, save=True)
    assert result.created == 3 and not RatFiling.objects.exists()
    statuses = dict(Cooperative.objects.with_status(today=TODAY).values_list("office_code", "status"))
    assert statuses == {"K-1": Status.AKTIF, "K-2": Status.KURANG_AKTIF, "K-3": Status.TIDAK_AKTIF}
    aktif = Cooperative.objects.get(office_code="K-1")
    assert aktif.last_rat_year == reference
    page = client_as(staf).get(aktif.get_absolute_url()).content.decode()
    assert "catatan dinas" in page and 'data-testid="rat-record"' in page
    # An older filing does not lower it; a filing of that year supersedes the record.
    rat_filing_create(cooperative=aktif, book_year=reference - 3, rat_date=datetime.date(reference - 2, 3, 1),
                      reported_on=datetime.date(reference - 2, 3, 2))
    aktif.refresh_from_db()
    assert aktif.last_rat_year == reference
    rat_filing_create(cooperative=aktif, book_year=reference, rat_date=datetime.date(reference + 1, 3, 1),
                      reported_on=datetime.date(reference + 1, 3, 2))
    page = client_as(staf).get(aktif.get_absolute_url()).content.decode()
    assert 'data-testid="rat-record-note"' not in page and "tanpa laporan RAT" not in page


@pytest.mark.parametrize(
    "regency, district, registered, aktif, kurang_aktif, tidak_aktif",
    [
        ("73.07", "73.07.01", 143, 97, 0, 46),  # Sinjai, 31 Dec 2021: 97 active, 46 without a RAT
        ("19.03", "19.03.01", 102, 68, 34, 0),  # Bangka Selatan: 68 active, 34 "kurang aktif"
    ],
)
def test_an_office_sheet_of_last_rat_years_gives_its_reported_figures(
    staf, settings, regency, district, registered, aktif, kurang_aktif, tidak_aktif
):
    call_command("load_regions", regency, verbosity=0)
    settings.OFFICE_REGENCY_CODE = regency
    village = Village.objects.filter(district__code=district).order_by("code").first()
    reference = TODAY.year - 1
    years = [reference] * aktif + [reference - 1] * kurang_aktif + [""] * tidak_aktif
    header = ["Nama koperasi", "Jenis", "Kode desa (Kemendagri)", "Tanggal berdiri", "Tahun buku RAT terakhir"]
    rows = [[f"Koperasi {n:03d}", "Jasa", village.code, "01/01/2000", year] for n, year in enumerate(years)]
    plan, result = check(workbook_bytes(header, rows), staf, save=True)
    assert not plan.errors and result.created == registered
    counts = Cooperative.objects.in_office(scope=default_scope()).with_status(today=TODAY).values_list("status", flat=True)
    assert [list(counts).count(s) for s in (Status.AKTIF, Status.KURANG_AKTIF, Status.TIDAK_AKTIF)] == [
        aktif, kurang_aktif, tidak_aktif,
    ]
    assert not RatFiling.objects.exists()


@pytest.mark.parametrize("kind", [ImportJob.Kind.COOPERATIVE, ImportJob.Kind.RAT])
def test_the_templates_examples_copied_into_the_data_sheet_pass_the_dry_run(staf, sintang, kind):
    from openpyxl import load_workbook

    from cooperatives.imports.workbook import template_xlsx

    KelompokFactory(name="KSU")
    KelompokFactory(name="Merah Putih")
    workbook = load_workbook(io.BytesIO(template_xlsx(kind, scope=default_scope())))
    rows = [list(row) for row in workbook["Contoh"].iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "NIK")  # the examples' header
    header = [cell for cell in rows[header_at] if cell]
    examples = []
    for row in rows[header_at + 1:]:
        if not any(cell not in (None, "") for cell in row):
            break
        examples.append(row[: len(header)])
    assert len(examples) >= 2
    if kind == ImportJob.Kind.RAT:  # its rows name cooperatives: make them exist
        for row in examples:
            code = row[header.index("Kode dinas")] if "Kode dinas" in header else None
            nik = row[header.index("NIK")]
            CooperativeFactory(nik=nik or "", office_code=code or "", founded_on=datetime.date(2000, 1, 1))
    plan, _result = check(workbook_bytes(header, examples), staf, kind)
    assert not plan.errors, plan.errors
    assert plan.preview["create_total"] == len(examples)


def test_the_upload_reads_only_the_header_of_a_csv(staf, sintang):
    class Counting(io.BytesIO):
        read_bytes = 0

        def read(self, size=-1):
            data = super().read(size)
            Counting.read_bytes += len(data)
            return data

    body = ("Kode dinas,Nama koperasi\n" + "K-1,Koperasi Satu\n" * 200_000).encode()
    sheet = imports.read_sheet(Counting(body), "data.csv", ImportJob.Kind.COOPERATIVE, header_only=True)
    assert [column.header for column in sheet.present] == ["Kode dinas", "Nama koperasi"]
    assert Counting.read_bytes <= 64 * 1024 < len(body)
