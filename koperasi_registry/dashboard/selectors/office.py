"""The home page's panels and the kecamatan scorecard, for one ``Period``.

The scorecard is a few grouped queries: the cooperatives in one pass (status on the period's
day, RAT compliance for its reference book year: ``_cooperative_groups``), the villages they
cover (``_covered_villages``),
villages per kecamatan, the year's coaching (``coaching_summaries``), assigned cooperatives
not visited (``assigned_unvisited_cooperatives``), open follow-ups and health assessments.
Each figure uses the definitions of the list it links to: the coaching figures count that
list's own rows; village coverage reads the same status, registration and running rules as
``village_flags`` (tests compare every figure with
its list). Visit summaries and follow-ups carry their cooperative's kecamatan, so they are
counted without a join through the cooperatives. The office panels are the chosen
kecamatan's row or the sum of the rows, so a
panel and the scorecard can never disagree.
"""

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum

from assistants.models import AssistantVisitSummary, BusinessAssistant, CoachingTarget, FollowUp
from assistants.selectors import assigned_unvisited_cooperatives, coaching_summaries
from cooperatives.choices import Status
from cooperatives.models import Cooperative, District, HealthAssessment, Regency, Village
from cooperatives.querysets import registered_on_q, running_on_q, visible_by_district_q, visible_cooperatives_q
from cooperatives.selectors import VILLAGE_COVERAGE_KEYS, flagged_villages, village_coverage_counts
from cooperatives.status import DUE_COMPLIANCE, Compliance

from ...access import office_scope
from ...scopes import PROVINCE, REGENCY, Scope
from ..period import Period
from .cache import cached_figures

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


def region_summary(*, scope: Scope) -> dict:
    """Kecamatan and villages (by kind) of an office ``scope``, in two queries."""
    districts = District.objects.filter(scope.code_q())
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


def _period_cooperatives(user, period: Period):
    """The office's cooperatives with ``status`` on the period's day, ``registered`` then and
    ``merah_putih_running`` (a registered, running Merah Putih one). A past day reads the
    cooperatives registered then, from their year-end rows where those are complete
    (``with_status_on``); today reads every cooperative (a later founding date is Baru)."""
    past = period.day < period.today
    merah_putih_running = Q(is_merah_putih=True) & running_on_q(period.day)
    return (
        Cooperative.objects.visible_to(user)
        .filter(period.region_q("village__district"))
        .with_status_on(period.day, today=period.today, registered_only=past, built=period.built_years)
        .annotate(
            registered=ExpressionWrapper(registered_on_q(period.day), output_field=BooleanField()),
            merah_putih_running=ExpressionWrapper(merah_putih_running, output_field=BooleanField()),
        )
        .order_by()
    )


def _cooperative_groups(user, period: Period, unit: str = "village__district"):
    """The office's cooperatives in one pass, grouped by scorecard unit, status on the
    period's day, RAT compliance for its reference book year and whether registered that
    day: at most a few hundred groups whatever the number of cooperatives, each
    cooperative's status and compliance computed once. (Grouped by village as well, a
    national office got 146,000 groups back: 1.4 s.)"""
    return (
        _period_cooperatives(user, period)
        .with_rat_compliance(book_year=period.book_year)
        .values(unit, "status", "rat_compliance", "registered")
        .annotate(n=Count("id"))
    )


def _covered_villages(user, period: Period, unit: str = "village__district") -> dict:
    """Per unit, the villages with an Aktif cooperative and those with a registered,
    running Merah Putih one (the ``village_flags`` of ``cooperatives.selectors``, from the
    same ``with_status_on``, ``registered_on_q`` and ``running_on_q``): one grouped query,
    ``COUNT(DISTINCT village)``."""
    counted = Q(registered=True) if period.day < period.today else Q()
    return _by_district(
        _period_cooperatives(user, period),
        unit,
        {
            "active_villages": Count("village", distinct=True, filter=Q(status=Status.AKTIF) & counted),
            "merah_putih_villages": Count("village", distinct=True, filter=Q(registered=True, merah_putih_running=True)),
        },
    )


