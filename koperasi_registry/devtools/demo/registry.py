"""Demo data for the example office, Dinas Koperasi Kabupaten Sintang (61.05).

``seed(stdout)`` is one of ``manage.py seed_demo``'s SEEDERS (``devtools.demo``). It writes:

* one Koperasi Desa/Kelurahan Merah Putih in every village of Sintang (406: 390 desa and
  16 kelurahan), founded in 2025, so most are still "Baru"; a few already held their
  first RAT;
* about 150 older cooperatives of every kelompok, jenis and bentuk (a few sekunder, some
  syariah KSPPS), spread over the 14 kecamatan, with NIK, legal entity numbers in the
  post-2019 (AHU) and older formats, board names, phone numbers, some GPS points, and a
  few under dissolution or dissolved by decree (SK);
* five book years of RAT filings up to the reference year of the status rule, on time and
  late, with members by sex and money figures in Rupiah (some SHU negative), shaped so
  that every derived status occurs and a sizeable share is inactive, as in real offices.

Deterministic (a fixed random seed; dates follow the reference year of today) and
idempotent: a cooperative is recognised by its ``office_code`` (``DEMO-...``) and never
written twice; filings are only added to cooperatives created in the same run, so a
filing that staff deleted is not brought back. Bulk inserts with django-simple-history's
helper (history rows exist), then one ``last_rat_year`` refresh.
"""

import datetime

from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cooperatives.choices import Status
from cooperatives.models import Cooperative, Kelompok, RatFiling, Village
from cooperatives.region_loader import load_regions
from cooperatives.services import cooperative_refresh_rat_summary
from cooperatives.status import StatusRules

from .registry_data import CHANGE_REASON, PREFIX, PROFILES, REGENCY_CODE
from .registry_plan import DemoOffice


def _sintang_villages() -> list[Village]:
    villages = list(
        Village.objects.in_regency(REGENCY_CODE).select_related("district").order_by("code")
    )
    if not villages:
        load_regions([REGENCY_CODE])
        villages = list(
            Village.objects.in_regency(REGENCY_CODE).select_related("district").order_by("code")
        )
    return villages


def status_counts(*, today: datetime.date | None = None) -> dict[str, int]:
    """Demo cooperatives by derived status, in one query."""
    rows = (
        Cooperative.objects.filter(office_code__startswith=PREFIX)
        .with_status(today=today)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
    )
    return {row["status"]: row["n"] for row in rows}


def seed(stdout=None, *, today: datetime.date | None = None) -> dict:
    """Write the demo office (idempotent). Returns what was created and the status counts."""
    today = today or timezone.localdate()
    villages = _sintang_villages()
    kelompok = {}
    for name in {p.kelompok for p in PROFILES} | {"Merah Putih"}:
        kelompok[name], _ = Kelompok.objects.get_or_create(name=name)
    office = DemoOffice(villages=villages, today=today, rules=StatusRules.from_settings())
    plans = office.merah_putih(kelompok["Merah Putih"]) + office.older(kelompok)

    existing_codes = set(
        Cooperative.objects.filter(office_code__startswith=PREFIX).values_list(
            "office_code", flat=True
        )
    )
    villages_with_merah_putih = set(
        Cooperative.objects.filter(is_merah_putih=True, village__in=villages).values_list(
            "village_id", flat=True
        )
    )
    taken_niks = set(
        Cooperative.objects.filter(
            nik__in=[p.cooperative.nik for p in plans if p.cooperative.nik]
        ).values_list("nik", flat=True)
    )
    new = [
        plan
        for plan in plans
        if plan.cooperative.office_code not in existing_codes
        and not (
            plan.cooperative.is_merah_putih
            and plan.cooperative.village_id in villages_with_merah_putih
        )
    ]
    for plan in new:
        if plan.cooperative.nik in taken_niks:
            plan.cooperative.nik = ""
    created = bulk_create_with_history(
        [plan.cooperative for plan in new],
        Cooperative,
        batch_size=500,
        default_change_reason=CHANGE_REASON,
    )
    ids = dict(
        Cooperative.objects.filter(office_code__in=[c.office_code for c in created]).values_list(
            "office_code", "id"
        )
    )
    filings = [
        RatFiling(cooperative_id=ids[plan.cooperative.office_code], **row)
        for plan in new
        for row in plan.filings
    ]
    bulk_create_with_history(
        filings, RatFiling, batch_size=500, default_change_reason=CHANGE_REASON
    )
    if ids:
        cooperative_refresh_rat_summary(cooperative_ids=ids.values())

    counts = status_counts(today=today)
    result = {"cooperatives": len(created), "filings": len(filings), "status": counts}
    if stdout is not None:
        total = sum(counts.values())
        by_status = ", ".join(
            f"{Status(s).label.lower()} {counts.get(s, 0)}" for s in Status.values
        )
        stdout.write(
            f"Koperasi demo Sintang: {total} ({by_status}); baru ditulis {len(created)} koperasi "
            f"dan {len(filings)} laporan RAT."
        )
    return result
