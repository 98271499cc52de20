"""Synthetic data at national scale, for benchmarks: ``generate()``, run by
``manage.py generate_scale_data``.

Fills the CURRENT database (point ``DATABASE_URL`` at a database of its own, e.g.
``koperasi_bench``) with regions, N cooperatives spread over their villages, about 3.5 RAT
filings each over the last book years, business assistants with 7-15 assigned
cooperatives each in one kabupaten, one user per role (``bench-admin`` ...
``bench-pendamping``) and, on request, coaching visits with follow-ups. Bulk inserts in
batches; ``last_rat_year`` is rebuilt by the registry's own service at the end. History
rows are not written: this is load, not an audit trail.

Refuses to run on a database that already holds cooperatives unless ``force`` (add more)
or ``if_empty`` (do nothing) is given.

Modules: ``registry`` (cooperatives and RAT filings), ``people`` (users, assistants,
assignments, visits and follow-ups), ``run`` (random stream, batches, step timings).
"""

import random
import time

from django.db import connection, transaction
from django.utils import timezone

from cooperatives.models import Cooperative, Village
from cooperatives.region_loader import UnknownRegionCode, load_regions, resolve_regencies
from cooperatives.services import cooperative_refresh_rat_summary, cooperative_years_rebuild

from .people import people, visits
from .registry import cooperatives_and_filings
from .run import Run


class ScaleDataError(Exception):
    """A request the generator refuses (the message is for the command line)."""


def generate(
    *,
    stdout,
    cooperatives: int = 100_000,
    regions=("all",),
    years: int = 5,
    visit_count: int = 0,
    assistants: int | None = None,
    batch: int = 5000,
    seed: int = 1,
    force: bool = False,
    if_empty: bool = False,
) -> tuple[dict, float] | None:
    """Fill the current database; returns the row counts and the seconds it took (None when
    ``if_empty`` found cooperatives). Step timings are written to ``stdout``."""
    existing = Cooperative.objects.count()
    if existing and not force:
        if if_empty:
            stdout.write(f"Basis data sudah berisi {existing} koperasi; tidak ada yang ditambahkan.")
            return None
        raise ScaleDataError(
            f"Basis data ini sudah berisi {existing} koperasi. Gunakan basis data kosong "
            "(DATABASE_URL) atau --force untuk menambah."
        )
    if cooperatives < 1 or years < 1:
        raise ScaleDataError("--cooperatives dan --years harus lebih dari 0.")
    run = Run(rng=random.Random(seed), today=timezone.localdate(), batch=batch, stdout=stdout)
    started = time.perf_counter()

    with run.step("wilayah (load_regions)"):
        try:
            load_regions(regions)
            regency_codes = [r.code for r in resolve_regencies(regions)]
        except UnknownRegionCode as exc:
            raise ScaleDataError(f"Kode wilayah tidak dikenal: {exc}") from exc
    villages = list(
        Village.objects.filter(district__regency__code__in=regency_codes)
        .order_by("id")
        .values_list("id", "kind")
    )
    with transaction.atomic():
        with run.step("koperasi dan laporan RAT"):
            counts = cooperatives_and_filings(run, villages, cooperatives, years)
        with run.step("last_rat_year (cooperative_refresh_rat_summary)"):
            cooperative_refresh_rat_summary()
        with run.step("status per akhir tahun (cooperative_years_rebuild)"):
            cooperative_years_rebuild()
        with run.step("pengguna, pendamping, penugasan"):
            counts.update(people(run, assistants, counts.pop("new_ids")))
        if visit_count:
            with run.step("kunjungan dan tindak lanjut"):
                counts.update(visits(run, visit_count))
    if connection.vendor == "postgresql":
        # VACUUM too: the summaries rewrite every cooperative row once, leaving as many dead
        # rows, which double every scan of the table until a vacuum (and autovacuum may be
        # off, as on the development machine). Not possible inside a transaction (a test's).
        statement = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with run.step(statement), connection.cursor() as cursor:
            cursor.execute(statement)

    for label, seconds in run.timings:
        stdout.write(f"  {label:<50} {seconds:8.1f} s")
    return counts, time.perf_counter() - started
