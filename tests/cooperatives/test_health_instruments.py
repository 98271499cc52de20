"""The data migration installs the known instruments with their weights and thresholds."""

from decimal import Decimal

import pytest

from cooperatives.health.rules import validate_thresholds, validate_weights
from cooperatives.health.selectors import instrument_rules
from cooperatives.models import HealthInstrument

from .health_helpers import KSP, KSPPS, PERMENKOP, RATING, instrument

pytestmark = pytest.mark.django_db


def weights(code):
    return {a.name: a.weight for a in instrument(code).aspects.all()}


def thresholds(code, level="total"):
    return [(t.lower_bound, t.label) for t in instrument(code).thresholds.filter(level=level).order_by("-lower_bound")]


def test_four_instruments_are_installed_and_active():
    assert set(HealthInstrument.objects.active().values_list("code", flat=True)) == {KSP, KSPPS, PERMENKOP, RATING}


def test_perdep_06_2016_weights_and_categories():
    assert weights(KSP) == {
        "Permodalan": 15,
        "Kualitas Aktiva Produktif": 25,
        "Manajemen": 15,
        "Efisiensi": 10,
        "Likuiditas": 15,
        "Kemandirian dan Pertumbuhan": 10,
        "Jatidiri Koperasi": 10,
    }
    assert thresholds(KSP) == [
        (80, "Sehat"), (66, "Cukup Sehat"), (51, "Dalam Pengawasan"), (0, "Dalam Pengawasan Khusus"),
    ]
    assert instrument(KSP).applies_to == "ksp"
    assert "06/Per/Dep.6/IV/2016" in instrument(KSP).regulation


def test_perdep_07_2016_syariah_weights():
    assert list(weights(KSPPS).values()) == [10, 20, 15, 10, 15, 10, 10, 10]
    assert list(weights(KSPPS))[-1] == "Prinsip Syariah"
    assert thresholds(KSPPS) == thresholds(KSP)


def test_permenkop_9_2020_checklist_with_provisional_weights_said_so():
    inst = instrument(PERMENKOP)
    assert inst.kind == "checklist"
    assert weights(PERMENKOP) == {"Tata Kelola": 30, "Profil Risiko": 15, "Kinerja Keuangan": 40, "Permodalan": 15}
    assert "SEMENTARA" in inst.description
    assert [label for _, label in thresholds(PERMENKOP)] == [
        "Sehat", "Cukup Sehat", "Dalam Pengawasan", "Dalam Pengawasan Khusus",
    ]
    assert thresholds(PERMENKOP, "aspect") == [(76, "Sehat"), (51, "Cukup Sehat"), (26, "Kurang Sehat"), (0, "Tidak Sehat")]


def test_pemeringkatan_2007_is_a_500_point_rating():
    inst = instrument(RATING)
    assert (inst.kind, inst.max_score, inst.max_total) == ("rating", Decimal(5), Decimal(500))
    assert thresholds(RATING) == [
        (Decimal("419.01"), "Sangat Berkualitas"), (340, "Berkualitas"), (260, "Cukup Berkualitas"),
        (180, "Kurang Berkualitas"), (0, "Tidak Berkualitas"),
    ]
    assert inst.applies_to == "non_simpan_pinjam"


@pytest.mark.parametrize("code", [KSP, KSPPS, PERMENKOP, RATING])
def test_every_installed_instrument_passes_its_own_checks(code):
    rules = instrument_rules(instrument=instrument(code))
    rules.validate()
    validate_weights(rules.weights)
    validate_thresholds(rules.thresholds, max_total=rules.max_total)
