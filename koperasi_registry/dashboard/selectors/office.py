"""Every aggregate the dashboard shows: one function a panel, one query a panel.

All counting happens in the database (``aggregate`` or ``values().annotate``); Python only
lines up the already-aggregated rows (one per kecamatan) with the list of kecamatan.
"""

import datetime

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q

from cooperatives.choices import Status
from cooperatives.models import Cooperative, District, Village

# Statuses that count as a working cooperative for village coverage.
ACTIVE_STATUSES = (Status.AKTIF,)


def _status_counts() -> dict:
    counts = {status: Count("id", filter=Q(status=status)) for status in Status.values}
    return {
        "registered": Count("id"),
        **counts,
        "merah_putih": Count("id", filter=Q(is_merah_putih=True)),
    }


def _with_national_reading(row: dict) -> dict:
    """National statistics call a cooperative active if it held a RAT within the window:
    our Aktif + Kurang aktif."""
    row["aktif_nasional"] = (row.get(Status.AKTIF) or 0) + (row.get(Status.KURANG_AKTIF) or 0)
    return row


def region_summary(*, regency_code: str | None = None) -> dict:
    """Kecamatan and villages (by kind) of the office's kabupaten, in two queries."""
    code = settings.OFFICE_REGENCY_CODE if regency_code is None else regency_code
    districts = District.objects.in_regency(code)
    villages = Village.objects.filter(district__in=districts).aggregate(
        total=Count("id"),
        desa=Count("id", filter=Q(kind=Village.Kind.DESA)),
        kelurahan=Count("id", filter=Q(kind=Village.Kind.KELURAHAN)),
        desa_adat=Count("id", filter=Q(kind=Village.Kind.DESA_ADAT)),
    )
    return {"districts": districts.count(), **villages}


def status_summary(*, user, district: District | None = None, today: datetime.date | None = None) -> dict:
    """Registered cooperatives by derived status, in one query."""
    cooperatives = Cooperative.objects.visible_to(user).with_status(today=today)
    if district is not None:
        cooperatives = cooperatives.filter(village__district=district)
    return _with_national_reading(cooperatives.aggregate(**_status_counts()))


def _village_flags(today: datetime.date | None):
    active = Cooperative.objects.with_status(today=today).filter(
        village=OuterRef("pk"), status__in=ACTIVE_STATUSES
    )
    merah_putih = Cooperative.objects.filter(
        village=OuterRef("pk"), is_merah_putih=True, lifecycle="berjalan"
    )
    return {"has_active": Exists(active), "has_merah_putih": Exists(merah_putih)}


def _coverage_counts() -> dict:
    return {
        "villages": Count("id"),
        "without_active": Count("id", filter=Q(has_active=False)),
        "without_merah_putih": Count("id", filter=Q(has_merah_putih=False)),
    }


def village_coverage(*, district: District | None = None, today: datetime.date | None = None) -> dict:
    """Villages of the office without an active cooperative, and without a Merah Putih one."""
    villages = Village.objects.in_regency(settings.OFFICE_REGENCY_CODE)
    if district is not None:
        villages = villages.filter(district=district)
    return villages.annotate(**_village_flags(today)).aggregate(**_coverage_counts())


def district_scorecard(*, user, today: datetime.date | None = None) -> list[dict]:
    """One row per kecamatan of the office: status counts and village coverage (3 queries)."""
    districts = list(District.objects.in_regency(settings.OFFICE_REGENCY_CODE).order_by("name"))
    statuses = {
        row["village__district"]: row
        for row in Cooperative.objects.visible_to(user)
        .with_status(today=today)
        .values("village__district")
        .annotate(**_status_counts())
        .order_by()
    }
    coverage = {
        row["district"]: row
        for row in Village.objects.filter(district__in=districts)
        .annotate(**_village_flags(today))
        .values("district")
        .annotate(**_coverage_counts())
        .order_by()
    }
    empty_status = {key: 0 for key in _status_counts()}
    return [
        _with_national_reading(
            {
                **empty_status,
                **statuses.get(district.pk, {}),
                **coverage.get(district.pk, {}),
                "district": district,
            }
        )
        for district in districts
    ]
