"""Spreadsheet import: dry run with row/column errors, all-or-nothing save, matching by NIK
then Kode dinas, CSV and XLSX, file checks, access, bounded queries, history, the thread."""

import csv
import datetime
import io
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cooperatives import imports
from cooperatives.models import Cooperative, Kelompok, RatFiling, Village
from koperasi_registry import access
from koperasi_registry.models import ImportJob
from tests.factories import CooperativeFactory, KelompokFactory, RatFilingFactory
from tests.query_budgets import QUERY_BUDGETS

COOP_HEADER = ["NIK", "Kode dinas", "Nama koperasi", "Jenis", "Bentuk", "Kelompok", "Syariah", "Merah Putih",
               "Kode desa (Kemendagri)", "Alamat", "Tanggal berdiri", "Nomor badan hukum"]
RAT_HEADER = ["NIK", "Kode dinas", "Tahun buku", "Tanggal RAT", "Tanggal lapor", "Anggota laki-laki",
              "Anggota perempuan", "Karyawan laki-laki", "Modal sendiri", "Modal luar", "Total aset",
              "Volume usaha", "SHU"]
State = ImportJob.State


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def villages(sintang):
    return list(Village.objects.in_regency("61.05").order_by("code").values_list("code", flat=True)[:3])


def csv_file(header, rows, name="data.csv", delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(header, rows, name="data.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def sheet_file(kind_of_file, header, rows):
    return xlsx_file(header, rows) if kind_of_file == "xlsx" else csv_file(header, rows)


def upload(client, url_name, file):
    return client.post(reverse(f"cooperatives:{url_name}"), {"file": file})


def latest_job():
    return ImportJob.objects.order_by("-pk").first()


def error_lines(job):
    return {(e["row"], e["column"]) for e in job.errors}


# --- Dry run: every bad row reported, nothing saved ------------------------------------------


def test_bad_cooperative_rows_are_all_reported_and_nothing_is_saved(client_as, staf, villages):
    good = ["N-1", "K-1", "Koperasi Baik", "Konsumen", "Primer", "", "Tidak", "Ya", villages[0], "", "01/02/2020", ""]
    rows = [
        good,
        ["N-2", "", "Kop Desa Salah", "Konsumen", "", "", "", "", "61.05.99.9999", "", "", ""],
        ["N-3", "", "Kop Jenis Salah", "Perkebunan", "", "", "", "", villages[0], "", "", ""],
        ["N-4", "", "Kop Tanggal Salah", "Jasa", "", "", "", "", villages[0], "", "31/02/2020", ""],
        ["N-1", "", "Kop NIK Kembar", "Jasa", "", "", "", "", villages[0], "", "", ""],
        ["N-6", "", "", "Jasa", "", "", "maybe", "", villages[0], "", "", ""],
        ["", "", "Tanpa Kunci", "Jasa", "", "", "", "", villages[1], "", "", ""],
        ["N-8", "", "Kop Kelompok Salah", "Jasa", "", "Tidak Ada", "", "", villages[1], "", "", ""],
    ]
    client = client_as(staf)
    response = upload(client, "cooperative_import", csv_file(COOP_HEADER, rows))
    job = latest_job()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == State.INVALID and job.total == 8 and job.processed == 8
    assert error_lines(job) == {
        (3, "Kode desa (Kemendagri)"),
        (4, "Jenis"),
        (5, "Tanggal berdiri"),
        (6, "NIK"),
        (7, "Nama koperasi"),
        (7, "Syariah"),
        # Row 8 has neither NIK nor Kode dinas: it would be created with a generated code.
        (9, "Kelompok"),
    }
    assert Cooperative.objects.count() == 0
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Baris 3, kolom Kode desa (Kemendagri): Kode desa 61.05.99.9999 tidak ada di wilayah dinas." in page
    assert "Baris 4, kolom Jenis: Jenis &#x27;Perkebunan&#x27; tidak dikenal. Isi salah satu: Simpan Pinjam" in page
    assert "Baris 6, kolom NIK: NIK N-1 sudah ada di baris 2." in page
    assert "Baris 7, kolom Nama koperasi: Wajib diisi." in page
    assert "Tidak ada yang disimpan" in page
    # A dry run with errors can never be confirmed.
    client.post(reverse("cooperatives:import_job_confirm", args=[job.pk]))
    assert Cooperative.objects.count() == 0


def test_bad_rat_rows_are_all_reported_and_nothing_is_saved(client_as, admin, villages):
    coop = CooperativeFactory(nik="N-1", office_code="K-1")
    RatFilingFactory(cooperative=coop, book_year=2022)
    before = list(RatFiling.objects.values_list("pk", "members_male"))
    ok = ["N-1", "", 2023, "15/03/2024", "20/03/2024", 10, 12, 1, 1000000, 0, 5000000, 100, -50]
    rows = [
        ok,
        ["N-1", "", 2022, "15/03/2023", "20/03/2023", 99, 1, 1, 0, 0, 0, 0, 0],  # update: fine alone
        ["N-1", "", 2023, "16/03/2024", "20/03/2024", 10, 12, 1, 0, 0, 0, 0, 0],  # same book year twice
        ["N-404", "", 2023, "15/03/2024", "20/03/2024", 1, 1, 1, 0, 0, 0, 0, 0],  # unknown cooperative
        ["", "K-1", 2021, "15/03/2022", "10/03/2022", 1, 1, 1, 0, 0, 0, 0, 0],  # reported before RAT
        ["", "K-1", 2020, "15/12/2020", "20/12/2020", -4, 1, 1, 0, "-5", 0, 0, 0],  # RAT in book year, negatives
        ["N-1", "K-404", 2019, "15/03/2020", "20/03/2020", "", "", "", "", "", "", "", ""],
        ["N-1", "", "dua ribu", "15/03/2020", "20/03/2020", 1, 1, 1, 0, 0, 0, 0, 0],
    ]
    response = upload(client_as(admin), "ratfiling_import", csv_file(RAT_HEADER, rows))
    assert response.status_code == 302
    job = latest_job()
    assert job.status == State.INVALID
    assert error_lines(job) == {
        (4, "Tahun buku"),
        (5, "NIK"),
        (6, "Tanggal lapor"),
        (7, "Tanggal RAT"),
        (7, "Anggota laki-laki"),
        (7, "Modal luar"),
        (8, "Kode dinas"),
        (9, "Tahun buku"),
    }
    messages = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert messages[(4, "Tahun buku")] == "Tahun buku 2023 untuk koperasi ini sudah ada di baris 2."
    assert "tidak ditemukan" in messages[(5, "NIK")]
    assert messages[(7, "Anggota laki-laki")] == "Pastikan nilai ini lebih besar dari atau sama dengan 0."
    assert list(RatFiling.objects.values_list("pk", "members_male")) == before
    assert RatFiling.objects.count() == 1


# --- Good sheets: create and update, all in one go ---------------------------------------------


@pytest.mark.parametrize("file_kind", ["csv", "xlsx"])
def test_good_cooperative_sheet_creates_and_updates_by_nik_then_office_code(client_as, staf, villages, file_kind):
    KelompokFactory(name="KUD")
    by_nik = CooperativeFactory(nik="N-1", office_code="", name="Lama Satu", phone="0811 2345 678")
    by_code = CooperativeFactory(nik="", office_code="K-2", name="Lama Dua")
    untouched = CooperativeFactory(nik="N-9", office_code="K-9", name="Tetap")
    founded = datetime.date(2019, 5, 17) if file_kind == "xlsx" else "17/05/2019"
    rows = [
        ["N-1", "K-1", "Baru Satu", "Simpan Pinjam", "Primer", "kud", "Ya", "Tidak", villages[1], "Jl. A", founded, ""],
        ["N-2", "K-2", "Baru Dua", "Jasa", "Sekunder", "", "", "", "", "", "", "AHU-1"],
        ["N-3", "K-3", "Koperasi Tiga", "Produsen", "", "", "", "Ya", villages[2], "", "", ""],
        ["N-9", "", "Tetap", "", "", "", "", "", "", "", "", ""],
    ]
    client = client_as(staf)
    upload(client, "cooperative_import", sheet_file(file_kind, COOP_HEADER, rows))
    job = latest_job()
    assert job.status == State.READY, job.errors
    assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 2, 1)
    assert Cooperative.objects.count() == 3  # a dry run saves nothing
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Semua 4 baris benar. Bila disimpan: 1 dibuat, 2 diperbarui, 1 tidak berubah." in page

    response = client.post(reverse("cooperatives:import_job_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == State.DONE and job.finished_at is not None
    assert (job.created_count, job.updated_count) == (1, 2)
    assert "Berhasil: 1 dibuat, 2 diperbarui." in client.get(job.get_absolute_url()).content.decode()

    by_nik.refresh_from_db()
    assert (by_nik.name, by_nik.office_code, by_nik.jenis, by_nik.is_syariah) == ("Baru Satu", "K-1", "simpan_pinjam", True)
    assert by_nik.kelompok.name == "KUD" and by_nik.village.code == villages[1]
    assert by_nik.founded_on == datetime.date(2019, 5, 17)
    assert by_nik.phone == "0811 2345 678"  # column not in the sheet: kept
    by_code.refresh_from_db()
    assert (by_code.nik, by_code.name, by_code.bentuk, by_code.legal_entity_number) == ("N-2", "Baru Dua", "sekunder", "AHU-1")
    created = Cooperative.objects.get(nik="N-3")
    assert (created.office_code, created.is_merah_putih, created.village.code) == ("K-3", True, villages[2])
    untouched.refresh_from_db()
    assert untouched.name == "Tetap"

    # Every change is attributed to the uploader, through simple-history's bulk helpers.
    assert created.history.get().history_user == staf
    latest = by_nik.history.first()
    assert (latest.history_type, latest.history_user, latest.name) == ("~", staf, "Baru Satu")
    assert latest.history_change_reason == "Impor spreadsheet koperasi"
    assert untouched.history.count() == 1  # unchanged rows write no history


@pytest.mark.parametrize("file_kind", ["csv", "xlsx"])
def test_good_rat_sheet_creates_and_updates_filings_and_refreshes_last_rat_year(client_as, staf, villages, file_kind):
    first = CooperativeFactory(nik="N-1")
    second = CooperativeFactory(nik="", office_code="K-2")
    RatFilingFactory(cooperative=first, book_year=2023, members_male=5)
    rat_date = datetime.date(2025, 3, 15) if file_kind == "xlsx" else "15/03/2025"
    rows = [
        ["N-1", "", 2023, "15/03/2024", "20/03/2024", 50, 60, 2, "150.000.000", 0, 210000000, 1, "-2.500.000"],
        ["N-1", "", 2024, rat_date, "2025-03-20", 55, 61, 2, 1, 2, 3, 4, 5],
        ["", "K-2", 2022, "01/06/2023", "02/06/2023", 7, 8, 0, "", "", "", "", ""],
    ]
    client = client_as(staf)
    upload(client, "ratfiling_import", sheet_file(file_kind, RAT_HEADER, rows))
    job = latest_job()
    assert job.status == State.READY, job.errors
    assert (job.created_count, job.updated_count) == (2, 1)
    client.post(reverse("cooperatives:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == State.DONE

    updated = RatFiling.objects.get(cooperative=first, book_year=2023)
    assert (updated.members_male, updated.members_female) == (50, 60)
    assert updated.modal_sendiri == Decimal("150000000") and updated.shu == Decimal("-2500000")
    assert RatFiling.objects.get(cooperative=first, book_year=2024).reported_on == datetime.date(2025, 3, 20)
    assert RatFiling.objects.get(cooperative=second, book_year=2022).members_total == 15
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.last_rat_year, second.last_rat_year) == (2024, 2022)
    assert updated.history.first().history_user == staf


def test_semicolon_csv_from_indonesian_excel_is_read(client_as, staf, villages):
    rows = [["N-1", "", "Koperasi Titik Koma", "Konsumen", "", "", "", "", villages[0].replace(".", ""), "", "", ""]]
    upload(client_as(staf), "cooperative_import", csv_file(COOP_HEADER, rows, delimiter=";"))
    job = latest_job()
    assert job.status == State.READY, job.errors
    assert job.created_count == 1


def test_a_database_conflict_at_save_time_rolls_everything_back(staf, villages):
    rows = [["N-1", "K-1", "Satu", "Konsumen", "", "", "", "", villages[0], "", "", ""],
            ["N-2", "K-2", "Dua", "Konsumen", "", "", "", "", villages[0], "", "", ""]]
    sheet = imports.Sheet(columns=imports.match_header(COOP_HEADER, imports.COOPERATIVE_COLUMNS),
                          rows=list(enumerate(map(tuple, rows), start=2)))
    importer = imports.CooperativeImporter(sheet=sheet, user=staf)
    plan = importer.check()
    assert not plan.errors
    CooperativeFactory(nik="N-2")  # someone else saves the same NIK meanwhile
    with pytest.raises(Exception):
        importer.save(plan)
    assert list(Cooperative.objects.values_list("nik", flat=True)) == ["N-2"]


# --- Files refused before any job starts -------------------------------------------------------


@pytest.mark.parametrize(
    "make_file, message",
    [
        (lambda: SimpleUploadedFile("data.txt", b"NIK\nx\n"), "Jenis berkas .txt tidak diterima"),
        (lambda: SimpleUploadedFile("data.pdf", b"%PDF-1.4"), "Jenis berkas .pdf tidak diterima"),
        (lambda: SimpleUploadedFile("data.xlsx", b"NIK,Nama koperasi\n1,a\n"), "Isi berkas tidak sesuai dengan jenis .xlsx"),
        (lambda: SimpleUploadedFile("data.xlsx", b"PK\x03\x04 not really a workbook"), "Berkas XLSX tidak dapat dibaca"),
        (lambda: SimpleUploadedFile("data.csv", b"NIK,\x00\x01\x02"), "Isi berkas bukan teks CSV"),
        (lambda: csv_file(["NIK", "Nama kopersi"], [["1", "a"]]), "Kolom tidak dikenal: Nama kopersi"),
        (lambda: csv_file(["Alamat"], [["a"]]), "Berkas perlu kolom NIK, Kode dinas atau Nama koperasi"),
        (lambda: csv_file(["NIK", "NIK"], [["1", "2"]]), "Kolom &#x27;NIK&#x27; muncul dua kali"),
        (lambda: SimpleUploadedFile("data.csv", b""), "Berkas yang dikirimkan kosong"),
    ],
)
def test_wrong_or_damaged_files_are_refused_with_a_message(client_as, staf, make_file, message):
    response = upload(client_as(staf), "cooperative_import", make_file())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_oversized_file_is_refused(client_as, staf, settings):
    settings.IMPORT_MAX_BYTES = 50
    file = csv_file(COOP_HEADER, [["N-1", "", "Koperasi dengan nama yang panjang sekali", "Konsumen"]])
    response = upload(client_as(staf), "cooperative_import", file)
    assert response.status_code == 200
    assert "Berkas terlalu besar" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_rat_sheet_needs_a_book_year_column(client_as, staf):
    response = upload(client_as(staf), "ratfiling_import", csv_file(["NIK", "Tanggal RAT"], [["1", "01/01/2024"]]))
    assert response.status_code == 200
    assert "Berkas perlu kolom Tahun buku" in response.content.decode()


def test_too_many_rows_fail_the_job_cleanly(client_as, staf, settings, villages):
    settings.IMPORT_MAX_ROWS = 2
    rows = [[f"N-{i}", "", f"Kop {i}", "Jasa", "", "", "", "", villages[0], "", "", ""] for i in range(3)]
    upload(client_as(staf), "cooperative_import", csv_file(COOP_HEADER, rows))
    job = latest_job()
    assert job.status == State.FAILED and "paling banyak 2" in job.message
    assert not Cooperative.objects.exists()


# --- Templates ----------------------------------------------------------------------------------


def test_xlsx_template_has_the_exact_headers_and_no_row_that_would_be_imported(client_as, staf, villages):
    KelompokFactory(name="KSU")
    client = client_as(staf)
    response = client.get(reverse("cooperatives:import_template", args=["koperasi"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="templat-impor-koperasi-')
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook["Data"].iter_rows(values_only=True))
    assert [list(row) for row in rows] == [[c.header for c in imports.COOPERATIVE_COLUMNS]]
    assert rows[0][:3] == ("NIK", "Kode dinas", "Nama koperasi")
    # The template, uploaded as it is, imports nothing: the examples are on their own sheet.
    upload(client, "cooperative_import", SimpleUploadedFile("templat.xlsx", response.content))
    job = latest_job()
    assert job.status == State.FAILED and "tidak berisi baris data" in job.message
    assert not Cooperative.objects.exists()


def test_csv_template_for_rat_is_its_header_only(client_as, admin):
    response = client_as(admin).get(reverse("cooperatives:import_template", args=["rat"]) + "?format=csv")
    assert response.status_code == 200
    (header,) = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == [c.header for c in imports.RAT_COLUMNS]
    assert {"Tahun buku", "Tanggal RAT", "Tanggal lapor", "Modal sendiri", "SHU"} <= set(header)


def test_unknown_template_kind_is_404(client_as, staf):
    assert client_as(staf).get(reverse("cooperatives:import_template", args=["lain"])).status_code == 404


# --- Access -------------------------------------------------------------------------------------

PAGES = [
    ("cooperatives:cooperative_import", []),
    ("cooperatives:ratfiling_import", []),
    ("cooperatives:import_template", ["koperasi"]),
    ("cooperatives:import_template", ["rat"]),
]


@pytest.mark.parametrize("url_name, args", PAGES)
@pytest.mark.parametrize(
    "role, status",
    [(None, 302), (access.KABID, 403), (access.PENDAMPING, 403), (access.STAF, 200), (access.ADMIN, 200)],
)
def test_import_pages_are_for_admin_and_staf_only(client, role_users, sintang, url_name, args, role, status):
    if role:
        client.force_login(role_users[role])
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == status
    if role is None:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", [access.KABID, access.PENDAMPING])
def test_wrong_roles_cannot_post_a_sheet(client_as, role_users, villages, role):
    rows = [["N-1", "", "Koperasi", "Konsumen", "", "", "", "", villages[0], "", "", ""]]
    response = upload(client_as(role_users[role]), "cooperative_import", csv_file(COOP_HEADER, rows))
    assert response.status_code == 403
    assert not ImportJob.objects.exists() and not Cooperative.objects.exists()


def test_a_staf_member_cannot_see_or_confirm_someone_elses_job(client, make_user, admin, villages):
    owner, other = make_user(access.STAF, username="staf-a"), make_user(access.STAF, username="staf-b")
    rows = [["N-1", "", "Koperasi", "Konsumen", "", "", "", "", villages[0], "", "", ""]]
    client.force_login(owner)
    upload(client, "cooperative_import", csv_file(COOP_HEADER, rows))
    job = latest_job()
    assert job.status == State.READY
    client.force_login(other)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.post(reverse("cooperatives:import_job_confirm", args=[job.pk])).status_code == 404
    assert not Cooperative.objects.exists()
    client.force_login(admin)
    assert client.get(job.get_absolute_url()).status_code == 200
    client.force_login(make_user(access.KABID, username="kabid-x"))
    assert client.get(job.get_absolute_url()).status_code == 403


def test_cooperatives_outside_the_office_cannot_be_updated_by_import(client_as, staf, villages, settings):
    from cooperatives.region_loader import load_regions

    load_regions(["13.11"])  # Solok Selatan: another kabupaten
    elsewhere = Village.objects.in_regency("13.11").first()
    foreign = CooperativeFactory(nik="N-X", village=elsewhere, name="Di Luar")
    rows = [["N-X", "", "Diubah", "Konsumen", "", "", "", "", villages[0], "", "", ""],
            ["N-Y", "", "Desa Luar", "Konsumen", "", "", "", "", elsewhere.code, "", "", ""]]
    upload(client_as(staf), "cooperative_import", csv_file(COOP_HEADER, rows))
    job = latest_job()
    assert error_lines(job) == {(2, "NIK"), (3, "Kode desa (Kemendagri)")}
    foreign.refresh_from_db()
    assert foreign.name == "Di Luar"


# --- Query counts ---------------------------------------------------------------------------------


def coop_rows(n, villages, prefix="B"):
    return [[f"{prefix}-{i}", f"K{prefix}-{i}", f"Koperasi {prefix} {i}", "Konsumen", "Primer", "KSU", "Tidak",
             "Tidak", villages[i % len(villages)], f"Jl. {i}", "01/02/2020", ""] for i in range(n)]


def run_import(kind, header, rows, user, save=True):
    columns = imports.match_header(header, imports.COLUMNS[kind])
    sheet = imports.Sheet(columns=columns, rows=list(enumerate(map(tuple, rows), start=2)))
    return imports.import_sheet(kind=kind, sheet=sheet, user=user, save=save)


@pytest.mark.parametrize("size", [30, 300])
def test_cooperative_import_runs_a_bounded_number_of_queries(staf, villages, size, django_assert_max_num_queries):
    KelompokFactory(name="KSU")
    rows = coop_rows(size, villages)
    # prefetch (NIK, Kode dinas, visible ids, villages, kelompok) + transaction + bulk insert + history insert
    with django_assert_max_num_queries(QUERY_BUDGETS["import_cooperatives_save"]):
        plan, result = run_import("koperasi", COOP_HEADER, rows, staf)
    assert not plan.errors and result.created == size
    for row in rows:
        row[2] += " (baru)"
    with django_assert_max_num_queries(QUERY_BUDGETS["import_cooperatives_save"]):
        plan, result = run_import("koperasi", COOP_HEADER, rows, staf)
    assert result.updated == size
    assert Cooperative.objects.filter(name__endswith="(baru)").count() == size


@pytest.mark.parametrize("size", [30, 300])
def test_rat_import_runs_a_bounded_number_of_queries(staf, villages, size, django_assert_max_num_queries):
    KelompokFactory(name="KSU")
    run_import("koperasi", COOP_HEADER, coop_rows(size, villages), staf)
    rows = [[f"B-{i}", "", 2024, "15/03/2025", "20/03/2025", i, i, 1, 100, 0, 100, 100, 1] for i in range(size)]
    with django_assert_max_num_queries(QUERY_BUDGETS["import_rat_save"]):
        plan, result = run_import("rat", RAT_HEADER, rows, staf)
    assert not plan.errors and result.created == size
    assert Cooperative.objects.filter(last_rat_year=2024).count() == size


@pytest.mark.parametrize("errors", [3, 30])
def test_import_pages_run_a_constant_number_of_queries(client_as, staf, villages, errors, django_assert_max_num_queries):
    client = client_as(staf)
    rows = [[f"N-{i}", "", f"Kop {i}", "Bukan", "", "", "", "", villages[0], "", "", ""] for i in range(errors)]
    for _ in range(errors // 3):
        upload(client, "cooperative_import", csv_file(COOP_HEADER, rows))
    job = latest_job()
    assert job.error_count == errors
    with django_assert_max_num_queries(QUERY_BUDGETS["cooperative_import"]):
        assert client.get(reverse("cooperatives:cooperative_import")).status_code == 200
    with django_assert_max_num_queries(QUERY_BUDGETS["import_job"]):
        assert client.get(job.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(QUERY_BUDGETS["import_job"]):
        assert client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").status_code == 200


# --- Pure parsers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [(1250000, Decimal("1250000")), ("1.250.000", Decimal("1250000")), ("1.250.000,50", Decimal("1250000.50")),
     ("Rp 2.000", Decimal("2000")), ("12,5", Decimal("12.5")), ("12.5", Decimal("12.5")),
     ("1,250,000.50", Decimal("1250000.50")), ("-3.000", Decimal("-3000")), (0.25, Decimal("0.25"))],
)
def test_parse_decimal_reads_indonesian_and_plain_numbers(raw, expected):
    assert imports.parse_decimal(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "1..2", "NaN", True])
def test_parse_decimal_refuses_non_numbers(raw):
    with pytest.raises(imports.ValidationError):
        imports.parse_decimal(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [("17/08/2020", datetime.date(2020, 8, 17)), ("2020-08-17", datetime.date(2020, 8, 17)),
     ("17-08-2020", datetime.date(2020, 8, 17)), (datetime.datetime(2020, 8, 17, 0, 0), datetime.date(2020, 8, 17))],
)
def test_parse_date_accepts_common_formats(raw, expected):
    assert imports.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2020", "08/17/2020", "kemarin"])
def test_parse_date_refuses_impossible_dates(raw):
    with pytest.raises(imports.ValidationError, match="HH/BB/TTTT"):
        imports.parse_date(raw)


@pytest.mark.parametrize("raw, expected", [("Ya", True), ("tidak", False), ("1", True), (0, False), ("x", True)])
def test_parse_bool(raw, expected):
    assert imports.parse_bool(raw) is expected


def test_parse_int_refuses_fractions():
    assert imports.parse_int("1.500") == 1500
    with pytest.raises(imports.ValidationError):
        imports.parse_int("1,5")


def test_village_code_without_dots_gets_them_back():
    assert imports.normalize_village_code("6105012003") == "61.05.01.2003"
    assert imports.normalize_village_code(" 61.05.01.2003 ") == "61.05.01.2003"


# --- Management commands --------------------------------------------------------------------------


def test_import_commands_use_the_same_checks_and_save(tmp_path, staf, villages):
    path = tmp_path / "koperasi.csv"
    path.write_bytes(csv_file(COOP_HEADER, [["N-1", "", "Kop Baris", "Konsumen", "", "", "", "", villages[0], "", "", ""]]).read())
    call_command("import_cooperatives", str(path), "--user", staf.username, "--dry-run", stdout=io.StringIO())
    assert not Cooperative.objects.exists()
    out = io.StringIO()
    call_command("import_cooperatives", str(path), "--user", staf.username, stdout=out)
    assert "Berhasil: 1 dibuat, 0 diperbarui" in out.getvalue()
    assert Cooperative.objects.get().history.get().history_user == staf

    rat = tmp_path / "rat.csv"
    rat.write_bytes(csv_file(RAT_HEADER, [["N-1", "", 2024, "15/03/2025", "10/03/2025", 1, 1, 1, 0, 0, 0, 0, 0]]).read())
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 kesalahan"):
        call_command("import_rat", str(rat), "--user", staf.username, stdout=io.StringIO(), stderr=err)
    assert "Baris 2, kolom Tanggal lapor: Tanggal lapor tidak boleh sebelum tanggal RAT." in err.getvalue()
    assert not RatFiling.objects.exists()


# --- The job as a task, with progress ----------------------------------------------------------


def wait_for(job, states, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in states:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job stuck in {job.status}")


@pytest.mark.django_db(transaction=True)
def test_the_import_runs_as_a_task_with_progress(client, make_user, sintang, settings):
    # Tests run tasks at once (ImmediateBackend); the real worker: tests/koperasi_registry/test_worker.py.
    staf = make_user(access.STAF, username="staf-thread")
    Kelompok.objects.get_or_create(name="KSU")
    villages = list(Village.objects.in_regency("61.05").order_by("code").values_list("code", flat=True)[:3])
    rows = coop_rows(450, villages, prefix="T")
    client.force_login(staf)
    response = upload(client, "cooperative_import", csv_file(COOP_HEADER, rows))
    job = latest_job()
    assert response["Location"] == job.get_absolute_url()
    job = wait_for(job, {State.READY, State.INVALID, State.FAILED})
    assert job.status == State.READY, (job.errors, job.message)
    assert (job.total, job.processed, job.created_count) == (450, 450, 450)
    assert Cooperative.objects.count() == 0

    client.post(reverse("cooperatives:import_job_confirm", args=[job.pk]))
    job = wait_for(job, {State.DONE, State.FAILED, State.INVALID})
    assert job.status == State.DONE, job.message
    assert Cooperative.objects.count() == 450
    assert Cooperative.history.filter(history_user=staf).count() == 450
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "450 dari 450 baris" in fragment and "Berhasil: 450 dibuat, 0 diperbarui." in fragment
    assert "hx-trigger" not in fragment  # polling stops once the job is over
