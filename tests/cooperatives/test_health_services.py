"""assessment_create computes on the server, validates, snapshots the rules it used."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cooperatives.models import HealthAspectScore, HealthAssessment

from .health_helpers import KSP, KSPPS, PERMENKOP, RATING, assess, instrument, ksp, kspps, produsen, uniform_scores

pytestmark = pytest.mark.django_db


def test_total_category_and_aspect_rows_are_computed_and_stored(sintang, staf):
    scores = uniform_scores(KSP, 80) | {"Kualitas Aktiva Produktif": Decimal("79.96")}
    assessment = assess(ksp(), scores=scores, assessor=staf)
    # 80 - 0.04 * 25 / 100 = 79.99
    assert (assessment.total, assessment.category, assessment.category_rank) == (Decimal("79.99"), "Cukup Sehat", 2)
    rows = list(assessment.aspect_scores.order_by("order"))
    assert [r.name for r in rows][:2] == ["Permodalan", "Kualitas Aktiva Produktif"]
    assert rows[1].weight == 25 and rows[1].score == Decimal("79.96") and rows[1].contribution == Decimal("19.99")
    assert assessment.snapshot["weights"]["Kualitas Aktiva Produktif"] == "25.00"
    assert assessment.snapshot["thresholds"][0] == ["80.00", "Sehat"]
    assert assessment.assessor == staf
    assert assessment.history.count() == 1


def test_changing_the_instrument_later_leaves_stored_assessments_unchanged(sintang, staf):
    cooperative = ksp()
    assessment = assess(cooperative, score=80, assessor=staf)
    inst = instrument(KSP)
    inst.aspects.filter(name="Permodalan").update(weight=5)
    inst.aspects.filter(name="Manajemen").update(weight=25)
    inst.thresholds.filter(label="Sehat").update(lower_bound=90)
    inst.aspects.filter(name="Efisiensi").update(name="Efisiensi Usaha")

    assessment.refresh_from_db()
    assert (assessment.total, assessment.category) == (Decimal("80.00"), "Sehat")
    assert assessment.snapshot["thresholds"][0] == ["80.00", "Sehat"]
    stored = {row.name: row.weight for row in assessment.aspect_scores.all()}
    assert stored["Permodalan"] == 15 and stored["Manajemen"] == 15 and "Efisiensi" in stored

    # The next assessment uses the new rules: 80 is now below Sehat's 90.
    later = assess(cooperative, year=2025, score=80, assessor=staf)
    assert later.category == "Cukup Sehat"
    assert later.snapshot["weights"]["Permodalan"] == "5.00"


def test_the_rating_adds_score_times_weight(sintang, staf):
    scores = uniform_scores(RATING, 4) | {"Badan Usaha Aktif": 5}  # 25 * 5 + 75 * 4 = 425
    assessment = assess(produsen(), code=RATING, scores=scores, assessor=staf)
    assert (assessment.total, assessment.max_total, assessment.category) == (
        Decimal("425.00"), Decimal("500.00"), "Sangat Berkualitas",
    )


def test_checklist_counts_replace_the_typed_score(sintang, staf):
    scores = uniform_scores(PERMENKOP, 90) | {"Tata Kelola": 1}  # the checklist below wins
    assessment = assess(ksp(), code=PERMENKOP, scores=scores, checklists={"Tata Kelola": (15, 20)}, assessor=staf)
    row = assessment.aspect_scores.get(name="Tata Kelola")
    assert (row.score, row.category) == (Decimal("75.00"), "Cukup Sehat")
    assert row.components == {"butir_terpenuhi": 15, "jumlah_butir": 20}
    assert assessment.total == Decimal("85.50")  # 22.5 + 0.9 * 70
    assert assessment.category == "Sehat"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"score": 101}, "antara 0 dan 100"),
        ({"score": -1}, "antara 0 dan 100"),
        ({"code": KSPPS}, "tidak termasuk"),  # a syariah instrument for a conventional KSP
        ({"code": RATING}, "tidak termasuk"),
    ],
)
def test_invalid_input_saves_nothing(sintang, staf, change, message):
    with pytest.raises(ValidationError, match=message):
        assess(ksp(), assessor=staf, **change)
    assert HealthAssessment.objects.count() == 0
    assert HealthAspectScore.objects.count() == 0


def test_a_missing_aspect_score_saves_nothing(sintang, staf):
    scores = uniform_scores(KSP, 80)
    del scores["Likuiditas"]
    with pytest.raises(ValidationError, match="Likuiditas"):
        assess(ksp(), scores=scores, assessor=staf)
    assert HealthAssessment.objects.count() == 0


def test_one_assessment_per_cooperative_year_and_instrument(sintang, staf):
    cooperative = kspps()
    assess(cooperative, code=KSPPS, assessor=staf)
    with pytest.raises(ValidationError, match="sudah dinilai"):
        assess(cooperative, code=KSPPS, assessor=staf)
    assess(cooperative, code=PERMENKOP, assessor=staf)  # another instrument, same year: allowed
    assert HealthAssessment.objects.count() == 2


def test_an_inactive_instrument_is_refused(sintang, staf):
    instrument(KSP).__class__.objects.filter(code=KSP).update(active=False)
    with pytest.raises(ValidationError, match="tidak aktif"):
        assess(ksp(), assessor=staf)
