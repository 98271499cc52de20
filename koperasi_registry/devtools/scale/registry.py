"""Scale data for the registry: cooperatives spread over the villages of the loaded regions,
with about 3.5 RAT filings each over the last book years."""

import datetime
from decimal import Decimal

from cooperatives.choices import Bentuk, Jenis, Lifecycle
from cooperatives.models import Cooperative, Kelompok, RatFiling
from cooperatives.status import StatusRules

from .run import Run

CODE_PREFIX = "SCALE-"
# fmt: off
NAME_HEADS = ["KSU", "KSP", "KUD", "KPRI", "Kopwan", "Kopkar", "Koptan", "KSPPS BMT", "Koperasi Jasa", "Koppontren"]
NAME_WORDS = [
    "Maju Bersama", "Karya Mandiri", "Sejahtera", "Harapan Baru", "Bina Usaha", "Sumber Rezeki", "Tunas Harapan",
    "Mekar Sari", "Usaha Bersama", "Sepakat", "Gotong Royong", "Makmur Jaya", "Tani Makmur", "Setia Kawan",
    "Cahaya Baru", "Mitra Usaha", "Sumber Makmur", "Bumi Lestari", "Amanah", "Berkah", "Sinar Harapan",
]
KELOMPOK_BY_HEAD = {"KSPPS BMT": "KSPPS", "Koperasi Jasa": "Lain-lain"}
JENIS_BY_HEAD = {
    "KSP": Jenis.SIMPAN_PINJAM, "KSPPS BMT": Jenis.SIMPAN_PINJAM, "KUD": Jenis.PRODUSEN, "Koptan": Jenis.PRODUSEN,
    "Koperasi Jasa": Jenis.JASA, "KPRI": Jenis.KONSUMEN, "Kopkar": Jenis.KONSUMEN, "Kopwan": Jenis.SIMPAN_PINJAM,
}
# Activity profiles of the older cooperatives: (share, chance of a RAT in each book year).
ACTIVITY = [(0.65, 0.92), (0.20, 0.55), (0.15, 0.15)]
MERAH_PUTIH_SHARE = 0.05
# fmt: on


def cooperatives_and_filings(run: Run, villages, total, years) -> dict:
    """``total`` cooperatives over ``villages`` with their RAT filings, in batches."""
    today = run.today
    rules = StatusRules.from_settings()
    reference = rules.reference_year(today=today, bentuk=Bentuk.PRIMER)
    book_years = list(range(reference - years + 1, reference + 1))
    kelompok = dict(Kelompok.objects.values_list("name", "id"))
    offset = Cooperative.objects.filter(office_code__startswith=CODE_PREFIX).count()
    new_ids, filings_total = [], 0
    for start in range(0, total, run.batch):
        cooperatives, plans = [], []
        for number in range(offset + start, offset + min(start + run.batch, total)):
            cooperative, filing_years = _cooperative(
                run, number, villages, kelompok, reference, book_years
            )
            cooperatives.append(cooperative)
            plans.append(filing_years)
        created = Cooperative.objects.bulk_create(cooperatives, batch_size=run.batch)
        ids = [c.pk for c in created]
        if ids[0] is None:  # a backend without RETURNING: read the ids back
            codes = [c.office_code for c in cooperatives]
            by_code = dict(
                Cooperative.objects.filter(office_code__in=codes).values_list(
                    "office_code", "id"
                )
            )
            ids = [by_code[code] for code in codes]
        new_ids.extend(ids)
        filings = [
            _filing(run, pk, year, bentuk=c.bentuk, rules=rules)
            for pk, c, filing_years in zip(ids, cooperatives, plans, strict=True)
            for year in filing_years
        ]
        RatFiling.objects.bulk_create(filings, batch_size=run.batch)
        filings_total += len(filings)
        run.progress("koperasi", min(start + run.batch, total), total)
    return {"koperasi": total, "laporan RAT": filings_total, "new_ids": new_ids}


