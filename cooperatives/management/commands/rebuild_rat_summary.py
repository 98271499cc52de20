from django.core.management.base import BaseCommand

from cooperatives.services import cooperative_refresh_rat_summary


class Command(BaseCommand):
    help = "Hitung ulang tahun RAT terakhir setiap koperasi dari laporan RAT-nya."

    def handle(self, *args, **options):
        count = cooperative_refresh_rat_summary()
        self.stdout.write(self.style.SUCCESS(f"{count} koperasi diperbarui."))