def _add(counts: dict, key: str | None, n: int) -> None:
    if key is not None:
        counts[key] = counts.get(key, 0) + n


def _by_district_from_groups(groups, *, period: Period, villages: dict, covered: dict, unit: str = "village__district") -> dict:
    """Per-kecamatan figures from the cooperative groups (aggregated rows, not
    cooperatives), with the same definitions as the lists they link to:

    - statuses and RAT compliance: the cooperatives registered on the period's day (today:
      every cooperative, as ``with_status_on`` reads it);
    - villages without an Aktif cooperative / without a registered, running Merah Putih one:
      ``villages`` (kecamatan: count) less ``covered`` (``_covered_villages``).
    """
    counts: dict = {pk: {"villages": n} for pk, n in villages.items()}
    for group in groups:
        district = counts.setdefault(group[unit], {})
        if group["registered"] or period.day >= period.today:
            n = group["n"]
            _add(district, "registered", n)
            _add(district, group["status"], n)
            _add(district, RAT_KEYS.get(group["rat_compliance"]), n)
            _add(district, "rat_due" if group["rat_compliance"] in DUE_COMPLIANCE else None, n)
            _add(district, _aktif_part(group), n)
            _add(district, "not_due_new" if _new_not_due(group) else None, n)
    for pk, district in counts.items():
        found = covered.get(pk, {})
        district["without_active"] = district.get("villages", 0) - found.get("active_villages", 0)
        district["without_merah_putih"] = district.get("villages", 0) - found.get("merah_putih_villages", 0)
    return counts


# Why "Aktif" and "RAT <book year>" differ (issue 15 item 7), from the same groups: Aktif
# counts every cooperative with a RAT for the reference book year, compliance only those
# due (existing since 1 January of that year). Not due and not dissolving: founded after it.
DISSOLVING = (Status.PEMBUBARAN, Status.DIBUBARKAN)


def _aktif_part(group: dict) -> str | None:
    """An Aktif group's part: ``aktif_filed`` (due, and filed: in "RAT <year>"),
    ``aktif_not_due`` (founded during the book year, held a RAT not yet due) or
    ``aktif_recorded`` (the office's recorded RAT year, no filing for that year)."""
    if group["status"] != Status.AKTIF:
        return None
    if group["rat_compliance"] in (Compliance.ON_TIME, Compliance.LATE):
        return "aktif_filed"
    return "aktif_not_due" if group["rat_compliance"] == Compliance.NOT_DUE else "aktif_recorded"


def _new_not_due(group: dict) -> bool:
    """No RAT due for the book year because founded after its 1 January (``rat_due``)."""
    return group["rat_compliance"] == Compliance.NOT_DUE and group["status"] not in DISSOLVING


@cached_figures
def _visits_by_district(*, user, period: Period, scope: Scope | None = None) -> dict:
    """Visits, cooperatives visited and coached in the period's year per kecamatan: the
    coverage list's ``coaching_summaries`` rows counted (one per cooperative and year,
    carrying its kecamatan: no join through the cooperatives)."""
    scope = scope or period.scope
    return _by_district(
        coaching_summaries(user=user, year=period.year).filter(period.region_q("district")),
        scope.unit_path("district"),
        {"visits": Sum("visits"), "visited": Count("id"), "coached": Count("id", filter=Q(coached=True))},
    )


@cached_figures
def _assigned_unvisited_by_district(*, user, period: Period, scope: Scope | None = None) -> dict:
    scope = scope or period.scope
    unvisited = assigned_unvisited_cooperatives(user=user, year=period.year, today=period.today)
    unvisited = unvisited.filter(period.region_q("village__district"))
    return _by_district(unvisited, scope.unit_path("village__district"), {"assigned_unvisited": Count("id")})


