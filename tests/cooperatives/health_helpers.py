"""Helpers for the health assessment tests: cooperatives of each kind and assessments
written through the service (never by hand)."""

import datetime
from importlib import import_module
from decimal import Decimal

from cooperatives.health.services import assessment_create
from cooperatives.models import HealthInstrument
from tests.factories import CooperativeFactory

KSP = "ksp-perdep-06-2016"
KSPPS = "kspps-perdep-07-2016"
PERMENKOP = "permenkop-9-2020"
RATING = "pemeringkatan-2007"


def install_instruments() -> None:
    """Re-install the data migration's instruments (a transactional test's flush removes them)."""
    from django.apps import apps

    import_module("cooperatives.migrations.0005_health_instruments").install(apps, None)
    import_module("cooperatives.migrations.0007_rating_above_419").forwards(apps, None)


def instrument(code: str) -> HealthInstrument:
    if not HealthInstrument.objects.filter(code=code, version=1).exists():
        install_instruments()
    return HealthInstrument.objects.get(code=code, version=1)


def ksp(**kwargs):
    return CooperativeFactory(jenis="simpan_pinjam", is_syariah=False, **kwargs)


def kspps(**kwargs):
    return CooperativeFactory(jenis="simpan_pinjam", is_syariah=True, **kwargs)


def produsen(**kwargs):
    return CooperativeFactory(jenis="produsen", **kwargs)


def uniform_scores(code: str, score) -> dict:
    return {aspect.name: Decimal(str(score)) for aspect in instrument(code).aspects.all()}


def assess(cooperative, *, code=KSP, year=2024, score=85, assessor, **kwargs):
    return assessment_create(
        cooperative=cooperative,
        year=year,
        instrument=instrument(code),
        assessed_on=kwargs.pop("assessed_on", datetime.date(year + 1, 6, 1)),
        assessor=assessor,
        scores=kwargs.pop("scores", None) or uniform_scores(code, score),
        **kwargs,
    )


def form_data(cooperative, *, code=KSP, year=2024, score="85", **extra) -> dict:
    """POST data for the entry form, every aspect scored ``score``."""
    inst = instrument(code)
    data = {
        "cooperative": cooperative.pk,
        "year": year,
        "instrument": inst.pk,
        "assessed_on": f"{year + 1}-06-01",
        "notes": "",
    }
    for aspect in inst.aspects.all():
        data[f"aspect_{aspect.pk}"] = score
    data.update(extra)
    return data
