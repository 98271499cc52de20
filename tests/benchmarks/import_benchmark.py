"""Time the spreadsheet import of a generated 10,000-row XLSX, end to end through an
ImportJob (read, dry run, confirm: re-check and save), on a throw-away test database.

    .venv/bin/python -m tests.benchmarks.import_benchmark [--rows 10000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python -m tests.benchmarks.import_benchmark

Uses the configured database's test database (``test_<name>``, or in-memory SQLite),
created and destroyed here, so the real data is never touched.
"""

import argparse
import io
import os
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koperasi_registry.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from koperasi_registry.models import ImportJob  # noqa: E402


def workbook(header, rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed_job(kind, content: bytes, user) -> dict:
    from cooperatives import imports

    job = ImportJob(kind=kind, user=user, original_name=f"bench-{kind}.xlsx")
    job.file.save(job.original_name, ContentFile(content), save=False)
    job.save()
    start = time.perf_counter()
    imports.import_job_run(job.pk, save=False)
    dry = time.perf_counter() - start
    job.refresh_from_db()
    assert job.status == ImportJob.State.READY, (job.status, job.errors[:5], job.message)
    start = time.perf_counter()
    assert imports.import_job_confirm(job=job)  # inline: re-checks and saves
    confirm = time.perf_counter() - start
    job.refresh_from_db()
    assert job.status == ImportJob.State.DONE, job.message
    return {"dry": dry, "confirm": confirm, "created": job.created_count, "updated": job.updated_count}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    options = parser.parse_args()
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="import-bench-")
    settings.IMPORT_RUN_INLINE = True
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from cooperatives.imports import COOPERATIVE_COLUMNS, RAT_COLUMNS
        from cooperatives.models import Cooperative, Kelompok, RatFiling, Village
        from cooperatives.region_loader import load_regions
        from tests.factories import UserFactory

        load_regions(["61.05"])
        Kelompok.objects.get_or_create(name="KSU")
        user = UserFactory(role="Staf", username="bench")
        villages = list(Village.objects.in_regency("61.05").values_list("code", flat=True))
        n = options.rows
        header = [c.header for c in COOPERATIVE_COLUMNS]

        def coop_row(i, suffix=""):
            values = {
                "NIK": f"61050{i:08d}", "Kode dinas": f"KOP-{i:05d}", "Nama koperasi": f"Koperasi Uji {i}{suffix}",
                "Jenis": "Konsumen", "Bentuk": "Primer", "Kelompok": "KSU", "Syariah": "Tidak",
                "Merah Putih": "Ya" if i % 3 == 0 else "Tidak", "Kode desa (Kemendagri)": villages[i % len(villages)],
                "Alamat": f"Jl. Contoh No. {i}", "Tanggal berdiri": "12/05/2015", "Telepon": "0812 5555 0101",
                "Ketua": "Budi Santoso", "Nomor badan hukum": f"AHU-{i:07d}.AH.01.26.TAHUN 2020",
            }
            return [values.get(h, "") for h in header]

        results = []
        content = workbook(header, (coop_row(i) for i in range(n)))
        results.append(("koperasi, semua baru", len(content), timed_job("koperasi", content, user)))
        content = workbook(header, (coop_row(i, " (ubah)") for i in range(n)))
        results.append(("koperasi, semua diperbarui", len(content), timed_job("koperasi", content, user)))
        rat_header = [c.header for c in RAT_COLUMNS]
        rat_rows = (
            [f"61050{i:08d}", "", 2024, "15/03/2025", "20/03/2025", 30, 25, 3, 3, 1, 0, 2, 1,
             150_000_000, 50_000_000, 210_000_000, 480_000_000, 12_500_000, ""]
            for i in range(n)
        )
        content = workbook(rat_header, rat_rows)
        results.append(("laporan RAT, semua baru", len(content), timed_job("rat", content, user)))
        assert Cooperative.objects.count() == n and RatFiling.objects.count() == n
        assert Cooperative.objects.filter(last_rat_year=2024).count() == n

        print(f"Database: {connection.vendor} ({settings.DATABASES['default']['NAME']}), {n} rows")
        print(f"{'sheet':28} {'xlsx KB':>8} {'dry run s':>10} {'confirm s':>10} {'created':>8} {'updated':>8}")
        for name, size, r in results:
            print(f"{name:28} {size // 1024:>8} {r['dry']:>10.2f} {r['confirm']:>10.2f} {r['created']:>8} {r['updated']:>8}")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
