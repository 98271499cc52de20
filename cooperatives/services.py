"""Writes with rules: RAT filings keep their cooperative's ``last_rat_year`` current."""

from django.db import models, transaction
from django.db.models import F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, NullIf

from .models import Cooperative, RatFiling


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
    return cooperatives.update(last_rat_year=NullIf(later, zero))


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
