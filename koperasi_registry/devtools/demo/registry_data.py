"""What the demo office is made of: names, places, kelompok profiles and the share of each
derived status (``registry_plan.DemoOffice`` draws from these; ``registry.seed`` writes)."""

import datetime
from dataclasses import dataclass

from cooperatives.choices import Jenis, Status

REGENCY_CODE = "61.05"
PREFIX = "DEMO-"
SEED = 6105
BOOK_YEARS = 5
CHANGE_REASON = "Data demo"
# The kabupaten's rough extent (synthetic points are drawn inside it).
LAT_RANGE = (0.0, 0.9)
LON_RANGE = (111.4, 113.0)
MERAH_PUTIH_FOUNDED = (datetime.date(2025, 5, 2), datetime.date(2025, 7, 21))

# fmt: off
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
WORDS = [
    "Maju Bersama", "Karya Mandiri", "Sejahtera", "Harapan Baru", "Bina Usaha", "Sumber Rezeki",
    "Tunas Harapan", "Mekar Sari", "Sinar Kapuas", "Kapuas Jaya", "Melawi Sejahtera", "Bukit Kelam",
    "Usaha Bersama", "Sepakat", "Rumah Betang", "Tampun Juah", "Bina Sejahtera", "Mufakat",
    "Sinar Harapan", "Gotong Royong", "Makmur Jaya", "Tani Makmur", "Berkat Usaha", "Setia Kawan",
    "Cahaya Baru", "Mitra Usaha", "Sumber Makmur", "Bumi Lestari", "Tembawang Lestari", "Pancur Kasih",
    "Lawang Kuari", "Senentang", "Dara Juanti", "Kelam Permai", "Ketungau Jaya", "Serawai Indah",
]
DUSUN = [
    "Sungai Durian", "Tanjung", "Nanga", "Batu Lintang", "Tapang", "Mungguk", "Lebak", "Tebing Raya",
    "Karya Bakti", "Sido Mulyo", "Mekar Jaya", "Sumber Agung", "Harapan Jaya", "Sungai Ana", "Pelaik",
]
STREETS = [
    "Lintas Melawi", "MT Haryono", "Oevang Oeray", "Pattimura", "Diponegoro", "Kelam",
    "Brigjend Katamso", "Sudirman", "Dr. Wahidin Sudirohusodo", "Lintas Kapuas",
]

# fmt: on


@dataclass(frozen=True)
class Profile:
    """How one kelompok looks: name pattern, jenis, size and money per member (Rp)."""

    kelompok: str
    count: int
    jenis: tuple[str, ...]
    names: tuple[str, ...]
    members: tuple[int, int]
    equity_per_member: tuple[int, int]
    outside_ratio: tuple[float, float]
    turnover: tuple[float, float]
    female_share: tuple[float, float]
    founded: tuple[int, int]
    syariah: bool = False
    in_town: float = 0.3


