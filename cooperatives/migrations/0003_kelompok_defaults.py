from django.db import migrations

# The office's usual groupings (domain brief section 3); Admin edits the list afterwards.
KELOMPOK = [
    ("KUD", "Koperasi Unit Desa"),
    ("KSU", "Koperasi Serba Usaha"),
    ("KPRI", "Koperasi Pegawai Republik Indonesia"),
    ("Kopwan", "Koperasi Wanita"),
    ("Kopkar", "Koperasi Karyawan"),
    ("KSP", "Koperasi Simpan Pinjam"),
    ("KSPPS", "Koperasi Simpan Pinjam dan Pembiayaan Syariah"),
    ("Koptan", "Koperasi Tani"),
    ("Koppontren", "Koperasi Pondok Pesantren"),
    ("Merah Putih", "Koperasi Desa/Kelurahan Merah Putih"),
    ("Lain-lain", ""),
]


def add_defaults(apps, schema_editor):
    Kelompok = apps.get_model("cooperatives", "Kelompok")
    for name, description in KELOMPOK:
        Kelompok.objects.get_or_create(name=name, defaults={"description": description})


class Migration(migrations.Migration):
    dependencies = [("cooperatives", "0002_registry")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
