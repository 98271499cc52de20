import time

from django.core.management.base import BaseCommand, CommandError

from cooperatives.region_loader import UnknownRegionCode, load_regions


class Command(BaseCommand):
    help = (
        "Muat kecamatan dan desa/kelurahan (kode Kemendagri 2025) untuk kabupaten/kota, "
        "provinsi, atau 'all'. Contoh: load_regions 61.05 13.11"
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="+", help="61.05 (kabupaten), 61 (provinsi) atau all")

    def handle(self, *args, codes, **options):
        started = time.perf_counter()
        try:
            result = load_regions(codes)
        except UnknownRegionCode as exc:
            raise CommandError(
                f"Kode wilayah tidak dikenal: {exc}. Gunakan kode Kemendagri kabupaten/kota "
                "(mis. 61.05), provinsi (mis. 61) atau 'all'."
            ) from exc
        elapsed = time.perf_counter() - started
        labels = {"regency": "kabupaten/kota", "district": "kecamatan", "village": "desa/kelurahan"}
        for key, label in labels.items():
            self.stdout.write(
                f"{label}: {result.total[key]} (baru {result.created[key]}, "
                f"diubah {result.updated[key]})"
            )
        self.stdout.write(self.style.SUCCESS(f"Selesai dalam {elapsed:.1f} detik."))