# fmt: off
PROFILES = [
    Profile("KSP", 22, (Jenis.SIMPAN_PINJAM,), ("KSP {w}", "KSP Credit Union {w}"),
            (60, 4000), (2_000_000, 12_000_000), (0.5, 2.0), (0.2, 0.6), (0.4, 0.6), (1985, 2019)),
    Profile("KSU", 28, (Jenis.KONSUMEN, Jenis.JASA, Jenis.PRODUSEN), ("KSU {w}",),
            (20, 400), (300_000, 2_000_000), (0.1, 1.0), (0.8, 3.0), (0.3, 0.5), (1990, 2022)),
    Profile("KUD", 10, (Jenis.PRODUSEN, Jenis.PEMASARAN), ("KUD {w}",),
            (80, 1500), (500_000, 3_000_000), (0.2, 1.2), (0.8, 2.5), (0.25, 0.45), (1978, 1998)),
    Profile("KPRI", 15, (Jenis.KONSUMEN, Jenis.SIMPAN_PINJAM),
            ("KPRI Guru Kecamatan {d}", "KPRI Bina Praja {d}", "KPRI Tenaga Kesehatan {d}", "KPRI Pegawai {d}"),
            (40, 700), (2_000_000, 8_000_000), (0.1, 0.8), (0.3, 1.2), (0.45, 0.7), (1980, 2008), in_town=0.6),
    Profile("Kopwan", 14, (Jenis.SIMPAN_PINJAM, Jenis.KONSUMEN),
            ("Kopwan {f}",), (20, 250), (300_000, 1_500_000), (0.0, 0.8), (0.4, 1.5), (1.0, 1.0), (2000, 2021)),
    Profile("Kopkar", 12, (Jenis.KONSUMEN, Jenis.JASA), ("Kopkar Sawit {w}", "Kopkar {w}"),
            (30, 900), (500_000, 3_000_000), (0.1, 1.0), (0.8, 2.5), (0.15, 0.4), (1995, 2020), in_town=0.5),
    Profile("KSPPS", 8, (Jenis.SIMPAN_PINJAM,), ("KSPPS BMT {s}",),
            (40, 1200), (1_000_000, 6_000_000), (0.5, 1.8), (0.3, 0.8), (0.35, 0.6), (2005, 2022),
            syariah=True, in_town=0.6),
    Profile("Koptan", 20, (Jenis.PRODUSEN, Jenis.PEMASARAN), ("Koptan {c} {w}",),
            (20, 350), (200_000, 1_500_000), (0.0, 1.5), (0.8, 3.0), (0.15, 0.4), (2003, 2022)),
    Profile("Koppontren", 5, (Jenis.KONSUMEN, Jenis.JASA), ("Koppontren {p}",),
            (25, 300), (200_000, 1_000_000), (0.0, 0.5), (0.6, 2.0), (0.3, 0.6), (1995, 2018), in_town=0.5),
    Profile("Lain-lain", 12, (Jenis.JASA, Jenis.PRODUSEN, Jenis.PEMASARAN),
            ("Koperasi Angkutan {w}", "Koperasi Nelayan {w}", "Koperasi Perikanan {w}", "Koperasi Jasa {w}"),
            (20, 200), (300_000, 2_000_000), (0.0, 1.0), (0.5, 2.0), (0.1, 0.4), (1995, 2022)),
]
# Secondary cooperatives: their members are cooperatives (their filings count no persons).
SEKUNDER = [
    ("KPRI", "PKPRI Kabupaten Sintang", Jenis.KONSUMEN, False, 1986, 21),
    ("KUD", "Puskud Sintang", Jenis.PEMASARAN, False, 1989, 9),
    ("Kopwan", "Puskopwan Kabupaten Sintang", Jenis.SIMPAN_PINJAM, False, 2008, 12),
    ("KSPPS", "Puskop Syariah Kapuas Raya", Jenis.SIMPAN_PINJAM, True, 2014, 6),
]
FILL = {
    "f": ["Melati", "Mawar", "Anggrek", "Kartini", "Dahlia", "Teratai", "Srikandi", "Tengkawang", "Ibu Mandiri"],
    "s": ["Amanah", "Al-Ikhlas", "Berkah", "Ukhuwah", "Nurul Iman", "Barokah", "Al-Hidayah", "Mitra Umat"],
    "p": ["Al-Falah", "Darul Ulum", "Nurul Huda", "Al-Muttaqin", "Miftahul Jannah", "Darussalam"],
    "c": ["Karet", "Sawit", "Lada", "Padi", "Ternak", "Kopi", "Ikan"],
}
# Older cooperatives by derived status: roughly a Sinjai or Solok Selatan office, where a
# third or more are inactive and a few are being dissolved.
STATUS_SHARES = [
    (Status.AKTIF, 0.42),
    (Status.KURANG_AKTIF, 0.15),
    (Status.TIDAK_AKTIF, 0.30),
    (Status.BARU, 0.03),
    (Status.PEMBUBARAN, 0.05),
    (Status.DIBUBARKAN, 0.05),
]
# fmt: on
MERAH_PUTIH_RAT_SHARE = 0.1  # already held the first RAT (book year 2025)
