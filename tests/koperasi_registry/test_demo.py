"""The Sintang demo office (koperasi_registry.devtools.demo.registry, run by ``manage.py seed_demo``)."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Max

from cooperatives.choices import Bentuk, Lifecycle, Status
from cooperatives.models import Cooperative, RatFiling, Village
from cooperatives.status import StatusRules
from koperasi_registry.devtools.demo import registry as demo

TODAY = datetime.date(2026, 11, 22)


@pytest.fixture
def seeded(sintang):
    result = demo.seed(StringIO(), today=TODAY)
    return result


def _snapshot():
    return {
        "cooperatives": Cooperative.objects.count(),
        "filings": RatFiling.objects.count(),
        "cooperative_history": Cooperative.history.count(),
        "filing_history": RatFiling.history.count(),
        "fields": list(
            Cooperative.objects.order_by("office_code").values_list(
                "office_code", "name", "nik", "last_rat_year"
            )
        ),
    }


def test_seed_is_idempotent(seeded):
    before = _snapshot()
    again = demo.seed(StringIO(), today=TODAY)
    assert again["cooperatives"] == 0 and again["filings"] == 0
    assert _snapshot() == before
    assert before["cooperatives"] == seeded["cooperatives"] > 500


def test_seed_is_deterministic(seeded):
    plan = list(
        Cooperative.objects.order_by("office_code").values_list(
            "office_code", "name", "nik", "founded_on"
        )
    )
    Cooperative.history.all().delete()
    RatFiling.history.all().delete()
    RatFiling.objects.all().delete()
    Cooperative.objects.all().delete()
    demo.seed(StringIO(), today=TODAY)
    assert (
        list(
            Cooperative.objects.order_by("office_code").values_list(
                "office_code", "name", "nik", "founded_on"
            )
        )
        == plan
    )


@pytest.mark.parametrize(
    "today",
    [TODAY, datetime.date(2026, 3, 1), datetime.date(2027, 8, 15)],
    ids=["late-2026", "before-deadline-2026", "mid-2027"],
)
def test_every_status_occurs_and_a_sizeable_share_is_inactive(sintang, today):
    demo.seed(StringIO(), today=today)
    counts = dict(
        Cooperative.objects.with_status(today=today)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    assert set(counts) == set(Status.values), counts
    older = dict(
        Cooperative.objects.filter(is_merah_putih=False)
        .with_status(today=today)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    total = sum(older.values())
    assert 120 <= total <= 180
    # Like Sinjai (46 of 143) or Solok Selatan (49 of 127): a third or so not active.
    assert 0.2 < older[Status.TIDAK_AKTIF] / total < 0.45
    assert older[Status.AKTIF] > older[Status.KURANG_AKTIF] > 0
    assert older[Status.PEMBUBARAN] >= 3 and older[Status.DIBUBARKAN] >= 3


def test_one_merah_putih_cooperative_in_each_village(seeded):
    merah_putih = Cooperative.objects.filter(is_merah_putih=True)
    assert merah_putih.count() == 406
    assert merah_putih.values("village").distinct().count() == Village.objects.count() == 406
    assert not merah_putih.exclude(kelompok__name="Merah Putih").exists()
    assert not merah_putih.exclude(founded_on__year=2025).exists()
    kelurahan = merah_putih.filter(village__kind=Village.Kind.KELURAHAN)
    assert kelurahan.count() == 16
    assert all(
        name.startswith("Koperasi Kelurahan Merah Putih")
        for name in kelurahan.values_list("name", flat=True)
    )
    statuses = dict(
        merah_putih.with_status(today=TODAY)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    assert statuses[Status.BARU] > 300  # mostly new; a few held their first RAT already
    assert 0 < statuses.get(Status.AKTIF, 0) < 100


def test_older_cooperatives_cover_kelompok_jenis_bentuk_and_all_kecamatan(seeded):
    older = Cooperative.objects.filter(is_merah_putih=False)
    kelompok = set(older.values_list("kelompok__name", flat=True))
    assert {
        "KUD",
        "KSU",
        "KPRI",
        "Kopwan",
        "Kopkar",
        "KSP",
        "KSPPS",
        "Koptan",
        "Koppontren",
    } <= kelompok
    assert set(older.values_list("jenis", flat=True)) == {
        "simpan_pinjam",
        "konsumen",
        "produsen",
        "pemasaran",
        "jasa",
    }
    assert 2 <= older.filter(bentuk=Bentuk.SEKUNDER).count() <= 10
    assert older.filter(is_syariah=True, kelompok__name="KSPPS").count() >= 5
    assert Cooperative.objects.values("village__district").distinct().count() == 14
    assert older.values("village__district").distinct().count() >= 10


def test_identity_and_contact_fields_look_real(seeded):
    everyone = Cooperative.objects.all()
    total = everyone.count()
    with_nik = everyone.exclude(nik="")
    assert with_nik.count() > total / 2
    assert with_nik.values("nik").distinct().count() == with_nik.count()
    assert all(nik.isdigit() and len(nik) == 16 for nik in with_nik.values_list("nik", flat=True))
    numbers = list(
        everyone.exclude(legal_entity_number="").values_list(
            "legal_entity_number", "legal_entity_date"
        )
    )
    ahu = [(n, d) for n, d in numbers if n.startswith("AHU-")]
    old = [(n, d) for n, d in numbers if "/BH/" in n]
    assert len(ahu) + len(old) == len(numbers) and ahu and old
    assert all(n.endswith(f"TAHUN {d.year}") and d.year >= 2019 for n, d in ahu)
    assert all(d.year < 2019 for _, d in old)
    assert not everyone.filter(chair_name="").exists()
    assert everyone.exclude(phone="").count() > total * 0.7
    points = list(everyone.filter(latitude__isnull=False).values_list("latitude", "longitude"))
    assert len(points) > total / 3
    assert all(
        Decimal("0") <= lat <= Decimal("0.9") and Decimal("111.4") <= lon <= Decimal("113.0")
        for lat, lon in points
    )
    dissolved = everyone.exclude(lifecycle=Lifecycle.BERJALAN)
    assert dissolved.exists()
    assert not dissolved.filter(dissolution_decree_number="").exists()
    assert not dissolved.filter(dissolution_decree_date__isnull=True).exists()
    for cooperative in everyone.order_by("?")[:40]:
        cooperative.full_clean()


def test_filings_span_five_book_years_on_time_and_late(seeded):
    rules = StatusRules.from_settings()
    reference = rules.reference_year(today=TODAY, bentuk=Bentuk.PRIMER)
    filings = list(RatFiling.objects.select_related("cooperative"))
    assert {f.book_year for f in filings} == set(range(reference - 4, reference + 1))
    on_time = late = 0
    for filing in filings:
        deadline = rules.deadline(book_year=filing.book_year, bentuk=filing.cooperative.bentuk)
        assert (
            filing.book_year < filing.rat_date.year
            and filing.rat_date <= filing.reported_on <= TODAY
        )
        assert filing.book_year >= filing.cooperative.founded_on.year
        if filing.reported_on <= deadline:
            on_time += 1
        else:
            assert filing.rat_date > deadline  # a late filing: the meeting itself came late
            late += 1
    assert on_time > len(filings) / 2 and late > 20
    assert any(f.shu < 0 for f in filings) and any(f.shu > 0 for f in filings)
    for filing in filings:
        assert filing.total_aset == filing.modal_sendiri + filing.modal_luar
        if filing.cooperative.bentuk == Bentuk.PRIMER:
            assert filing.members_male + filing.members_female > 0
    assert any(f.members_female > f.members_male for f in filings)
    for filing in filings[:40]:
        filing.full_clean()


def test_last_rat_year_is_the_latest_filing_and_history_exists(seeded):
    latest = dict(
        RatFiling.objects.order_by().values_list("cooperative").annotate(m=Max("book_year"))
    )
    for pk, last in Cooperative.objects.values_list("pk", "last_rat_year"):
        assert last == latest.get(pk)
    assert Cooperative.history.count() == Cooperative.objects.count()
    assert RatFiling.history.count() == RatFiling.objects.count()


def test_seed_keeps_an_existing_merah_putih_cooperative_and_nik(sintang):
    village = Village.objects.order_by("code").first()
    own = Cooperative.objects.create(
        name="Kopdes MP Milik Dinas", jenis="konsumen", village=village, is_merah_putih=True
    )
    demo.seed(StringIO(), today=TODAY)
    assert Cooperative.objects.filter(is_merah_putih=True, village=village).get() == own
    assert Cooperative.objects.filter(is_merah_putih=True).count() == 406


def test_seed_demo_command_prints_a_status_summary(sintang, monkeypatch):
    from koperasi_registry.devtools import demo as seed_demo

    assert demo.seed in seed_demo.SEEDERS
    monkeypatch.setattr(
        seed_demo, "SEEDERS", [demo.seed]
    )  # the other seeders have their own tests
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "Koperasi demo Sintang: 556" in text
    for label in ("aktif", "kurang aktif", "tidak aktif", "baru", "dibubarkan"):
        assert label in text
    call_command("seed_demo", stdout=(second := StringIO()))
    assert "baru ditulis 0 koperasi dan 0 laporan RAT" in second.getvalue()
