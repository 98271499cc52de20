"""The "Tren 5 tahun" page: five book years ending at the period's reference book year.

For each book year ``b``:

- **status**: what the cooperatives were on the day whose reference book year is ``b``,
  the end of ``b + 1`` (today if that is this year), exactly as the cooperative list
  shows it (``Period(year=b + 1).cooperatives``);
- **RAT compliance** for book year ``b``, as ``rat_compliance_counts``;
- **health**: assessments of year ``b`` by category;
- **visits** in calendar year ``b`` and the cooperatives visited, plus the calendar years
  after the last book year up to the chosen one (this year to date).

Queries: one for status and compliance together (one grouped query a year, sent as a
single ``UNION ALL``), one for the assessments, one for the visits and one for the
category labels the assessment list accepts. Python only lines up the aggregated rows.

A past status day (31 December) is read from the stored year-end rows
(``cooperatives.models.years.CooperativeYear``: status and compliance for the book year
before, kept by the write paths), grouped over an index without touching the cooperatives;
only today's column, and years older than the stored ones, run the rule over the
cooperatives (today's is a ``CASE`` over maintained columns; an old year's a correlated
subquery over the filings per cooperative, 1 s a year at 200,000 cooperatives).
"""


from django.db.models import Count, IntegerField, Sum, Value
from django.utils.translation import gettext as _

from assistants.models import VisitSummary
from cooperatives.choices import Status
from cooperatives.health.selectors import health_category_choices
from cooperatives.models import CooperativeYear, HealthAssessment
from cooperatives.models.years import built_years, readable_year
from cooperatives.querysets import visible_by_district_q, visible_cooperatives_q
from cooperatives.status import DUE_COMPLIANCE, Compliance, recent_years

from ..period import Period
from .cache import cached_figures

TREND_YEARS = 5
STATUSES = (Status.AKTIF, Status.KURANG_AKTIF, Status.TIDAK_AKTIF)
COMPLIANCES = (Compliance.ON_TIME, Compliance.LATE, Compliance.NOT_FILED)


def book_years(period: Period, count: int = TREND_YEARS) -> list[int]:
    """The book years shown, oldest first, ending at the period's reference book year."""
    return list(range(period.book_year - count + 1, period.book_year + 1))


def status_period(period: Period, book_year: int) -> Period:
    """The period whose day has ``book_year`` as reference year: the end of the next
    year (``status.status_date``: today if that is this year), same kecamatan and region."""
    return Period(
        year=book_year + 1, today=period.today, district=period.district, scope=period.scope, region=period.region
    )


def status_list_available(period: Period, *, today) -> bool:
    """Whether the cooperative list can show the statuses of ``period``: today's, or a past
    year its ``year`` filter offers (the last four)."""
    return period.year in recent_years(today=today)


