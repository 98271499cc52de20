"""Measure the spreadsheet import on a throw-away test database: times, the worker's peak
memory and the web process's memory.

    # all three parts on PostgreSQL (the database's ``test_<name>`` is created and dropped):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import OFFICE_REGENCY_CODE=61.05 \\
        .venv/bin/python -m tests.benchmarks.import_benchmark --rows 10000 --profile \\
        --worker-rows 100000 --web-rows 1000,100000

1. Times (``--rows``): a realistic cooperative sheet (real villages of the office's
   kabupaten, loaded here with ``load_regions``; half the rows place the village by name
   and kecamatan, half by Kemendagri code; some rows without NIK and Kode dinas, which get
   generated codes; some with "Tahun buku RAT terakhir"). Reading it, the dry run, the
   confirm (re-check and save), then a second import of the same sheet (all unchanged);
   with ``--extra`` also a sheet that changes every row and a RAT sheet.
   ``--profile``: cProfile of the dry-run check, the top functions.
2. Worker (``--worker-rows``): ``manage.py db_worker`` as a subprocess on the test
   database (``tests.benchmarks.settings``: DatabaseBackend, ``IMPORT_MAX_ROWS`` raised to
   the sheet's size); its peak RSS (``VmHWM``) over the dry run and over the save.
3. Web (``--web-rows``): a fresh process per sheet posts it to the upload view through
   Django's test Client, with the job queued and no worker; its peak RSS before and after.
   "stream": the multipart body is read by the handler from a file on disk (what a real
   server does); "client": ``Client.post``, which itself builds the whole body in memory.
"""

import argparse
import cProfile
import datetime
import io
import json
import os
import pstats
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koperasi_registry.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files import File  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings, setup_databases, teardown_databases  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from koperasi_registry.models import ImportJob  # noqa: E402

BASE_DIR = Path(settings.BASE_DIR)
DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
BOUNDARY = "BenchBoundary7MA4YWxkTrZu0gW"
UPLOAD_LIMIT = 64 * 2**20  # the web children's UPLOAD_MAX_BYTES: a 100,000-row sheet is > 10 MB


# --- memory of a process ------------------------------------------------------------------


def proc_kb(pid="self") -> dict:
    """VmRSS and VmHWM (peak RSS) of a process, in KB."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, value = line.split(":")
                values[name] = int(value.split()[0])
    return values


def reset_peak(pid) -> bool:
    """Reset VmHWM to the current RSS (Linux: write 5 to clear_refs)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def mb(kb) -> str:
    return f"{kb / 1024:.0f}"


# --- sheets --------------------------------------------------------------------------------


def write_xlsx(path, header, rows) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return os.path.getsize(path)


def write_csv(path, header, rows) -> int:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, datetime.date) else v
                             for v in row])
    return os.path.getsize(path)


