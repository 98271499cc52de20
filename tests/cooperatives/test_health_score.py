"""The scoring rules at every boundary of the domain brief (section 6); no database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cooperatives.health.rules import (
    Aspect,
    InstrumentRules,
    category_rank,
    checklist_percentage,
    health_category,
    score_assessment,
    validate_score,
    validate_thresholds,
    validate_weights,
    weighted_total,
)
from cooperatives.health.models import instrument_applies

D = Decimal
KSP_THRESHOLDS = [(D(80), "Sehat"), (D(66), "Cukup Sehat"), (D(51), "Dalam Pengawasan"), (D(0), "Dalam Pengawasan Khusus")]
RATING_THRESHOLDS = [
    (D("419.01"), "Sangat Berkualitas"),  # "above 419" at two decimals (migration 0007)
    (D(340), "Berkualitas"),
    (D(260), "Cukup Berkualitas"),
    (D(180), "Kurang Berkualitas"),
    (D(0), "Tidak Berkualitas"),
]
NILAI_THRESHOLDS = [(D(76), "Sehat"), (D(51), "Cukup Sehat"), (D(26), "Kurang Sehat"), (D(0), "Tidak Sehat")]
KSP_WEIGHTS = {
    "Permodalan": D(15),
    "Kualitas Aktiva Produktif": D(25),
    "Manajemen": D(15),
    "Efisiensi": D(10),
    "Likuiditas": D(15),
    "Kemandirian dan Pertumbuhan": D(10),
    "Jatidiri Koperasi": D(10),
}


@pytest.mark.parametrize(
    ("total", "category"),
    [
        ("100", "Sehat"),
        ("80", "Sehat"),
        ("79.99", "Cukup Sehat"),
        ("66", "Cukup Sehat"),
        ("65.99", "Dalam Pengawasan"),
        ("51", "Dalam Pengawasan"),
        ("50.99", "Dalam Pengawasan Khusus"),
        ("0", "Dalam Pengawasan Khusus"),
    ],
)
def test_ksp_categories_at_the_boundaries(total, category):
    assert health_category(total=D(total), thresholds=KSP_THRESHOLDS) == category


@pytest.mark.parametrize(
    ("points", "category"),
    [
        (500, "Sangat Berkualitas"),
        (420, "Sangat Berkualitas"),
        (419, "Berkualitas"),
        (340, "Berkualitas"),
        (339, "Cukup Berkualitas"),
        (260, "Cukup Berkualitas"),
        (259, "Kurang Berkualitas"),
        (180, "Kurang Berkualitas"),
        (179, "Tidak Berkualitas"),
        (0, "Tidak Berkualitas"),
    ],
)
def test_rating_categories_at_the_boundaries(points, category):
    assert health_category(total=points, thresholds=RATING_THRESHOLDS) == category


@pytest.mark.parametrize(
    ("percentage", "nilai", "category"),
    [
        (100, 1, "Sehat"),
        (76, 1, "Sehat"),
        (75, 2, "Cukup Sehat"),
        (51, 2, "Cukup Sehat"),
        (50, 3, "Kurang Sehat"),
        (26, 3, "Kurang Sehat"),
        (25, 4, "Tidak Sehat"),
        (0, 4, "Tidak Sehat"),
    ],
)
def test_juknis_nilai_1_to_4(percentage, nilai, category):
    assert category_rank(total=percentage, thresholds=NILAI_THRESHOLDS) == nilai
    assert health_category(total=percentage, thresholds=NILAI_THRESHOLDS) == category


def test_thresholds_may_come_in_any_order():
    assert health_category(total=70, thresholds=list(reversed(KSP_THRESHOLDS))) == "Cukup Sehat"


def test_a_total_is_rounded_before_its_category_is_looked_up():
    # 79.995 shows as 80.00, so it is Sehat, never a "Cukup Sehat" with a total of 80,00.
    assert health_category(total=D("79.995"), thresholds=KSP_THRESHOLDS) == "Sehat"
    assert health_category(total=D("79.994"), thresholds=KSP_THRESHOLDS) == "Cukup Sehat"


def test_weighted_total_of_all_full_scores_is_100_and_of_zeros_is_0():
    assert weighted_total(scores={k: 100 for k in KSP_WEIGHTS}, weights=KSP_WEIGHTS) == D("100.00")
    assert weighted_total(scores={k: 0 for k in KSP_WEIGHTS}, weights=KSP_WEIGHTS) == D("0.00")


def test_weighted_total_weighs_each_aspect():
    scores = {k: 100 for k in KSP_WEIGHTS} | {"Kualitas Aktiva Produktif": 0}
    assert weighted_total(scores=scores, weights=KSP_WEIGHTS) == D("75.00")  # 100 - 25
    scores = {k: 80 for k in KSP_WEIGHTS} | {"Permodalan": D("79.93")}
    assert weighted_total(scores=scores, weights=KSP_WEIGHTS) == D("79.99")  # 80 - 0.07 * 15 / 100 -> 79.9895


def test_rating_total_is_score_times_weight():
    weights = {"A": D(25), "B": D(20), "C": D(20), "D": D(15), "E": D(10), "F": D(10)}
    scores = {"A": 5, "B": 4, "C": 4, "D": 4, "E": 4, "F": 4}  # 125 + 4 * 75 = 425
    assert weighted_total(scores=scores, weights=weights, max_score=5, max_total=500) == D("425.00")
    assert weighted_total(scores={k: 5 for k in weights}, weights=weights, max_score=5, max_total=500) == D("500.00")


@pytest.mark.parametrize(
    "weights",
    [
        {"A": D(50), "B": D(49)},
        {"A": D(50), "B": D("50.01")},
        {"A": D(100), "B": D(0)},
        {"A": D(110), "B": D(-10)},
        {},
    ],
)
def test_weights_that_do_not_make_100_are_rejected(weights):
    with pytest.raises(ValidationError) as error:
        validate_weights(weights)
    assert error.value.messages  # a message for the admin, in Indonesian
    with pytest.raises(ValidationError):
        weighted_total(scores={k: 50 for k in weights}, weights=weights)


def test_the_weights_message_names_the_sum():
    with pytest.raises(ValidationError) as error:
        validate_weights({"A": D(60), "B": D("39.5")})
    assert error.value.messages == ["Jumlah bobot aspek harus 100, sekarang 99,5."]


@pytest.mark.parametrize(("score", "ok"), [(0, True), (100, True), ("99.99", True), ("-0.01", False), ("100.01", False)])
def test_scores_lie_within_0_and_the_maximum(score, ok):
    if ok:
        assert validate_score(score) == D(str(score))
    else:
        with pytest.raises(ValidationError, match="antara 0 dan 100"):
            validate_score(score)


def test_a_missing_or_unknown_aspect_score_is_rejected():
    scores = {k: 80 for k in KSP_WEIGHTS}
    del scores["Likuiditas"]
    with pytest.raises(ValidationError, match="Likuiditas"):
        weighted_total(scores=scores, weights=KSP_WEIGHTS)
    with pytest.raises(ValidationError, match="Lainnya"):
        weighted_total(scores={k: 80 for k in KSP_WEIGHTS} | {"Lainnya": 1}, weights=KSP_WEIGHTS)


@pytest.mark.parametrize(
    ("thresholds", "max_total", "ok"),
    [
        (KSP_THRESHOLDS, 100, True),
        (RATING_THRESHOLDS, 500, True),
        (RATING_THRESHOLDS, 100, False),  # 419.01 above the maximum
        (KSP_THRESHOLDS[:3], 100, False),  # nothing from 0
        ([(D(0), "A"), (D(0), "B")], 100, False),
        ([], 100, False),
    ],
)
def test_threshold_tables_are_checked(thresholds, max_total, ok):
    if ok:
        validate_thresholds(thresholds, max_total=D(max_total))
    else:
        with pytest.raises(ValidationError):
            validate_thresholds(thresholds, max_total=D(max_total))


@pytest.mark.parametrize(("met", "items", "percentage"), [(0, 20, "0.00"), (20, 20, "100.00"), (15, 20, "75.00"), (2, 3, "66.67")])
def test_checklist_items_make_a_percentage(met, items, percentage):
    assert checklist_percentage(met=met, items=items) == D(percentage)


@pytest.mark.parametrize(("met", "items"), [(21, 20), (-1, 20), (0, 0)])
def test_impossible_checklists_are_rejected(met, items):
    with pytest.raises(ValidationError):
        checklist_percentage(met=met, items=items)


def test_score_assessment_gives_total_category_and_aspect_nilai():
    rules = InstrumentRules(
        code="uji",
        version=1,
        kind="checklist",
        aspects=(Aspect(name="Tata Kelola", weight=D(30)), Aspect(name="Profil Risiko", weight=D(70))),
        thresholds=(
            (D(76), "Sehat"), (D(51), "Cukup Sehat"), (D(26), "Dalam Pengawasan"), (D(0), "Dalam Pengawasan Khusus"),
        ),
        aspect_thresholds=tuple(NILAI_THRESHOLDS),
    )
    result = score_assessment(rules=rules, scores={"Tata Kelola": 80, "Profil Risiko": 50})
    assert result.total == D("59.00")  # 24 + 35
    assert (result.category, result.rank) == ("Cukup Sehat", 2)
    assert [(a.contribution, a.rank, a.category) for a in result.aspects] == [
        (D("24.00"), 1, "Sehat"),
        (D("35.00"), 3, "Kurang Sehat"),
    ]
    assert rules.snapshot()["weights"] == {"Tata Kelola": "30", "Profil Risiko": "70"}


@pytest.mark.parametrize(
    ("applies_to", "jenis", "is_syariah", "ok"),
    [
        ("ksp", "simpan_pinjam", False, True),
        ("ksp", "simpan_pinjam", True, False),
        ("kspps", "simpan_pinjam", True, True),
        ("kspps", "konsumen", True, False),
        ("simpan_pinjam", "simpan_pinjam", True, True),
        ("non_simpan_pinjam", "simpan_pinjam", False, False),
        ("non_simpan_pinjam", "produsen", False, True),
        ("all", "jasa", False, True),
    ],
)
def test_which_instrument_applies_to_which_cooperative(applies_to, jenis, is_syariah, ok):
    assert instrument_applies(applies_to=applies_to, jenis=jenis, is_syariah=is_syariah) is ok
