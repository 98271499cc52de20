"""The home page's panels and the kecamatan scorecard, for one ``Period``.

The scorecard is a handful of grouped queries (one row per kecamatan each): cooperatives
(status on the period's day, RAT compliance for its reference book year, coached and
assigned-but-unvisited in its year), villages (coverage), visits, follow-ups and health
assessments. The office panels are the chosen kecamatan's row or the sum of the rows, so a
panel and the scorecard can never disagree.
"""

import datetime

from django.conf import settings
from django.db.models import Count, Q

from assistants.models import CoachingTarget, CoachingVisit, FollowUp
from assistants.selectors import assigned_unvisited_cooperatives, coached_cooperative_ids
from cooperatives.choices import Status
from cooperatives.models import Cooperative, District, HealthAssessment, Village
from cooperatives.querysets import visible_cooperatives_q
from cooperatives.selectors import village_flags
from cooperatives.status import DUE_COMPLIANCE, Compliance

from ..period import Period

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
    row["dissolved"] = (row.get(Status.PEMBUBARAN) or 0) + (row.get(Status.DIBUBARKAN) or 0)
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


def _period(period: Period | None, today: datetime.date | None, district: District | None) -> Period:
    if period is not None:
        return period
    from django.utils import timezone

    today = today or timezone.localdate()
    return Period(year=today.year, today=today, district=district)


def status_summary(*, user, period: Period | None = None, district=None, today=None) -> dict:
    """Registered cooperatives by derived status on the period's day, in one query."""
    period = _period(period, today, district)
    return _with_national_reading(period.cooperatives(user).aggregate(**_status_counts()))


# --- The scorecard ------------------------------------------------------------------------


RAT_KEYS = {Compliance.ON_TIME: "rat_on_time", Compliance.LATE: "rat_late", Compliance.NOT_FILED: "rat_not_filed"}


def _cooperatives_by_district(user, period: Period) -> dict:
    """Status and RAT compliance counts per kecamatan, in one query grouped by kecamatan,
    status and compliance (at most 14 x 6 x 4 rows): each cooperative's status and
    compliance are computed once, where a ``COUNT ... FILTER`` per figure would compute
    them (and a past day's filing subquery) once per figure."""
    grouped = (
        Cooperative.objects.visible_to(user)
        .with_status_on(period.day, today=period.today)
        .with_rat_compliance(book_year=period.book_year)
        .order_by()
        .values("village__district", "status", "rat_compliance")
        .annotate(n=Count("id"))
    )
    counts: dict = {}
    for row in grouped:  # aggregated rows, not cooperatives
        district = counts.setdefault(row["village__district"], {})
        for key in ("registered", row["status"], RAT_KEYS.get(row["rat_compliance"]), "rat_due" if row["rat_compliance"] in DUE_COMPLIANCE else None):
            if key:
                district[key] = district.get(key, 0) + row["n"]
    return counts


def _village_flags(period: Period) -> dict:
    return village_flags(day=period.day, today=period.today)


def _coverage_counts() -> dict:
    return {
        "villages": Count("id"),
        "without_active": Count("id", filter=Q(has_active=False)),
        "without_merah_putih": Count("id", filter=Q(has_merah_putih=False)),
    }


def village_coverage(*, period: Period | None = None, district=None, today=None) -> dict:
    """Villages of the office without an active cooperative, and without a Merah Putih one."""
    period = _period(period, today, district)
    villages = Village.objects.in_regency(settings.OFFICE_REGENCY_CODE)
    if period.district is not None:
        villages = villages.filter(district=period.district)
    return villages.annotate(**_village_flags(period)).aggregate(**_coverage_counts())


def _by_district(queryset, path: str, counts: dict) -> dict:
    return {row[path]: row for row in queryset.order_by().values(path).annotate(**counts)}


COUNT_KEYS = (
    "registered", *Status.values,
    "rat_due", "rat_on_time", "rat_late", "rat_not_filed", "coached", "assigned_unvisited",
    "villages", "without_active", "without_merah_putih",
    "visits", "visited", "followups_open", "followups_overdue", "assessed",
)


