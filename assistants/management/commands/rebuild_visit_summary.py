from django.core.management.base import BaseCommand
from django.db import transaction

from assistants.services import followup_place_refresh, visit_summary_refresh


class Command(BaseCommand):
    help = (
        "Hitung ulang ringkasan kunjungan per koperasi, pendamping dan tahun dari data kunjungan, "
        "serta koperasi dan kecamatan setiap tindak lanjut."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            count = visit_summary_refresh()
            followups = followup_place_refresh()
        self.stdout.write(
            self.style.SUCCESS(f"Ringkasan kunjungan ditulis ulang: {count} baris; {followups} tindak lanjut diperiksa.")
        )
