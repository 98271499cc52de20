"""Install the known health assessment instruments (domain brief section 6).

Admin edits weights and thresholds afterwards in Django admin; a changed regulation is a
new instrument row (or a new version of one). Assessments keep a snapshot of what they
were computed with, so editing these rows never changes a stored result.
"""

import datetime
from decimal import Decimal

from django.db import migrations

KSP_CATEGORIES = [
    # (lower bound, label, rank): 80-100 Sehat; 66-<80; 51-<66; <51
    ("80", "Sehat", 1),
    ("66", "Cukup Sehat", 2),
    ("51", "Dalam Pengawasan", 3),
    ("0", "Dalam Pengawasan Khusus", 4),
]

INSTRUMENTS = [
    {
        "code": "ksp-perdep-06-2016",
        "version": 1,
        "name": "Penilaian Kesehatan KSP/USP Koperasi",
        "regulation": "Peraturan Deputi Bidang Pengawasan Kementerian Koperasi dan UKM Nomor 06/Per/Dep.6/IV/2016",
        "description": (
            "Nilai tiap aspek diisi 0-100 (persentase capaian aspek pada kertas kerja); "
            "nilai total = jumlah (nilai x bobot) / 100."
        ),
        "kind": "weighted",
        "applies_to": "ksp",
        "max_score": "100",
        "max_total": "100",
        "valid_from": datetime.date(2016, 4, 1),
        "aspects": [
            ("Permodalan", "15", "Rasio modal sendiri terhadap total aset\nRasio modal sendiri terhadap pinjaman diberikan yang berisiko\nRasio kecukupan modal (CAR)"),
            ("Kualitas Aktiva Produktif", "25", "Rasio volume pinjaman pada anggota terhadap volume pinjaman diberikan\nRasio pinjaman bermasalah terhadap pinjaman diberikan\nRasio cadangan risiko terhadap pinjaman bermasalah\nRasio pinjaman berisiko terhadap pinjaman diberikan"),
            ("Manajemen", "15", "Manajemen umum\nKelembagaan\nManajemen permodalan\nManajemen aktiva\nManajemen likuiditas"),
            ("Efisiensi", "10", "Rasio beban operasi anggota terhadap partisipasi bruto\nRasio beban usaha terhadap SHU kotor\nRasio efisiensi pelayanan"),
            ("Likuiditas", "15", "Rasio kas\nRasio pinjaman diberikan terhadap dana yang diterima"),
            ("Kemandirian dan Pertumbuhan", "10", "Rentabilitas aset\nRentabilitas modal sendiri\nKemandirian operasional pelayanan"),
            ("Jatidiri Koperasi", "10", "Rasio partisipasi bruto\nRasio promosi ekonomi anggota (PEA)"),
        ],
        "thresholds": KSP_CATEGORIES,
        "aspect_thresholds": [],
    },
    {
        "code": "kspps-perdep-07-2016",
        "version": 1,
        "name": "Penilaian Kesehatan KSPPS/USPPS Koperasi",
        "regulation": "Peraturan Deputi Bidang Pengawasan Kementerian Koperasi dan UKM Nomor 07/Per/Dep.6/IV/2016",
        "description": (
            "Varian syariah dari Perdep 06/2016 dengan aspek Prinsip Syariah. Nilai tiap aspek "
            "0-100; nilai total = jumlah (nilai x bobot) / 100."
        ),
        "kind": "weighted",
        "applies_to": "kspps",
        "max_score": "100",
        "max_total": "100",
        "valid_from": datetime.date(2016, 4, 1),
        "aspects": [
            ("Permodalan", "10", ""),
            ("Kualitas Aktiva Produktif", "20", ""),
            ("Manajemen", "15", ""),
            ("Efisiensi", "10", ""),
            ("Likuiditas", "15", ""),
            ("Kemandirian dan Pertumbuhan", "10", ""),
            ("Jatidiri Koperasi", "10", ""),
            ("Prinsip Syariah", "10", "Kepatuhan pada prinsip syariah (penilaian Dewan Pengawas Syariah)"),
        ],
        "thresholds": KSP_CATEGORIES,
        "aspect_thresholds": [],
    },
    {
        "code": "permenkop-9-2020",
        "version": 1,
        "name": "Penilaian Kesehatan Koperasi Simpan Pinjam (Permenkop UKM 9/2020)",
        "regulation": (
            "Peraturan Menteri Koperasi dan UKM Nomor 9 Tahun 2020 tentang Pengawasan Koperasi; "
            "Petunjuk Teknis Deputi Bidang Perkoperasian Nomor 15 Tahun 2021"
        ),
        "description": (
            "Butir daftar periksa bernilai 1 (terpenuhi) atau 0; nilai aspek = persentase butir "
            "terpenuhi, dipetakan ke nilai 1 (76-100, Sehat), 2 (51-75, Cukup Sehat), 3 (26-50, "
            "Kurang Sehat), 4 (0-25, Tidak Sehat). Nilai total = jumlah (persentase x bobot) / 100 "
            "dengan kategori akhir pada batas yang sama. BOBOT SEMENTARA: Tata Kelola 30 dan Profil "
            "Risiko 15 sesuai Juknis; Kinerja Keuangan 40 dan Permodalan 15 adalah pembagian "
            "sementara sisa 55 karena bobotnya tidak kami temukan dalam naskah yang terbit. "
            "Admin dapat mengubahnya di halaman administrasi."
        ),
        "kind": "checklist",
        "applies_to": "simpan_pinjam",
        "max_score": "100",
        "max_total": "100",
        "valid_from": datetime.date(2021, 1, 1),
        "aspects": [
            ("Tata Kelola", "30", "Prinsip koperasi\nKelembagaan\nManajemen koperasi"),
            ("Profil Risiko", "15", "Risiko inheren\nKualitas penerapan manajemen risiko"),
            ("Kinerja Keuangan", "40", "Evaluasi kinerja keuangan\nManajemen keuangan\nKesinambungan keuangan"),
            ("Permodalan", "15", "Kecukupan modal\nPengelolaan permodalan"),
        ],
        "thresholds": [
            ("76", "Sehat", 1),
            ("51", "Cukup Sehat", 2),
            ("26", "Dalam Pengawasan", 3),
            ("0", "Dalam Pengawasan Khusus", 4),
        ],
        "aspect_thresholds": [
            ("76", "Sehat", 1),
            ("51", "Cukup Sehat", 2),
            ("26", "Kurang Sehat", 3),
            ("0", "Tidak Sehat", 4),
        ],
    },
    {
        "code": "pemeringkatan-2007",
        "version": 1,
        "name": "Pemeringkatan Koperasi (non simpan pinjam)",
        "regulation": (
            "Peraturan Menteri Negara Koperasi dan UKM Nomor 22/PER/M.KUKM/IV/2007 tentang "
            "Pedoman Pemeringkatan Koperasi (diubah 06/Per/M.KUKM/III/2008)"
        ),
        "description": (
            "Skor tiap aspek 0-5 (rata-rata skor 1-5 indikatornya: sangat baik 5 ... tidak baik 1); "
            "poin = jumlah (skor x bobot), bobot berjumlah 100, sehingga poin maksimum 500. "
            "Kategori: di atas 419 (yaitu 420 ke atas, karena skor dan bobot pada kertas kerja "
            "bilangan bulat) Sangat Berkualitas; 340-419 Berkualitas; 260-339 Cukup Berkualitas; "
            "180-259 Kurang Berkualitas; di bawah 180 Tidak Berkualitas. BOBOT ASPEK SEMENTARA: "
            "pembagian per aspek adalah perkiraan kami; sesuaikan dengan kertas kerja resmi. Aturan "
            "yang berlaku kini (Permenkop 21/2015, Perdep 04/2018) memakai gagasan yang sama dengan "
            "batas yang dapat diubah Admin."
        ),
        "kind": "rating",
        "applies_to": "non_simpan_pinjam",
        "max_score": "5",
        "max_total": "500",
        "valid_from": datetime.date(2007, 4, 1),
        "aspects": [
            ("Badan Usaha Aktif", "25", "Penyelenggaraan rapat\nManajemen pengawasan\nRencana kegiatan dan RAPB\nTertib administrasi"),
            ("Kinerja Usaha yang Sehat", "20", ""),
            ("Kinerja Keuangan", "20", ""),
            ("Manfaat bagi Anggota", "15", ""),
            ("Manfaat bagi Masyarakat", "10", ""),
            ("Prospek Pengembangan", "10", ""),
        ],
        "thresholds": [
            ("420", "Sangat Berkualitas", 1),
            ("340", "Berkualitas", 2),
            ("260", "Cukup Berkualitas", 3),
            ("180", "Kurang Berkualitas", 4),
            ("0", "Tidak Berkualitas", 5),
        ],
        "aspect_thresholds": [],
    },
]


def install(apps, schema_editor):
    Instrument = apps.get_model("cooperatives", "HealthInstrument")
    Aspect = apps.get_model("cooperatives", "HealthAspect")
    Threshold = apps.get_model("cooperatives", "HealthCategoryThreshold")
    for spec in INSTRUMENTS:
        fields = {k: v for k, v in spec.items() if k not in ("code", "version", "aspects", "thresholds", "aspect_thresholds")}
        fields["max_score"] = Decimal(fields["max_score"])
        fields["max_total"] = Decimal(fields["max_total"])
        instrument, created = Instrument.objects.get_or_create(
            code=spec["code"], version=spec["version"], defaults=fields
        )
        if not created:
            continue
        for order, (name, weight, components) in enumerate(spec["aspects"], start=1):
            Aspect.objects.create(
                instrument=instrument, order=order, name=name, weight=Decimal(weight), components=components
            )
        for level, rows in (("total", spec["thresholds"]), ("aspect", spec["aspect_thresholds"])):
            for lower, label, rank in rows:
                Threshold.objects.create(
                    instrument=instrument, level=level, lower_bound=Decimal(lower), label=label, order=rank
                )


class Migration(migrations.Migration):
    dependencies = [("cooperatives", "0004_health")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
