"""Every aggregate the dashboard shows: one function a panel, one query a panel."""

from django.conf import settings
from django.db.models import Count, Q

from cooperatives.models import District, Village


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