def district_scorecard(*, user, period: Period | None = None, today=None) -> dict:
    """One row per kecamatan of the office and their total: every figure of the home page.
    Eight queries whatever the number of cooperatives, villages or visits."""
    period = _period(period, today, None)
    districts = list(District.objects.in_regency(settings.OFFICE_REGENCY_CODE).order_by("name"))
    registered = Cooperative.objects.registered_on(period.day)
    parts = [
        _cooperatives_by_district(user, period),
        _by_district(
            registered.visible_to(user).filter(pk__in=coached_cooperative_ids(user=user, year=period.year)),
            "village__district",
            {"coached": Count("id")},
        ),
        _by_district(
            assigned_unvisited_cooperatives(user=user, start=period.start, end=period.end).registered_on(period.day),
            "village__district",
            {"assigned_unvisited": Count("id")},
        ),
        _by_district(
            Village.objects.filter(district__in=[d.pk for d in districts]).annotate(**_village_flags(period)),
            "district",
            _coverage_counts(),
        ),
        _by_district(
            CoachingVisit.objects.visible_to(user).filter(visit_date__range=(period.start, period.end)),
            "cooperative__village__district",
            {"visits": Count("id"), "visited": Count("cooperative", distinct=True)},
        ),
        _by_district(
            FollowUp.objects.visible_to(user).open(),
            "visit__cooperative__village__district",
            {
                "followups_open": Count("id"),
                "followups_overdue": Count("id", filter=Q(due_date__lt=period.today)),
            },
        ),
        _by_district(
            HealthAssessment.objects.filter(visible_cooperatives_q(user, path="cooperative"), year=period.year),
            "cooperative__village__district",
            {"assessed": Count("id")},
        ),
    ]
    rows = []
    for district in districts:
        row = dict.fromkeys(COUNT_KEYS, 0)
        for part in parts:
            found = part.get(district.pk, {})
            row.update({key: value for key, value in found.items() if key in row})
        row["district"] = district
        rows.append(_with_national_reading(row))
    total = _with_national_reading({key: sum(row[key] for row in rows) for key in COUNT_KEYS})
    return {"rows": rows, "total": total}


def office_figures(scorecard: dict, district: District | None) -> dict:
    """The panels' figures: the chosen kecamatan's scorecard row, or the office total."""
    if district is None:
        return scorecard["total"]
    return next(row for row in scorecard["rows"] if row["district"].pk == district.pk)


# --- Panels beside the scorecard ------------------------------------------------------------


def health_categories(*, user, period: Period) -> list[dict]:
    """Assessments of the period's year by category (best first), in one query."""
    assessments = HealthAssessment.objects.filter(visible_cooperatives_q(user, path="cooperative"), year=period.year)
    if period.district is not None:
        assessments = assessments.filter(cooperative__village__district=period.district)
    return list(
        assessments.order_by().values("category", "category_rank").annotate(n=Count("id")).order_by("category_rank", "category")
    )


def visits_by_assistant(*, user, period: Period, limit: int = 20) -> list[dict]:
    """Visits and cooperatives visited in the period's year per assistant, most first."""
    visits = CoachingVisit.objects.visible_to(user).filter(
        visit_date__range=(period.start, period.end), assistant__isnull=False
    )
    if period.district is not None:
        visits = visits.filter(cooperative__village__district=period.district)
    return list(
        visits.order_by()
        .values("assistant", "assistant__user__first_name", "assistant__user__last_name", "assistant__user__username")
        .annotate(visits=Count("id"), visited=Count("cooperative", distinct=True))
        .order_by("-visits", "assistant__user__first_name", "assistant")[:limit]
    )


def coaching_target(*, period: Period) -> CoachingTarget | None:
    """The coaching target of the period's year: the kecamatan's when one is chosen (and
    set), else the office's."""
    targets = {
        target.district_id: target
        for target in CoachingTarget.objects.filter(year=period.year).filter(
            Q(district__isnull=True) | Q(district=period.district)
        )
    }
    if period.district is not None:
        return targets.get(period.district.pk)
    return targets.get(None)
