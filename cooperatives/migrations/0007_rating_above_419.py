"""Pemeringkatan 2007: "Sangat Berkualitas" is *above 419* (domain brief section 6).

0005 seeded its lower bound as 420, which left totals between 419 and 420 (e.g. 419.50:
aspect scores are averages with two decimals) in "Berkualitas". The rule for every
instrument: a band's lower bound is inclusive and the band runs up to the next band's
lower bound, exclusive; "above 419" is the one exclusive bound, and since totals carry
two decimals (``rules.quantize``) it is the inclusive bound 419.01.

Assessments already computed with the seeded 420 (their snapshot says so) and a total in
that gap get the category and rank they should have had, and their snapshot the bound
they are now computed with. An instrument whose 420 bound an Admin already changed is
left alone.
"""

from decimal import Decimal

from django.db import migrations

CODE = "pemeringkatan-2007"
OLD, NEW = Decimal("420"), Decimal("419.01")
OLD_DESCRIPTION = (
    "Kategori: di atas 419 (yaitu 420 ke atas, karena skor dan bobot pada kertas kerja "
    "bilangan bulat) Sangat Berkualitas;"
)
NEW_DESCRIPTION = (
    "Kategori: di atas 419 (nilai total dua desimal, jadi 419,01 ke atas) Sangat Berkualitas;"
)


def _fix_snapshots(Assessment, old: Decimal, new: Decimal, *, gap_low: Decimal, gap_high: Decimal, label, rank):
    for assessment in Assessment.objects.filter(snapshot__instrument=CODE):
        thresholds = assessment.snapshot.get("thresholds") or []
        if not any(Decimal(lower) == old and text == label for lower, text in thresholds):
            continue
        assessment.snapshot["thresholds"] = [
            [str(new) if Decimal(lower) == old and text == label else lower, text] for lower, text in thresholds
        ]
        fields = ["snapshot"]
        if gap_low <= assessment.total < gap_high:
            assessment.category, assessment.category_rank = rank
            fields += ["category", "category_rank"]
        assessment.save(update_fields=fields)


def forwards(apps, schema_editor):
    Threshold = apps.get_model("cooperatives", "HealthCategoryThreshold")
    Instrument = apps.get_model("cooperatives", "HealthInstrument")
    Assessment = apps.get_model("cooperatives", "HealthAssessment")
    Threshold.objects.filter(
        instrument__code=CODE, level="total", label="Sangat Berkualitas", lower_bound=OLD
    ).update(lower_bound=NEW)
    for instrument in Instrument.objects.filter(code=CODE):
        if OLD_DESCRIPTION in instrument.description:
            instrument.description = instrument.description.replace(OLD_DESCRIPTION, NEW_DESCRIPTION)
            instrument.save(update_fields=["description"])
    # Totals in [419.01, 420) were labelled Berkualitas (rank 2): now Sangat Berkualitas (1).
    _fix_snapshots(
        Assessment, OLD, NEW, gap_low=NEW, gap_high=OLD, label="Sangat Berkualitas", rank=("Sangat Berkualitas", 1)
    )


def backwards(apps, schema_editor):
    Threshold = apps.get_model("cooperatives", "HealthCategoryThreshold")
    Instrument = apps.get_model("cooperatives", "HealthInstrument")
    Assessment = apps.get_model("cooperatives", "HealthAssessment")
    Threshold.objects.filter(
        instrument__code=CODE, level="total", label="Sangat Berkualitas", lower_bound=NEW
    ).update(lower_bound=OLD)
    for instrument in Instrument.objects.filter(code=CODE):
        if NEW_DESCRIPTION in instrument.description:
            instrument.description = instrument.description.replace(NEW_DESCRIPTION, OLD_DESCRIPTION)
            instrument.save(update_fields=["description"])
    _fix_snapshots(Assessment, NEW, OLD, gap_low=NEW, gap_high=OLD, label="Sangat Berkualitas", rank=("Berkualitas", 2))


class Migration(migrations.Migration):
    dependencies = [("cooperatives", "0006_recorded_rat_year_and_date_validators")]

    operations = [migrations.RunPython(forwards, backwards)]