def village_coverage(*, period: Period | None = None, district=None, today=None) -> dict:
    """Villages of the office (or the kecamatan) without an active cooperative, and without
    a Merah Putih one: the village list's rows (``flagged_villages``) counted."""
    period = _period(period, today, district)
    villages = flagged_villages(day=period.day, today=period.today, scope=period.scope)
    if period.district is not None:
        villages = villages.filter(district=period.district)
    counts = village_coverage_counts(villages, by="district").values()
    return {key: sum(found[key] for found in counts) for key in VILLAGE_COVERAGE_KEYS}


def _by_district(queryset, path: str, counts: dict) -> dict:
    return {row[path]: row for row in queryset.order_by().values(path).annotate(**counts)}


COUNT_KEYS = (
    "registered", *Status.values,
    "rat_due", "rat_on_time", "rat_late", "rat_not_filed", "coached", "assigned_unvisited",
    "aktif_filed", "aktif_not_due", "aktif_recorded", "not_due_new",
    "villages", "without_active", "without_merah_putih",
    "visits", "visited", "followups_open", "followups_overdue", "assessed",
)


@dataclass(frozen=True)
class Province:
    """A province as a scorecard row of a national office (there is no province table)."""

    code: str
    name: str

    @property
    def pk(self) -> str:
        return self.code

    def __str__(self):
        return self.name


def scorecard_units(scope: Scope) -> list:
    """The scorecard's rows, one level below ``scope`` (one query): the kecamatan of a
    kabupaten office, the kabupaten/kota of a province, the provinces of the country."""
    if scope.level == REGENCY:
        return list(District.objects.filter(scope.code_q()).order_by("name"))
    if scope.level == PROVINCE:
        return list(Regency.objects.filter(province_code=scope.code).order_by("name"))
    pairs = Regency.objects.order_by("province_name").values_list("province_code", "province_name").distinct()
    return [Province(code, name) for code, name in pairs]


def _villages_by_unit(scope: Scope, units: list) -> dict:
    villages = Village.objects.all()
    if scope.level == REGENCY:
        villages = villages.filter(district__in=[d.pk for d in units])
    elif scope.level == PROVINCE:
        villages = villages.filter(district__regency__in=[r.pk for r in units])
    return dict(villages.order_by().values_list(scope.unit_path("district")).annotate(n=Count("id")))


@cached_figures
def _cooperative_figures(*, user, period: Period, unit: str) -> dict:
    """The cooperative groups (statuses, RAT compliance) and the villages covered, per unit:
    the scorecard's costly part, kept apart from the visits' so a saved visit leaves it be."""
    return {"groups": list(_cooperative_groups(user, period, unit)), "covered": _covered_villages(user, period, unit)}


@cached_figures
def _units_and_villages(*, user, period: Period, scope: Scope) -> tuple[list, dict]:
    """The scorecard's rows (``scorecard_units``) and their villages counted."""
    units = scorecard_units(scope)
    return units, _villages_by_unit(scope, units)


@cached_figures
def _followups_by_district(*, user, period: Period, scope: Scope) -> dict:
    return _by_district(
        FollowUp.objects.filter(visible_by_district_q(user), period.region_q("district")).open(),
        scope.unit_path("district"),
        {  # COUNT(*): an index-only scan of the open follow-ups' (district, due_date) index
            "followups_open": Count("*"),
            "followups_overdue": Count("due_date", filter=Q(due_date__lt=period.today)),
        },
    )


@cached_figures
def _assessed_by_district(*, user, period: Period, scope: Scope) -> dict:
    return _by_district(
        HealthAssessment.objects.filter(
            visible_cooperatives_q(user, path="cooperative"), period.region_q("cooperative__village__district"),
            year=period.year,
        ),
        scope.unit_path("cooperative__village__district"),
        {"assessed": Count("id")},
    )