class CooperativeSheet:
    """Rows of a realistic cooperative sheet over the office's real villages."""

    JENIS = ("Konsumen", "Produsen", "Simpan Pinjam", "Pemasaran", "Jasa")

    def __init__(self):
        from cooperatives.imports import COOPERATIVE_COLUMNS
        from cooperatives.imports.villages import VillageResolver
        from cooperatives.models import Village

        self.header = [c.header for c in COOPERATIVE_COLUMNS]
        from koperasi_registry.scopes import default_scope

        resolver = VillageResolver.for_office(scope=default_scope())
        rows = Village.objects.in_regency(settings.OFFICE_REGENCY_CODE).order_by("code")
        self.by_code = list(rows.values_list("code", flat=True))
        # Placed by name: the villages whose name and kecamatan name find them.
        self.by_name = [
            (name, district) for pk, name, district in rows.values_list("pk", "name", "district__name")
            if resolver.resolve(code=None, name=name, district=district).village_id == pk
        ]
        assert self.by_code and self.by_name, "no villages: load_regions first"

    def row(self, i, suffix=""):
        keyless = i % 20 in (4, 7)  # 10%: neither NIK nor Kode dinas, a generated Kode dinas
        by_name = i % 2 == 1
        name, district = self.by_name[i % len(self.by_name)]
        values = {
            "NIK": "" if keyless or i % 3 == 2 else f"61050{i:08d}",
            "Kode dinas": "" if keyless or i % 3 == 1 else f"KOP-{i:06d}",
            "Nama koperasi": f"Koperasi {self.JENIS[i % 5]} Uji {i}",
            "Jenis": self.JENIS[i % 5], "Bentuk": "Primer" if i % 7 else "Sekunder",
            "Kelompok": "KSU" if i % 4 == 0 else "", "Syariah": "Tidak", "Merah Putih": "Ya" if i % 3 == 0 else "Tidak",
            "Kecamatan": district if by_name else "", "Desa/kelurahan": name if by_name else "",
            "Kode desa (Kemendagri)": "" if by_name else self.by_code[i % len(self.by_code)],
            "Alamat": f"Jl. Contoh No. {i % 300}, RT {i % 12:02d}{suffix}",
            "Tanggal berdiri": datetime.date(2010 + i % 10, 1 + i % 12, 1 + i % 28) if i % 2 else "12/05/2015",
            "Nomor badan hukum": f"AHU-{i:07d}.AH.01.26.TAHUN 2020",
            "Ketua": f"Budi Santoso {i % 97}", "Bendahara": "Siti Aminah" if i % 2 else "",
            "Telepon": f"0812 {5000 + i % 5000} {i % 10000:04d}",
            "Tahun buku RAT terakhir": 2021 + i % 3 if i % 4 == 1 else "",
        }
        return [values.get(h, "") for h in self.header]

    def rows(self, n, suffix=""):
        return (self.row(i, suffix) for i in range(n))


# --- 1. times ------------------------------------------------------------------------------


def new_job(kind, path, user) -> ImportJob:
    with open(path, "rb") as handle:
        job = ImportJob(kind=kind, user=user, original_name=Path(path).name, file=File(handle, name=Path(path).name))
        job.save()
    return job


def timed_job(kind, path, user) -> dict:
    """The dry run and the confirm (re-check and save), inline (the test ImmediateBackend)."""
    from cooperatives import imports

    job = new_job(kind, path, user)
    start = time.perf_counter()
    imports.import_job_run(job.pk, save=False)
    dry = time.perf_counter() - start
    job.refresh_from_db()
    assert job.status == ImportJob.State.READY, (job.status, job.errors[:5], job.message)
    start = time.perf_counter()
    assert imports.import_job_confirm(job=job)
    confirm = time.perf_counter() - start
    job.refresh_from_db()
    assert job.status == ImportJob.State.DONE, (job.status, job.message, job.errors[:5])
    return {"dry": dry, "confirm": confirm, "created": job.created_count, "updated": job.updated_count,
            "unchanged": job.unchanged_count}


def read_time(kind, path) -> float:
    from cooperatives.imports import read_sheet

    start = time.perf_counter()
    with open(path, "rb") as handle:
        sheet = read_sheet(handle, Path(path).name, kind)
    assert sheet.rows
    return time.perf_counter() - start


def profile_check(kind, path, user, top=15):
    from cooperatives.imports import import_sheet, read_sheet

    with open(path, "rb") as handle:
        sheet = read_sheet(handle, Path(path).name, kind)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    plan, _result = import_sheet(kind=kind, sheet=sheet, user=user, save=False)
    profiler.disable()
    print(f"\ncProfile of the check of {len(sheet.rows)} rows ({time.perf_counter() - start:.1f} s under the "
          f"profiler; {len(plan.errors)} errors, {len(plan.create)} to create)")
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(top)
        text = out.getvalue()
        print(f"--- top {top} by {order}")
        print(text[text.index("   ncalls"):].rstrip())