def rate(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole``, one decimal; None when ``whole`` is 0."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


def _status_and_compliance(*, user, period: Period, years: list[int]) -> list[dict]:
    """``{book_year, status, rat_compliance, n}`` rows: per book year, the cooperatives on
    the status day grouped by status then and by RAT compliance for that book year.

    Grouping both on the status day's cooperatives is safe for compliance: the only
    cooperatives it leaves out were founded after that day, hence after 1 January of the
    book year, and are not due (``status.rat_due``)."""
    parts, built = [], built_years()
    for year in years:
        day_period = status_period(period, year)
        stored = readable_year(day_period.day, today=period.today, built=built) if day_period.historical else None
        if stored is not None:  # its row's compliance is for the book year before: ``year``
            queryset = CooperativeYear.objects.filter(visible_by_district_q(user), period.region_q("district"), year=stored)
            if period.district is not None:
                queryset = queryset.filter(district=period.district)
        else:
            queryset = day_period.cooperatives(user).with_rat_compliance(book_year=year)
        queryset = (
            queryset.annotate(book_year=Value(year, output_field=IntegerField()))
            .order_by()
            .values("book_year", "status", "rat_compliance")
            .annotate(n=Count("pk"))
        )
        parts.append(queryset)
    return list(parts[0].union(*parts[1:], all=True))


def _status_rows(
    *, period: Period, years: list[int], rows: list[dict]
) -> tuple[list[dict], list[dict]]:
    by_year = {
        year: {
            "status": dict.fromkeys(Status.values, 0),
            "rat": dict.fromkeys(Compliance.values, 0),
        }
        for year in years
    }
    for row in rows:  # at most 5 years x 6 statuses x 4 compliance values
        by_year[row["book_year"]]["status"][row["status"]] += row["n"]
        by_year[row["book_year"]]["rat"][row["rat_compliance"]] += row["n"]
    status, rat = [], []
    for year in years:
        day_period = status_period(period, year)
        counts = by_year[year]["status"]
        national = counts[Status.AKTIF] + counts[Status.KURANG_AKTIF]
        linked = status_list_available(day_period, today=period.today)
        status.append(
            {
                "book_year": year,
                "day": day_period.day,
                "today": not day_period.historical,
                "linked": linked,
                **{key: counts[key] for key in STATUSES},
                "aktif_nasional": national,
                "queries": {
                    **{key: day_period.status_query(status=key) for key in STATUSES},
                    "aktif_nasional": day_period.status_query(
                        status=[Status.AKTIF, Status.KURANG_AKTIF]
                    ),
                }
                if linked
                else {},
            }
        )
        compliance = by_year[year]["rat"]
        due = sum(compliance[key] for key in DUE_COMPLIANCE)
        rat.append(
            {
                "book_year": year,
                "due": due,
                **{key: compliance[key] for key in COMPLIANCES},
                "on_time_rate": rate(compliance[Compliance.ON_TIME], due),
                "queries": {
                    key: period.query(rat_year=year, rat_compliance=key)
                    for key in ("due", *COMPLIANCES)
                },
            }
        )
    return status, rat


def health_trend(*, user, period: Period, years: list[int]) -> dict:
    """Assessments of each year by category label (best rank first): two queries."""
    assessments = HealthAssessment.objects.filter(
        visible_cooperatives_q(user, path="cooperative"), period.region_q("cooperative__village__district"),
        year__range=(years[0], years[-1]),
    )
    if period.district is not None:
        assessments = assessments.filter(cooperative__village__district=period.district)
    counts = list(
        assessments.order_by().values("year", "category", "category_rank").annotate(n=Count("id"))
    )
    accepted = dict(health_category_choices())  # the labels the assessment list filters by
    rank: dict[str, int] = {}
    table: dict[tuple[str, int], int] = {}
    for row in counts:  # one row per year, category and rank
        rank[row["category"]] = min(
            rank.get(row["category"], row["category_rank"]), row["category_rank"]
        )
        table[row["category"], row["year"]] = (
            table.get((row["category"], row["year"]), 0) + row["n"]
        )
    categories = sorted(rank, key=lambda label: (rank[label], label))
    return {
        "categories": [
            {
                "label": label,
                "rank": rank[label],
                "cells": [
                    {
                        "year": year,
                        "n": table.get((label, year), 0),
                        "query": period.query(year=year, category=label)
                        if label in accepted
                        else "",
                    }
                    for year in years
                ],
            }
            for label in categories
        ],
        "totals": [
            {
                "year": year,
                "n": sum(table.get((label, year), 0) for label in categories),
                "query": period.query(year=year),
            }
            for year in years
        ],
    }


def visit_trend(*, user, period: Period, years: list[int]) -> list[dict]:
    """Visits of each calendar year and the cooperatives visited: one query over the visit
    summary. The book years end a year or two before the chosen year, so the calendar
    years after them up to the chosen one are added (this year's marked ``running``, to
    date): a visit made today is in the trend."""
    listed_years = recent_years(today=period.today)
    years = list(range(years[0], max(years[-1], period.year) + 1))
    summaries = VisitSummary.objects.filter(
        visible_by_district_q(user), period.region_q("district"), year__range=(years[0], years[-1])
    )
    if period.district is not None:
        summaries = summaries.filter(district=period.district)
    found = {
        row["year"]: row
        for row in summaries.order_by()
        .values("year")
        .annotate(visits=Sum("visits"), visited=Count("id"))
    }
    return [
        {
            "year": year,
            "running": year == period.today.year,
            "label": _("%(year)s (s.d. hari ini)") % {"year": year} if year == period.today.year else str(year),
            "visits": found.get(year, {}).get("visits", 0),
            "visited": found.get(year, {}).get("visited", 0),
            "query": period.query(
                visit_date_after=f"{year}-01-01", visit_date_before=f"{year}-12-31"
            ),
            # assistants:coverage_list offers this year and the four before it
            "coverage_query": period.query(coverage="visited", year=year)
            if year in listed_years
            else "",
        }
        for year in years
    ]


@cached_figures
def five_year_trends(*, user, period: Period) -> dict:
    """Every figure of the trends page: four queries whatever the number of rows."""
    years = book_years(period)
    status, rat = _status_rows(
        period=period,
        years=years,
        rows=_status_and_compliance(user=user, period=period, years=years),
    )
    return {
        "years": years,
        "status": status,
        "rat": rat,
        "health": health_trend(user=user, period=period, years=years),
        "visits": visit_trend(user=user, period=period, years=years),
    }


def chart_data(trends: dict) -> dict:
    """The four charts' data for ``static/js/dashboard_charts.js`` (labels, and series keyed
    for their colours), from the same rows the tables show."""
    labels = [str(year) for year in trends["years"]]

    def series(key, label, rows):
        return {"key": key, "label": str(label), "data": [row[key] for row in rows]}

    return {
        "status": {
            "labels": labels,
            "stacked": True,
            "series": [series(key, Status(key).label, trends["status"]) for key in STATUSES],
        },
        "rat": {
            "labels": labels,
            "stacked": True,
            "series": [series(key, Compliance(key).label, trends["rat"]) for key in COMPLIANCES],
        },
        "health": {
            "labels": labels,
            "stacked": True,
            "series": [
                {
                    "key": f"rank-{row['rank']}",
                    "label": row["label"],
                    "data": [cell["n"] for cell in row["cells"]],
                }
                for row in trends["health"]["categories"]
            ],
        },
        "visits": {  # calendar years: up to this year, to date (``visit_trend``)
            "labels": [row.get("label") or labels[index] for index, row in enumerate(trends["visits"])],
            "stacked": False,
            "series": [
                series("visits", _("Kunjungan"), trends["visits"]),
                series("visited", _("Koperasi dikunjungi"), trends["visits"]),
            ],
        },
    }
