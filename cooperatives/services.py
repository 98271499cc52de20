"""Writes with rules: RAT filings keep their cooperative's ``last_rat_year`` and its
year-end statuses (``CooperativeYear``) current."""

import datetime

from django.db import connection, models, transaction
from django.db.models import F, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, NullIf

from .models import Cooperative, CooperativeYear, CooperativeYearBuild, RatFiling
from .models.years import stored_years
from .status import StatusRules

# What a year-end status reads of the cooperative itself (a save of other fields keeps its rows).
YEAR_INPUTS = frozenset(
    {"founded_on", "lifecycle", "dissolution_decree_date", "bentuk", "recorded_rat_year", "village"}
)
YEARS_BATCH = 20_000  # cooperatives per INSERT ... SELECT of the rebuild


def cooperative_refresh_rat_summary(*, cooperative_ids=None) -> int:
    """Recompute ``last_rat_year`` in one UPDATE (all cooperatives if no ids): the latest
    book year filed, or the office's ``recorded_rat_year`` where that is later (a record
    without filings; a filing for that year or a later one supersedes it)."""
    latest = (
        RatFiling.objects.filter(cooperative=OuterRef("pk"))
        .order_by()
        .values("cooperative")
        .annotate(latest=Max("book_year"))
        .values("latest")
    )
    cooperatives = Cooperative.objects.all()
    if cooperative_ids is not None:
        cooperatives = cooperatives.filter(pk__in=list(cooperative_ids))
    zero = Value(0, output_field=models.PositiveSmallIntegerField())
    # GREATEST skips NULLs on PostgreSQL but not on SQLite: compare over 0 instead.
    later = Greatest(Coalesce(Subquery(latest), zero), Coalesce(F("recorded_rat_year"), zero))
    count = cooperatives.update(last_rat_year=NullIf(later, zero))
    if cooperative_ids is not None:  # every write path that refreshes these refreshes their years
        cooperative_years_refresh(cooperative_ids=cooperative_ids)
    return count


def _year_rows(cooperatives, *, year: int, rules: StatusRules):
    """The ``CooperativeYear`` columns of ``year`` for ``cooperatives``, as the rule reads
    them live: the status on 31 December (``with_status_on_live``) and the compliance for
    the book year before."""
    day = datetime.date(year, 12, 31)
    return (
        cooperatives.with_status_on_live(day, today=day + datetime.timedelta(days=1))
        .with_rat_compliance(book_year=year - 1, rules=rules)
        .order_by()
        .values_list(
            "pk", "village__district_id", Value(year, output_field=IntegerField()), "status", "rat_year_on",
            "rat_compliance",
        )
    )


def _insert_years(cooperatives, *, years, rules: StatusRules) -> int:
    """One ``INSERT ... SELECT`` of every year's rows of ``cooperatives`` (a ``UNION ALL``)."""
    parts = [_year_rows(cooperatives, year=year, rules=rules) for year in years]
    if not parts:
        return 0
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    sql, params = query.query.sql_with_params()
    table = connection.ops.quote_name(CooperativeYear._meta.db_table)
    columns = "cooperative_id, district_id, year, status, rat_year, rat_compliance"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
        return cursor.rowcount


@transaction.atomic
def cooperative_years_refresh(*, cooperative_ids) -> int:
    """Rewrite the ``CooperativeYear`` rows of some cooperatives (two queries)."""
    ids = list(cooperative_ids)
    if not ids:
        return 0
    CooperativeYear.objects.filter(cooperative_id__in=ids).delete()
    return _insert_years(
        Cooperative.objects.filter(pk__in=ids), years=stored_years(), rules=StatusRules.from_settings()
    )


@transaction.atomic
def cooperative_years_rebuild(*, batch: int = YEARS_BATCH, progress=None, mark: bool = True) -> int:
    """Rewrite every ``CooperativeYear`` row: the table emptied, then one ``INSERT ...
    SELECT`` per ``batch`` cooperatives (a range of ids); one transaction, so that pages
    read the old rows until the new ones are all there (PostgreSQL's MVCC). The stored
    years are then marked complete under today's rule settings (``readable_year``;
    ``mark=False`` only for the migration that predates the marks)."""
    rules, years = StatusRules.from_settings(), stored_years()
    CooperativeYear.objects.all()._raw_delete(CooperativeYear.objects.db)
    if mark:
        CooperativeYearBuild.objects.all().delete()
        CooperativeYearBuild.objects.bulk_create(CooperativeYearBuild(year=year, rules=rules.key) for year in years)
    bounds = Cooperative.objects.aggregate(low=models.Min("pk"), high=models.Max("pk"))
    if bounds["low"] is None:
        return 0
    written = 0
    for start in range(bounds["low"], bounds["high"] + 1, batch):
        written += _insert_years(
            Cooperative.objects.filter(pk__gte=start, pk__lt=start + batch), years=years, rules=rules
        )
        if progress is not None:
            progress(min(start + batch - 1, bounds["high"]), written)
    return written


@transaction.atomic
def rat_filing_save(*, filing: RatFiling) -> RatFiling:
    """Validate and save a new or changed filing, then refresh the cooperative's summary."""
    filing.full_clean()
    filing.save()
    cooperative_refresh_rat_summary(cooperative_ids=[filing.cooperative_id])
    return filing


@transaction.atomic
def rat_filing_create(*, cooperative: Cooperative, **fields) -> RatFiling:
    return rat_filing_save(filing=RatFiling(cooperative=cooperative, **fields))


@transaction.atomic
def rat_filing_delete(*, filing: RatFiling) -> None:
    cooperative_id = filing.cooperative_id
    filing.delete()
    cooperative_refresh_rat_summary(cooperative_ids=[cooperative_id])