def run_times(n, workdir, user, profile, extra, profile_only=False):
    from cooperatives.imports import RAT_COLUMNS
    from cooperatives.models import Cooperative, RatFiling

    sheet = CooperativeSheet()
    path = workdir / f"koperasi-{n}.xlsx"
    start = time.perf_counter()
    size = write_xlsx(path, sheet.header, sheet.rows(n))
    print(f"Sheet: {n} rows, {size // 1024} KB, written in {time.perf_counter() - start:.1f} s; "
          f"{len(sheet.by_name)} villages placed by name, {len(sheet.by_code)} by code")
    if profile:
        print(f"read: {read_time('koperasi', path):.2f} s")
        profile_check("koperasi", path, user)
    if profile_only:
        return
    results = [("koperasi, semua baru", size, read_time("koperasi", path), timed_job("koperasi", path, user))]
    assert Cooperative.objects.count() == n
    results.append(("sama lagi, semua tetap", size, read_time("koperasi", path), timed_job("koperasi", path, user)))
    assert Cooperative.objects.count() == n and results[-1][3]["unchanged"] == n, results[-1]
    if extra:
        changed = workdir / f"koperasi-{n}-ubah.xlsx"
        size = write_xlsx(changed, sheet.header, sheet.rows(n, " (ubah)"))
        results.append(("koperasi, semua diperbarui", size, read_time("koperasi", changed),
                        timed_job("koperasi", changed, user)))
        keys = Cooperative.objects.order_by("pk").values_list("nik", "office_code")
        rat = workdir / f"rat-{n}.xlsx"
        size = write_xlsx(rat, [c.header for c in RAT_COLUMNS], (
            [nik, code, 2024, "15/03/2025", "20/03/2025", 30, 25, 3, 3, 1, 0, 2, 1,
             150_000_000, 50_000_000, 210_000_000, 480_000_000, 12_500_000, ""]
            for nik, code in keys.iterator()
        ))
        results.append(("laporan RAT, semua baru", size, read_time("rat", rat), timed_job("rat", rat, user)))
        assert RatFiling.objects.count() == n, (RatFiling.objects.count(), results[-1])
        assert Cooperative.objects.filter(last_rat_year=2024).count() == n

    print(f"\nDatabase: {connection.vendor} ({settings.DATABASES['default']['NAME']}), {n} rows")
    print(f"{'sheet':28} {'xlsx KB':>8} {'read s':>7} {'dry run s':>10} {'confirm s':>10} {'created':>8} "
          f"{'updated':>8} {'unchanged':>9}")
    for name, size, read, r in results:
        print(f"{name:28} {size // 1024:>8} {read:>7.2f} {r['dry']:>10.2f} {r['confirm']:>10.2f} "
              f"{r['created']:>8} {r['updated']:>8} {r['unchanged']:>9}")


# --- child processes on the test database ------------------------------------------------


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(**extra) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.settings",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "OFFICE_REGENCY_CODE": settings.OFFICE_REGENCY_CODE,
        **{k: str(v) for k, v in extra.items()},
    }


# --- 2. the worker -------------------------------------------------------------------------


@contextmanager
def worker_process(max_rows, log_path):
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            cwd=BASE_DIR, env=child_env(IMPORT_MAX_ROWS=max_rows), stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(job, states, process, timeout):
    """Wait until the job reaches one of ``states``; sample the worker's memory meanwhile."""
    deadline = time.monotonic() + timeout
    peak = 0
    while time.monotonic() < deadline:
        assert process.poll() is None, "the worker stopped"
        peak = max(peak, proc_kb(process.pid)["VmHWM"])
        job.refresh_from_db()
        if job.status in states:
            return max(peak, proc_kb(process.pid)["VmHWM"])
        time.sleep(0.25)
    raise AssertionError(f"timed out: {job.status} {job.processed}/{job.total}")