def _cooperative(run: Run, number, villages, kelompok, reference, book_years):
    rng = run.rng
    village_id, _kind = villages[rng.randrange(len(villages))]
    merah_putih = rng.random() < MERAH_PUTIH_SHARE
    head = rng.choice(NAME_HEADS)
    bentuk = Bentuk.SEKUNDER if rng.random() < 0.01 else Bentuk.PRIMER
    lifecycle, decree_number, decree_date = Lifecycle.BERJALAN, "", None
    if merah_putih:
        name = f"Koperasi Desa Merah Putih {rng.choice(NAME_WORDS)} {number}"
        founded = datetime.date(2025, rng.randrange(5, 8), rng.randrange(1, 29))
        years = [2025] if 2025 in book_years and rng.random() < 0.1 else []
        kelompok_id, jenis, bentuk = kelompok.get("Merah Putih"), Jenis.KONSUMEN, Bentuk.PRIMER
    else:
        name = f"{head} {rng.choice(NAME_WORDS)} {number}"
        founded = datetime.date(
            rng.randrange(1975, reference), rng.randrange(1, 13), rng.randrange(1, 29)
        )
        pick, chance = rng.random(), ACTIVITY[-1][1]
        for share, p in ACTIVITY:
            if pick < share:
                chance = p
                break
            pick -= share
        years = [y for y in book_years if y >= founded.year and rng.random() < chance]
        kelompok_id = kelompok.get(KELOMPOK_BY_HEAD.get(head, head))
        jenis = JENIS_BY_HEAD.get(head) or rng.choice(Jenis.values)
        ending = rng.random()
        if ending < 0.025:
            lifecycle = Lifecycle.PEMBUBARAN if ending < 0.01 else Lifecycle.DIBUBARKAN
            decree_date = run.today - datetime.timedelta(days=rng.randrange(10, 900))
            decree_number = f"{rng.randrange(1, 999)}/KEP/DEP.2/{decree_date.year}"
    point = rng.random() < 0.4
    return (
        Cooperative(
            name=name,
            office_code=f"{CODE_PREFIX}{number:07d}",
            nik=f"99{number:014d}" if rng.random() < 0.8 else "",
            legal_entity_number=f"AHU-{number:07d}.AH.01.26.TAHUN {max(founded.year, 2019)}",
            jenis=jenis,
            bentuk=bentuk,
            kelompok_id=kelompok_id,
            is_syariah=head == "KSPPS BMT",
            is_merah_putih=merah_putih,
            village_id=village_id,
            address=f"Jl. Koperasi No. {rng.randrange(1, 200)}",
            latitude=Decimal(f"{rng.uniform(-8, 5):.6f}") if point else None,
            longitude=Decimal(f"{rng.uniform(95, 140):.6f}") if point else None,
            founded_on=founded,
            chair_name=f"Ketua {number}",
            phone=f"0812-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}",
            lifecycle=lifecycle,
            dissolution_decree_number=decree_number,
            dissolution_decree_date=decree_date,
        ),
        years,
    )


def _filing(run: Run, cooperative_id, year, *, bentuk, rules):
    rng = run.rng
    deadline = rules.deadline(book_year=year, bentuk=bentuk)
    if rng.random() < 0.7:
        rat_date = deadline - datetime.timedelta(days=rng.randrange(5, 90))
        reported = rat_date + datetime.timedelta(days=rng.randrange(0, 5))
    else:
        rat_date = min(deadline + datetime.timedelta(days=rng.randrange(1, 150)), run.today)
        reported = min(rat_date + datetime.timedelta(days=rng.randrange(0, 20)), run.today)
    members = rng.randrange(20, 1500)
    modal_sendiri = members * rng.randrange(100, 5000) * 1000
    modal_luar = int(modal_sendiri * rng.random())
    aset = modal_sendiri + modal_luar
    volume = int(aset * rng.uniform(0.2, 2.5))
    return RatFiling(
        cooperative_id=cooperative_id,
        book_year=year,
        rat_date=rat_date,
        reported_on=reported,
        members_male=members // 2 + rng.randrange(0, members // 4 + 1),
        members_female=members // 2,
        pengurus_count=3,
        pengawas_count=3,
        modal_sendiri=Decimal(modal_sendiri),
        modal_luar=Decimal(modal_luar),
        total_aset=Decimal(aset),
        volume_usaha=Decimal(volume),
        shu=Decimal(int(volume * rng.gauss(0.03, 0.04))),
    )
