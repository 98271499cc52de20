"""``manage.py generate_scale_data``: synthetic data at national scale for benchmarks (see
koperasi_registry/devtools/scale/)."""

from django.core.management.base import BaseCommand, CommandError

from koperasi_registry.devtools import scale


class Command(BaseCommand):
    help = (
        "Isi basis data SAAT INI dengan data sintetis skala besar untuk uji kecepatan "
        "(gunakan basis data tersendiri lewat DATABASE_URL)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cooperatives", type=int, default=100_000, help="jumlah koperasi (100000)"
        )
        parser.add_argument(
            "--regions", nargs="+", default=["all"], help="kode wilayah untuk load_regions (all)"
        )
        parser.add_argument(
            "--years", type=int, default=5, help="jumlah tahun buku laporan RAT (5)"
        )
        parser.add_argument("--visits", type=int, default=0, help="jumlah kunjungan pembinaan (0)")
        parser.add_argument(
            "--assistants", type=int, default=None, help="jumlah pendamping (koperasi/12)"
        )
        parser.add_argument("--batch", type=int, default=5000, help="baris per INSERT (5000)")
        parser.add_argument("--seed", type=int, default=1, help="benih acak (1)")
        parser.add_argument(
            "--force", action="store_true", help="tambahkan walau sudah ada koperasi"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="lewati tanpa galat bila sudah ada koperasi"
        )

    def handle(self, *args, **options):
        try:
            done = scale.generate(
                stdout=self.stdout,
                cooperatives=options["cooperatives"],
                regions=options["regions"],
                years=options["years"],
                visit_count=options["visits"],
                assistants=options["assistants"],
                batch=options["batch"],
                seed=options["seed"],
                force=options["force"],
                if_empty=options["if_empty"],
            )
        except scale.ScaleDataError as exc:
            raise CommandError(str(exc)) from exc
        if done is None:
            return
        counts, seconds = done
        summary = ", ".join(f"{key} {value:,}".replace(",", ".") for key, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Selesai dalam {seconds:.1f} detik: {summary}."))