def run_worker(n, workdir, user, timeout):
    from cooperatives import imports
    from cooperatives.models import Cooperative

    sheet = CooperativeSheet()
    path = workdir / f"koperasi-worker-{n}.xlsx"
    offset = 500_000  # keys apart from the timing part's rows
    size = write_xlsx(path, sheet.header, (sheet.row(offset + i) for i in range(n)))
    before = Cooperative.objects.count()
    max_rows = max(n, 50_000)
    print(f"\nWorker: {n} rows, {size // 1024} KB; db_worker with IMPORT_MAX_ROWS={max_rows}, "
          f"IMPORT_HEARTBEAT_SECONDS=30 (tests.benchmarks.settings)")
    with override_settings(TASKS=DB_QUEUE), worker_process(max_rows, workdir / "worker.log") as process:
        time.sleep(4)  # django.setup() and the first poll of the empty queue
        idle = proc_kb(process.pid)
        with open(path, "rb") as handle:
            job = imports.import_job_create(user=user, kind="koperasi", upload=File(handle, name=path.name))
        start = time.perf_counter()
        check_peak = wait_for(job, {ImportJob.State.READY, ImportJob.State.INVALID, ImportJob.State.FAILED},
                              process, timeout)
        check_s = time.perf_counter() - start
        assert job.status == ImportJob.State.READY, (job.status, job.message, job.errors[:5])
        after_check = proc_kb(process.pid)
        reset = reset_peak(process.pid)
        assert imports.import_job_confirm(job=job)
        start = time.perf_counter()
        save_peak = wait_for(job, {ImportJob.State.DONE, ImportJob.State.FAILED, ImportJob.State.READY}, process,
                             timeout)
        save_s = time.perf_counter() - start
        assert job.status == ImportJob.State.DONE, (job.status, job.message)
        after_save = proc_kb(process.pid)
    assert Cooperative.objects.count() == before + n
    print(f"{'stage':28} {'s':>7} {'peak RSS MB':>12} {'RSS after MB':>13}")
    print(f"{'worker idle':28} {'':>7} {mb(idle['VmHWM']):>12} {mb(idle['VmRSS']):>13}")
    print(f"{'dry run (check)':28} {check_s:>7.1f} {mb(check_peak):>12} {mb(after_check['VmRSS']):>13}")
    label = "confirm (re-check + save)" + ("" if reset else " *")
    print(f"{label:28} {save_s:>7.1f} {mb(save_peak):>12} {mb(after_save['VmRSS']):>13}")
    if not reset:
        print("* clear_refs not writable: the save's peak includes the dry run's")
    print(f"getrusage(RUSAGE_CHILDREN).ru_maxrss (max over every child process so far): {mb(__import__('resource').getrusage(-1).ru_maxrss)} MB")


# --- 3. the web process --------------------------------------------------------------------


def multipart_body(path, out) -> int:
    """The upload form's multipart body, on disk."""
    name = Path(path).name
    content_type = "text/csv" if name.endswith(".csv") else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    with open(out, "wb") as body, open(path, "rb") as source:
        body.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                   f"Content-Type: {content_type}\r\n\r\n".encode())
        while chunk := source.read(1 << 20):
            body.write(chunk)
        body.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return os.path.getsize(out)


