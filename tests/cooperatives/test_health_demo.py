"""The demo seeder for health assessments: runs after the registry demo, idempotent."""

import io
from decimal import Decimal

import pytest

from cooperatives.models import HealthAssessment
from koperasi_registry.devtools.demo import health as demo_health

from .health_helpers import ksp, kspps, produsen

pytestmark = pytest.mark.django_db


def test_without_cooperatives_it_does_nothing(staf):
    out = io.StringIO()
    assert demo_health.seed(stdout=out) == 0
    assert HealthAssessment.objects.count() == 0
    assert "dilewati" in out.getvalue()


def test_two_years_for_savings_cooperatives_and_some_others_idempotent(sintang, staf):
    savings = [ksp(office_code=f"DEMO-K{i}") for i in range(3)] + [kspps(office_code="DEMO-S1")]
    others = [produsen(office_code=f"DEMO-P{i}") for i in range(8)]
    created = demo_health.seed(stdout=io.StringIO())
    assert created == HealthAssessment.objects.count() > 0
    years = set(HealthAssessment.objects.values_list("year", flat=True))
    assert len(years) == 2
    for cooperative in savings:
        assert cooperative.health_assessments.values("year").distinct().count() == 2
    rated = HealthAssessment.objects.filter(cooperative__in=others).values("cooperative").distinct().count()
    assert rated == 2  # every fourth
    assert set(HealthAssessment.objects.filter(cooperative=savings[0]).values_list("instrument__code", flat=True)) == {
        "ksp-perdep-06-2016", "permenkop-9-2020",
    }
    assert demo_health.seed(stdout=io.StringIO()) == 0  # second run adds nothing
    # Every stored result agrees with its own aspect rows.
    for assessment in HealthAssessment.objects.prefetch_related("aspect_scores"):
        assert sum(row.contribution for row in assessment.aspect_scores.all()) == pytest.approx(assessment.total, abs=Decimal("0.05"))
