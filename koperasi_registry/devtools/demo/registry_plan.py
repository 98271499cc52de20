"""The demo office's plan: ``DemoOffice`` builds the same cooperatives and RAT filings every
time for a given ``today``, from the profiles in ``registry_data`` (nothing here touches
the database; ``registry.seed`` writes the plan)."""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from cooperatives.choices import Bentuk, Jenis, Lifecycle, Status
from cooperatives.models import Cooperative, Kelompok, Village
from cooperatives.status import StatusRules

from .registry_data import (
    BOOK_YEARS,
    DUSUN,
    FILL,
    LAT_RANGE,
    LON_RANGE,
    MERAH_PUTIH_FOUNDED,
    MERAH_PUTIH_RAT_SHARE,
    PREFIX,
    PROFILES,
    REGENCY_CODE,
    ROMAN,
    SEED,
    SEKUNDER,
    STATUS_SHARES,
    STREETS,
    WORDS,
)


@dataclass
class Plan:
    cooperative: Cooperative
    filings: list[dict] = field(default_factory=list)


def _money(value: float) -> Decimal:
    return Decimal(int(round(value, -3)))


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return low * (high / low) ** rng.random()


def _day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


class DemoOffice:
    """Builds the same plan every time for a given ``today`` (nothing here touches the database)."""

    def __init__(self, *, villages: list[Village], today: datetime.date, rules: StatusRules):
        from faker import Faker

        self.rng = random.Random(SEED)
        self.fake = Faker("id_ID")
        self.fake.seed_instance(SEED)
        self.today = today
        self.rules = rules
        self.reference_year = rules.reference_year(today=today, bentuk=Bentuk.PRIMER)
        self.book_years = list(range(self.reference_year - BOOK_YEARS + 1, self.reference_year + 1))
        self.villages = villages
        self.town = [v for v in villages if v.district.code == f"{REGENCY_CODE}.01"] or villages
        self.centres = {}
        for district_code in sorted({v.district.code for v in villages}):
            self.centres[district_code] = (
                self.rng.uniform(0.1, 0.8),
                self.rng.uniform(111.55, 112.85),
            )
        self.niks: set[str] = set()
        self.names: set[str] = set()
        self.legal_numbers = 0

    # --- attributes -------------------------------------------------------------------
    def nik(self) -> str:
        while True:
            value = f"{REGENCY_CODE.replace('.', '')}{self.rng.randrange(10**11, 10**12)}"
            if value not in self.niks:
                self.niks.add(value)
                return value

    def phone(self) -> str:
        if self.rng.random() < 0.15:
            return f"(0565) {self.rng.randrange(20000, 29999)}"
        prefix = self.rng.choice(
            ["0811", "0812", "0813", "0821", "0822", "0852", "0853", "0857", "0896"]
        )
        return f"{prefix}-{self.rng.randrange(1000, 9999)}-{self.rng.randrange(1000, 9999)}"

    def point(self, village: Village):
        lat0, lon0 = self.centres[village.district.code]
        lat = min(max(lat0 + self.rng.uniform(-0.07, 0.07), LAT_RANGE[0]), LAT_RANGE[1])
        lon = min(max(lon0 + self.rng.uniform(-0.09, 0.09), LON_RANGE[0]), LON_RANGE[1])
        return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")

    def address(self, village: Village) -> str:
        if village.kind == Village.Kind.KELURAHAN:
            return f"Jl. {self.rng.choice(STREETS)} No. {self.rng.randrange(1, 160)}"
        rt, rw = self.rng.randrange(1, 12), self.rng.randrange(1, 6)
        return f"Dusun {self.rng.choice(DUSUN)}, RT {rt:03d}/RW {rw:03d}"

    def legal_entity(self, founded: datetime.date, *, within_days: int = 300):
        """Number, date and authority: AHU numbers since 2019, the older free formats before."""
        date = min(
            founded + datetime.timedelta(days=self.rng.randrange(10, within_days)), self.today
        )
        self.legal_numbers += 1
        if date.year >= 2019:
            number = f"AHU-{self.rng.randrange(1000, 99999):07d}.AH.01.26.TAHUN {date.year}"
            return number, date, "Kementerian Hukum dan HAM RI"
        number = (
            f"518.{self.rng.randrange(1, 9):02d}/{self.rng.randrange(10, 400)}/BH/XIV.10/"
            f"{ROMAN[date.month - 1]}/{date.year}"
        )
        authority = (
            "Kantor Departemen Koperasi Kabupaten Sintang"
            if date.year < 2000
            else "Dinas Koperasi Kabupaten Sintang"
        )
        return number, date, authority

    def board(self, *, merah_putih_head: bool = False, manager: bool = False) -> dict:
        supervisors = [self.fake.name() for _ in range(3)]
        if merah_putih_head:
            supervisors[0] += " (Kepala Desa)"
        return {
            "chair_name": self.fake.name(),
            "secretary_name": self.fake.name(),
            "treasurer_name": self.fake.name_female(),
            "supervisor_names": ", ".join(supervisors),
            "manager_name": self.fake.name() if manager else "",
        }

    def unique_name(self, name: str, *, place: str = "") -> str:
        """Namesakes get their kecamatan (``place``) or a number: "KSU Maju Bersama II"."""
        candidate, number = name, 1
        if place and candidate in self.names:
            candidate = f"{name} {place}"
        while candidate in self.names:
            number += 1
            candidate = f"{name} {ROMAN[number - 1] if number <= len(ROMAN) else number}"
        self.names.add(candidate)
        return candidate

    # --- RAT filings ------------------------------------------------------------------
    def filing_dates(self, *, book_year: int, bentuk: str, on_time: bool):
        deadline = self.rules.deadline(book_year=book_year, bentuk=bentuk)
        if on_time:
            rat = _day_between(
                self.rng, datetime.date(book_year + 1, 1, 20), deadline - datetime.timedelta(days=8)
            )
            reported = min(rat + datetime.timedelta(days=self.rng.randrange(0, 15)), deadline)
        else:
            last = min(datetime.date(book_year + 1, 11, 30), self.today)
            rat = _day_between(self.rng, deadline + datetime.timedelta(days=1), last)
            reported = min(rat + datetime.timedelta(days=self.rng.randrange(0, 22)), self.today)
        return rat, reported

    def years_for(self, status: str, founded_year: int) -> list[int]:
        ref, window = self.reference_year, self.rules.window
        years = []
        for year in self.book_years:
            if year < founded_year:
                continue
            if status == Status.AKTIF:
                held = year == ref or self.rng.random() < 0.8
            elif status == Status.KURANG_AKTIF:
                held = year != ref and (
                    year == ref - 1 or self.rng.random() < (0.5 if year > ref - window else 0.6)
                )
            elif status == Status.TIDAK_AKTIF:
                held = year <= ref - window and self.rng.random() < 0.45
            elif status in (Status.PEMBUBARAN, Status.DIBUBARKAN):
                held = year <= ref - window and self.rng.random() < 0.3
            else:
                held = False
            if held:
                years.append(year)
        return years

    def filings(self, *, years, bentuk, members, profile_money, status, sekunder_members=0):
        equity_pm, outside_ratio, turnover, female_share = profile_money
        growth = self.rng.uniform(-0.05, 0.09)
        on_time_share = {Status.AKTIF: 0.75, Status.KURANG_AKTIF: 0.5}.get(status, 0.4)
        equity_per_member = _log_uniform(self.rng, *equity_pm)
        rows = []
        for year in years:
            scale = (1 + growth) ** (year - self.reference_year)
            people = 0 if sekunder_members else max(int(members * scale), 9)
            female = int(people * self.rng.uniform(*female_share))
            modal_sendiri = (
                _log_uniform(self.rng, 200e6, 3e9) * scale
                if sekunder_members
                else people * equity_per_member
            )
            modal_sendiri, modal_luar = (
                _money(modal_sendiri),
                _money(modal_sendiri * self.rng.uniform(*outside_ratio)),
            )
            aset = modal_sendiri + modal_luar  # the balance sheet: equity plus liabilities
            volume = float(aset) * self.rng.uniform(*turnover)
            margin = self.rng.gauss(0.03, 0.035)
            rat_date, reported_on = self.filing_dates(
                book_year=year, bentuk=bentuk, on_time=self.rng.random() < on_time_share
            )
            big = people > 300 or modal_sendiri > 1_000_000_000
            manager_female = big and self.rng.random() < 0.4
            rows.append(
                {
                    "book_year": year,
                    "rat_date": rat_date,
                    "reported_on": reported_on,
                    "members_male": people - female,
                    "members_female": female,
                    "pengurus_count": self.rng.choice([3, 3, 5]),
                    "pengawas_count": 3,
                    "managers_male": int(big and not manager_female),
                    "managers_female": int(manager_female),
                    "employees_male": self.rng.randrange(0, 2 + people // 120),
                    "employees_female": self.rng.randrange(0, 2 + people // 150),
                    "modal_sendiri": modal_sendiri,
                    "modal_luar": modal_luar,
                    "total_aset": aset,
                    "volume_usaha": _money(volume),
                    "shu": _money(volume * margin),
                    "notes": f"Anggota: {sekunder_members} koperasi primer."
                    if sekunder_members
                    else "",
                }
            )
        return rows

    # --- cooperatives -----------------------------------------------------------------
    def merah_putih(self, kelompok: Kelompok) -> list[Plan]:
        plans = []
        ref = self.reference_year
        for village in self.villages:
            founded = _day_between(self.rng, *MERAH_PUTIH_FOUNDED)
            legal = (
                self.legal_entity(founded, within_days=60)
                if self.rng.random() < 0.95
                else ("", None, "")
            )
            lat, lon = self.point(village) if self.rng.random() < 0.65 else (None, None)
            word = "Kelurahan" if village.kind == Village.Kind.KELURAHAN else "Desa"
            cooperative = Cooperative(
                name=self.unique_name(
                    f"Koperasi {word} Merah Putih {village.name}", place=village.district.name
                ),
                office_code=f"{PREFIX}{village.code}",
                nik=self.nik() if self.rng.random() < 0.55 else "",
                legal_entity_number=legal[0],
                legal_entity_date=legal[1],
                legal_entity_authority=legal[2],
                jenis=self.rng.choice(
                    [Jenis.KONSUMEN, Jenis.KONSUMEN, Jenis.JASA, Jenis.SIMPAN_PINJAM]
                ),
                bentuk=Bentuk.PRIMER,
                kelompok=kelompok,
                is_merah_putih=True,
                village=village,
                address=self.address(village),
                latitude=lat,
                longitude=lon,
                founded_on=founded,
                phone=self.phone() if self.rng.random() < 0.8 else "",
                **self.board(merah_putih_head=village.kind != Village.Kind.KELURAHAN),
            )
            members = self.rng.randrange(25, 200)
            held = 2025 <= ref and self.rng.random() < MERAH_PUTIH_RAT_SHARE
            status = Status.AKTIF if held else Status.BARU
            filings = self.filings(
                years=[2025] if held else [],
                bentuk=Bentuk.PRIMER,
                members=members,
                profile_money=((50_000, 300_000), (0.0, 4.0), (0.3, 1.5), (0.3, 0.55)),
                status=status,
            )
            plans.append(Plan(cooperative, filings))
        return plans

    def statuses(self, count: int) -> list[str]:
        quota = [
            status for status, share in STATUS_SHARES for _ in range(max(1, round(share * count)))
        ]
        quota = (quota + [Status.TIDAK_AKTIF] * count)[:count]
        self.rng.shuffle(quota)
        return quota

    def older(self, kelompok: dict[str, Kelompok]) -> list[Plan]:
        specs = [(profile, None) for profile in PROFILES for _ in range(profile.count)]
        specs += [(next(p for p in PROFILES if p.kelompok == row[0]), row) for row in SEKUNDER]
        statuses = self.statuses(len(specs))
        plans = []
        for number, ((profile, sekunder), status) in enumerate(
            zip(specs, statuses, strict=True), start=1
        ):
            village = self.rng.choice(
                self.town if sekunder or self.rng.random() < profile.in_town else self.villages
            )
            ref = self.reference_year
            if status == Status.BARU:
                founded = _day_between(
                    self.rng, datetime.date(ref, 2, 1), self.today - datetime.timedelta(days=30)
                )
            elif sekunder:
                founded = datetime.date(
                    sekunder[4], self.rng.randrange(1, 13), self.rng.randrange(1, 29)
                )
            else:
                last_year = ref - self.rules.window if status != Status.AKTIF else ref - 1
                first, last = profile.founded[0], min(profile.founded[1], last_year)
                founded = datetime.date(
                    self.rng.randrange(min(first, last), last + 1),
                    self.rng.randrange(1, 13),
                    self.rng.randrange(1, 29),
                )
            if sekunder:
                name, jenis, syariah = sekunder[1], sekunder[2], sekunder[3]
            else:
                pattern = self.rng.choice(profile.names)
                name = pattern.format(
                    w=self.rng.choice(WORDS),
                    d=village.district.name,
                    **{k: self.rng.choice(v) for k, v in FILL.items()},
                )
                jenis, syariah = self.rng.choice(profile.jenis), profile.syariah
            legal = self.legal_entity(founded) if self.rng.random() < 0.92 else ("", None, "")
            lat, lon = self.point(village) if self.rng.random() < 0.55 else (None, None)
            lifecycle, decree_number, decree_date = Lifecycle.BERJALAN, "", None
            if status == Status.PEMBUBARAN:
                lifecycle = Lifecycle.PEMBUBARAN
                decree_date = _day_between(self.rng, datetime.date(ref, 7, 1), self.today)
                decree_number = (
                    f"500.2.1/{self.rng.randrange(10, 400)}/DISKOPUKM-STG/{decree_date.year}"
                )
            elif status == Status.DIBUBARKAN:
                lifecycle = Lifecycle.DIBUBARKAN
                decree_date = _day_between(
                    self.rng, datetime.date(ref - 2, 1, 1), datetime.date(ref, 12, 31)
                )
                decree_date = min(decree_date, self.today)
                month = ROMAN[decree_date.month - 1]
                decree_number = f"{self.rng.randrange(10, 300)}/KEP/DEP.2/{month}/{decree_date.year}"
            members = int(_log_uniform(self.rng, *profile.members))
            cooperative = Cooperative(
                name=self.unique_name(name),
                office_code=f"{PREFIX}{number:04d}",
                nik=self.nik() if status != Status.BARU and self.rng.random() < 0.85 else "",
                legal_entity_number=legal[0],
                legal_entity_date=legal[1],
                legal_entity_authority=legal[2],
                jenis=jenis,
                bentuk=Bentuk.SEKUNDER if sekunder else Bentuk.PRIMER,
                kelompok=kelompok[profile.kelompok],
                is_syariah=syariah,
                village=village,
                address=self.address(village),
                latitude=lat,
                longitude=lon,
                founded_on=founded,
                phone=self.phone() if self.rng.random() < 0.85 else "",
                lifecycle=lifecycle,
                dissolution_decree_number=decree_number,
                dissolution_decree_date=decree_date,
                **self.board(manager=members > 300 or profile.kelompok in ("KSP", "KSPPS")),
            )
            filings = self.filings(
                years=self.years_for(status, founded.year),
                bentuk=cooperative.bentuk,
                members=members,
                profile_money=(
                    profile.equity_per_member,
                    profile.outside_ratio,
                    profile.turnover,
                    profile.female_share,
                ),
                status=status,
                sekunder_members=sekunder[5] if sekunder else 0,
            )
            plans.append(Plan(cooperative, filings))
        return plans