def web_child(path, mode):
    """In a fresh process: log in, open the form once, then post the sheet; print JSON."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    url = reverse("cooperatives:cooperative_import")
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    assert client.get(url).status_code == 200
    before = proc_kb()
    jobs = ImportJob.objects.count()
    start = time.perf_counter()
    if mode == "client":
        with open(path, "rb") as handle:
            response = client.post(url, {"file": handle})
    else:
        body = str(path) + ".body"
        length = multipart_body(path, body)
        with open(body, "rb") as stream:
            response = client.request(
                REQUEST_METHOD="POST", PATH_INFO=url, CONTENT_LENGTH=str(length),
                CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}", **{"wsgi.input": stream},
            )
        os.unlink(body)
    seconds = time.perf_counter() - start
    if response.status_code != 302:
        form = response.context["form"] if response.context else None
        raise SystemExit(f"{response.status_code}: {form.errors if form else response.content[:500]}")
    job = ImportJob.objects.latest("pk")
    assert ImportJob.objects.count() == jobs + 1 and job.status == ImportJob.State.CHECKING
    after = proc_kb()
    print(json.dumps({"before_rss": before["VmRSS"], "before_hwm": before["VmHWM"], "after_hwm": after["VmHWM"],
                      "after_rss": after["VmRSS"], "seconds": seconds}))


def run_web(sizes, workdir):
    from django_tasks_db.models import DBTaskResult

    sheet = CooperativeSheet()
    files = []
    for n in sizes:
        rows = list(sheet.rows(n))
        for writer, ext in ((write_xlsx, "xlsx"), (write_csv, "csv")):
            path = workdir / f"web-{n}.{ext}"
            files.append((n, ext, path, writer(path, sheet.header, rows)))
        del rows
    queued = DBTaskResult.objects.count()
    print("\nWeb process: upload through the test Client, job queued (DatabaseBackend), no worker; "
          f"UPLOAD_MAX_BYTES={UPLOAD_LIMIT} (default {settings.UPLOAD_MAX_BYTES}: larger sheets are refused)")
    print(f"{'sheet':16} {'MB':>6} {'body':>7} {'post s':>7} {'RSS before':>11} {'peak before':>12} "
          f"{'peak after':>11} {'peak growth MB':>15}")
    for n, ext, path, size in files:
        for mode in ("stream", "client"):
            output = subprocess.run(
                [sys.executable, "-m", "tests.benchmarks.import_benchmark", "--web-child", str(path), "--mode", mode],
                cwd=BASE_DIR, env=child_env(UPLOAD_MAX_BYTES=UPLOAD_LIMIT), capture_output=True, text=True,
                check=False,
            )
            if output.returncode:
                print(output.stdout[-2000:], output.stderr[-4000:])
                raise SystemExit(f"web child failed for {path}")
            r = json.loads(output.stdout.strip().splitlines()[-1])
            print(f"{f'{n} rows {ext}':16} {size / 2**20:>6.1f} {mode:>7} {r['seconds']:>7.2f} {mb(r['before_rss']):>11} "
                  f"{mb(r['before_hwm']):>12} {mb(r['after_hwm']):>11} {mb(r['after_hwm'] - r['before_hwm']):>15}")
    assert DBTaskResult.objects.count() == queued + 2 * len(files), "each upload queues its check"


# --- main ----------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the timed sheet (0: skip)")
    parser.add_argument("--profile", action="store_true", help="cProfile the dry-run check")
    parser.add_argument("--profile-only", action="store_true", help="only the profile, no timed imports")
    parser.add_argument("--extra", action="store_true", help="also a sheet updating every row, and a RAT sheet")
    parser.add_argument("--worker-rows", type=int, default=0, help="rows for the worker's memory (0: skip)")
    parser.add_argument("--worker-timeout", type=int, default=1200)
    parser.add_argument("--web-rows", default="", help="e.g. 1000,100000 (empty: skip)")
    parser.add_argument("--web-child", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="stream", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.web_child:
        web_child(options.web_child, options.mode)
        return

    workdir = Path(tempfile.mkdtemp(prefix="import-bench-"))
    settings.MEDIA_ROOT = str(workdir / "media")
    settings.IMPORT_MAX_ROWS = max(options.rows, 50_000)  # raised for a larger timed sheet
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from cooperatives.models import Kelompok
        from cooperatives.region_loader import load_regions
        from tests.factories import UserFactory

        load_regions([settings.OFFICE_REGENCY_CODE])
        Kelompok.objects.get_or_create(name="KSU")
        user = UserFactory(role="Staf", username="bench")
        print(f"{connection.vendor} test database {settings.DATABASES['default']['NAME']}; "
              f"OFFICE_REGENCY_CODE={settings.OFFICE_REGENCY_CODE}; load: {os.getloadavg()}")
        if options.rows:
            run_times(options.rows, workdir, user, options.profile or options.profile_only, options.extra,
                      options.profile_only)
        if options.web_rows:
            run_web([int(n) for n in options.web_rows.split(",")], workdir)
        if options.worker_rows:
            run_worker(options.worker_rows, workdir, user, options.worker_timeout)
        print(f"load after: {os.getloadavg()}")
    finally:
        connection.close()
        teardown_databases(old, verbosity=0)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
