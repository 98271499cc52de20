"""Demo health assessments: ``seed(stdout)``, one of ``manage.py seed_demo``'s SEEDERS, run
after the registry's demo seeder (``devtools.demo.registry.seed``).

For the two latest book years it assesses every savings cooperative (KSP on Perdep
06/2016, and in the latest year also on Permenkop 9/2020 with checklist counts; KSPPS on
Perdep 07/2016) and every fourth other cooperative on the 2007 rating. Merah Putih
cooperatives (founded 2025) and dissolved ones are left out. Scores are drawn around a
per-cooperative level with a fixed seed, so the spread covers every category.

Everything goes through ``assessment_create``, so totals, categories and snapshots are
what the app itself computes. Idempotent: an existing (cooperative, year, instrument) is
skipped. Without cooperatives, or without a user to act as assessor, it does nothing.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from koperasi_registry.scopes import default_scope
from cooperatives.choices import Jenis, Lifecycle
from cooperatives.health.models import HealthAssessment, HealthInstrument
from cooperatives.health.services import assessment_create
from cooperatives.models import Cooperative

KSP, KSPPS, PERMENKOP, RATING = "ksp-perdep-06-2016", "kspps-perdep-07-2016", "permenkop-9-2020", "pemeringkatan-2007"
OTHER_SHARE = 4  # every fourth non-savings cooperative is rated


def _assessor():
    User = get_user_model()
    return (
        User.objects.filter(username="staf").first()
        or User.objects.filter(groups__name="Staf").order_by("pk").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )


def _percentages(rng, level, aspects):
    return {a.name: Decimal(max(0, min(100, round(rng.gauss(level, 9), 2)))).quantize(Decimal("0.01")) for a in aspects}


def _ratings(rng, level, aspects):
    # 1-5 indicator averages, to one decimal.
    return {a.name: Decimal(str(max(0.0, min(5.0, round(rng.gauss(level / 20, 0.5), 1))))) for a in aspects}


def _checklists(rng, level, aspects):
    result = {}
    for aspect in aspects:
        items = rng.choice([10, 12, 15, 20, 25])
        met = max(0, min(items, round(items * rng.gauss(level, 10) / 100)))
        result[aspect.name] = (met, items)
    return result


def seed(stdout=None) -> int:
    cooperatives = list(
        Cooperative.objects.in_office(scope=default_scope())
        .filter(is_merah_putih=False, lifecycle=Lifecycle.BERJALAN)
        .order_by("office_code", "pk")
    )
    assessor = _assessor()
    if not cooperatives or assessor is None:
        if stdout:
            stdout.write("Penilaian kesehatan demo: dilewati (belum ada koperasi atau pengguna).")
        return 0
    instruments = {i.code: i for i in HealthInstrument.objects.filter(version=1).prefetch_related("aspects")}
    existing = set(HealthAssessment.objects.values_list("cooperative_id", "year", "instrument_id"))
    today = timezone.localdate()
    years = (today.year - 2, today.year - 1)
    created = 0
    others = 0
    for cooperative in cooperatives:
        savings = cooperative.jenis == Jenis.SIMPAN_PINJAM
        if not savings:
            others += 1
            if others % OTHER_SHARE:
                continue
        key = cooperative.office_code or str(cooperative.pk)
        level = random.Random(f"health-{key}").uniform(35, 95)
        for year in years:
            rng = random.Random(f"health-{key}-{year}")
            level_this_year = max(10, min(98, level + (year - years[0]) * rng.uniform(-8, 8)))
            if savings:
                codes = [KSPPS] if cooperative.is_syariah else [KSP] + ([PERMENKOP] if year == years[-1] else [])
            else:
                codes = [RATING]
            for code in codes:
                instrument = instruments.get(code)
                if instrument is None or (cooperative.pk, year, instrument.pk) in existing:
                    continue
                if not instrument.applies(cooperative):
                    continue
                aspects = list(instrument.aspects.all())
                checklists = _checklists(rng, level_this_year, aspects) if code == PERMENKOP else None
                draw = _ratings if code == RATING else _percentages
                scores = draw(rng, level_this_year, aspects)
                # At the book year's end or in the middle of the next year (as offices do).
                year_end = rng.random() < 0.4
                month = 12 if year_end else rng.choice([5, 6, 7])
                assessed_on = min(datetime.date(year if year_end else year + 1, month, rng.randint(1, 28)), today)
                assessment_create(
                    cooperative=cooperative,
                    year=year,
                    instrument=instrument,
                    assessed_on=assessed_on,
                    assessor=assessor,
                    scores=scores,
                    checklists=checklists,
                    notes="Data demo",
                )
                created += 1
    if stdout:
        stdout.write(f"Penilaian kesehatan demo: {created} penilaian baru untuk tahun buku {years[0]}-{years[1]}.")
    return created
