import time

from django.core.management.base import BaseCommand

from cooperatives.models.years import stored_years
from cooperatives.services import YEARS_BATCH, cooperative_years_rebuild


class Command(BaseCommand):
    help = (
        "Hitung ulang status setiap koperasi per akhir tahun (tabel CooperativeYear) untuk "
        "tahun-tahun yang disimpan, dari laporan RAT dan data koperasi."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=YEARS_BATCH, help="koperasi per perintah INSERT")

    def handle(self, *args, **options):
        years = stored_years()
        started = time.monotonic()

        def progress(last_id, written):
            if options["verbosity"] > 1:
                self.stdout.write(f"  s.d. id {last_id}: {written} baris")

        written = cooperative_years_rebuild(batch=options["batch"], progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"{written} baris status tahunan ({years[0]}–{years[-1]}) ditulis dalam "
                f"{time.monotonic() - started:.1f} dtk."
            )
        )
