"""Reads for health assessments. Every selector applies ``visible_to(user)``.

For the registry pages (owned elsewhere) this module offers:

* ``assessment_history(*, cooperative)``: a cooperative's assessments, oldest year first,
  for ``templates/cooperatives/_health_history.html``;
* ``with_latest_health_category(queryset)``: annotates cooperatives with
  ``latest_health_category`` (the category of their most recent assessment, by year) in
  one correlated subquery, so lists can show, sort and filter by it without a query per row.
"""

from decimal import Decimal

from django.db.models import OuterRef, Subquery

from ..models import Cooperative
from .models import HealthAssessment, HealthCategoryThreshold, HealthInstrument, ThresholdLevel
from .rules import Aspect, InstrumentRules


def assessment_list(*, user):
    """Assessments of the cooperatives ``user`` may see, with what the list shows joined in."""
    return HealthAssessment.objects.filter(cooperative__in=Cooperative.objects.visible_to(user)).select_related(
        "cooperative__village__district", "instrument", "assessor"
    )


def assessment_history(*, cooperative):
    """One cooperative's assessments, oldest first (for a trend), with their instruments."""
    return (
        HealthAssessment.objects.filter(cooperative=cooperative)
        .select_related("instrument")
        .order_by("year", "instrument__name", "id")
    )


def latest_assessment_subquery(field: str = "category"):
    return Subquery(
        HealthAssessment.objects.filter(cooperative=OuterRef("pk"))
        .order_by("-year", "-assessed_on", "-id")
        .values(field)[:1]
    )


def with_latest_health_category(queryset):
    """``queryset`` of cooperatives annotated with ``latest_health_category`` (None if never assessed)."""
    return queryset.annotate(latest_health_category=latest_assessment_subquery("category"))


def health_category_choices() -> list[tuple[str, str]]:
    """The final-category labels of all instruments, best first (one query)."""
    labels = (
        HealthCategoryThreshold.objects.filter(level=ThresholdLevel.TOTAL)
        .order_by("order", "label")
        .values_list("label", flat=True)
    )
    seen: dict[str, None] = {}
    for label in labels:
        seen.setdefault(label, None)
    return [(label, label) for label in seen]


def instrument_choices():
    return HealthInstrument.objects.active().order_by("name", "-version")


def instrument_rules(*, instrument: HealthInstrument) -> InstrumentRules:
    """The instrument's current aspects and thresholds as plain values (two queries)."""
    aspects = tuple(
        Aspect(id=a.pk, order=a.order, name=a.name, weight=a.weight)
        for a in instrument.aspects.order_by("order", "id")
    )
    thresholds = list(instrument.thresholds.order_by("-lower_bound").values_list("level", "lower_bound", "label"))
    return InstrumentRules(
        code=instrument.code,
        version=instrument.version,
        kind=instrument.kind,
        aspects=aspects,
        thresholds=tuple((lower, label) for level, lower, label in thresholds if level == ThresholdLevel.TOTAL),
        aspect_thresholds=tuple(
            (lower, label) for level, lower, label in thresholds if level == ThresholdLevel.ASPECT
        ),
        max_score=Decimal(instrument.max_score),
        max_total=Decimal(instrument.max_total),
    )