def district_scorecard(*, user, period: Period | None = None, today=None) -> dict:
    """One row per kecamatan of the office and their total: every figure of the home page.
    Eight queries whatever the number of cooperatives, villages or visits; each part kept
    apart while the tables it read do not change (``cache.cached_figures``).

    A province office's rows are its kabupaten/kota and a national office's its provinces
    (``scorecard_units``): the same queries grouped on the kecamatan's kabupaten or its
    province code (``Scope.unit_path``); ``level`` says which. A drill-down
    (``period.region``) reads the region's own level below it."""
    period = _period(period, today, None)
    scope = period.scope if period.region else office_scope(user)
    units, villages = _units_and_villages(user=user, period=period, scope=scope)
    cooperative_unit = scope.unit_path("village__district")
    cooperatives = _cooperative_figures(user=user, period=period, unit=cooperative_unit)
    parts = [
        _by_district_from_groups(
            cooperatives["groups"], period=period, villages=villages, covered=cooperatives["covered"],
            unit=cooperative_unit,
        ),
        _visits_by_district(user=user, period=period, scope=scope),
        _assigned_unvisited_by_district(user=user, period=period, scope=scope),
        _followups_by_district(user=user, period=period, scope=scope),
        _assessed_by_district(user=user, period=period, scope=scope),
    ]
    rows = []
    for unit in units:
        row = dict.fromkeys(COUNT_KEYS, 0)
        for part in parts:
            found = part.get(unit.pk, {})
            row.update({key: value for key, value in found.items() if key in row})
        row["district"] = unit if scope.level == REGENCY else None  # the lists filter by kecamatan only
        row["region"] = unit
        rows.append(_with_national_reading(row))
    total = _with_national_reading({key: sum(row[key] for row in rows) for key in COUNT_KEYS})
    return {"rows": rows, "total": total, "level": scope.child_level}


def office_figures(scorecard: dict, district: District | None) -> dict:
    """The panels' figures: the chosen kecamatan's scorecard row, or the office total."""
    if district is None:
        return scorecard["total"]
    return next(row for row in scorecard["rows"] if row["district"].pk == district.pk)


# --- Panels beside the scorecard ------------------------------------------------------------


@cached_figures
def health_categories(*, user, period: Period) -> list[dict]:
    """Assessments of the period's year by category (best first), in one query."""
    assessments = HealthAssessment.objects.filter(
        visible_cooperatives_q(user, path="cooperative"), period.region_q("cooperative__village__district"),
        year=period.year,
    )
    if period.district is not None:
        assessments = assessments.filter(cooperative__village__district=period.district)
    return list(
        assessments.order_by().values("category", "category_rank").annotate(n=Count("id")).order_by("category_rank", "category")
    )


@cached_figures
def visits_by_assistant(*, user, period: Period, limit: int = 20) -> list[dict]:
    """Visits and cooperatives visited in the period's year per assistant, most first: two
    queries, the figures grouped by assistant only (``AssistantVisitSummary``, one row per
    assistant and cooperative), then the names of the ``limit`` shown."""
    summaries = AssistantVisitSummary.objects.filter(visible_by_district_q(user), period.region_q("district"), year=period.year)
    if period.district is not None:
        summaries = summaries.filter(district=period.district)
    rows = list(
        summaries.order_by()
        .values("assistant")
        .annotate(visits=Sum("visits"), visited=Count("id"))
        .order_by("-visits", "assistant")[:limit]
    )
    names = BusinessAssistant.objects.select_related("user").in_bulk([row["assistant"] for row in rows])
    for row in rows:
        row["name"] = names[row["assistant"]].user.get_full_name() or names[row["assistant"]].user.username
    return rows


def coaching_target(*, period: Period) -> CoachingTarget | None:
    """The coaching target of the period's year and scope: the kecamatan's when one is
    chosen, else the office-wide target of the scope shown (the user's office, or the
    province or kabupaten/kota drilled down to); ``None`` when that one has none (a
    wider office's target is not compared with a narrower region's figures)."""
    targets = CoachingTarget.objects.filter(year=period.year)
    if period.district is not None:
        return targets.filter(district=period.district).order_by("pk").first()
    return targets.filter(district__isnull=True, office_code=period.scope.code).order_by("pk").first()
