import pytest
from django.core.management import CommandError, call_command

from cooperatives.choices import VillageKind
from cooperatives.models import District, Regency, Village
from cooperatives.region_codes import village_kind
from cooperatives.region_loader import UnknownRegionCode, load_regions, resolve_regencies


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("61.05.01.1001", VillageKind.KELURAHAN),
        ("61.05.01.2003", VillageKind.DESA),
        ("91.03.01.3001", VillageKind.DESA_ADAT),
    ],
)
def test_village_kind_comes_from_the_first_digit_of_the_village_part(code, kind):
    assert village_kind(code) == kind


@pytest.mark.parametrize("code", ["61.05.01", "61.05.01.9001", "61.05.01.x"])
def test_village_kind_rejects_non_village_codes(code):
    with pytest.raises(ValueError):
        village_kind(code)


@pytest.mark.django_db
def test_load_sintang_gives_the_official_counts():
    result = load_regions(["61.05"])
    assert result.created == {"regency": 1, "district": 14, "village": 406}
    sintang = Regency.objects.get(code="61.05")
    assert sintang.name == "Kabupaten Sintang"
    assert sintang.province_name == "Kalimantan Barat"
    assert District.objects.filter(regency=sintang).count() == 14
    villages = Village.objects.filter(district__regency=sintang)
    assert villages.filter(kind=VillageKind.DESA).count() == 390
    assert villages.filter(kind=VillageKind.KELURAHAN).count() == 16
    # A code taken from the data, never generated.
    ladang = Village.objects.get(code="61.05.01.1001")
    assert (ladang.name, ladang.kind, ladang.district.code) == ("Ladang", "kelurahan", "61.05.01")
    assert ladang.postal_code == "78612"


@pytest.mark.django_db
def test_reloading_changes_nothing():
    load_regions(["61.05"])
    before = list(Village.objects.order_by("code").values_list("id", "code", "name", "kind"))
    again = load_regions(["6105"])
    assert again.created == {"regency": 0, "district": 0, "village": 0}
    assert again.updated == {"regency": 0, "district": 0, "village": 0}
    assert list(Village.objects.order_by("code").values_list("id", "code", "name", "kind")) == before


@pytest.mark.django_db
def test_reloading_repairs_a_changed_name():
    load_regions(["61.05"])
    Village.objects.filter(code="61.05.01.1001").update(name="Salah Ketik")
    result = load_regions(["61.05"])
    assert result.updated["village"] == 1
    assert Village.objects.get(code="61.05.01.1001").name == "Ladang"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "districts", "desa", "kelurahan"),
    [("13.11", 7, 39, 0), ("73.07", 9, 67, 13), ("64.08", 18, 139, 2), ("19.03", 8, 50, 3)],
)
def test_the_domain_briefs_other_offices(code, districts, desa, kelurahan):
    load_regions([code])
    assert District.objects.in_regency(code).count() == districts
    villages = Village.objects.in_regency(code)
    assert villages.filter(kind="desa").count() == desa
    assert villages.filter(kind="kelurahan").count() == kelurahan


@pytest.mark.django_db
def test_several_kabupaten_at_once_and_a_province():
    load_regions(["61.05", "13.11"])
    assert Regency.objects.count() == 2
    assert [r.code for r in resolve_regencies(["61"])][:2] == ["61.01", "61.02"]
    assert all(r.code.startswith("61.") for r in resolve_regencies(["61"]))


@pytest.mark.parametrize("code", ["99.99", "61.05.01", "abc", "61.99"])
def test_unknown_or_wrong_level_codes_are_refused(code):
    with pytest.raises(UnknownRegionCode):
        resolve_regencies([code])


@pytest.mark.django_db
def test_command_reports_counts_and_a_clear_error(capsys):
    call_command("load_regions", "61.05")
    out = capsys.readouterr().out
    assert "kecamatan: 14" in out
    assert "desa/kelurahan: 406" in out
    with pytest.raises(CommandError, match="Kode wilayah tidak dikenal: 99.99"):
        call_command("load_regions", "99.99")
    assert Regency.objects.count() == 1
