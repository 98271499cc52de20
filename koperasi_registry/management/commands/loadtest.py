"""``manage.py loadtest URL``: a mixed load of signed-in clients against a running server
(see koperasi_registry/devtools/loadtest.py; ``make bench-load`` starts gunicorn for it)."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from koperasi_registry.devtools import benchmark, loadtest


class Command(BaseCommand):
    help = (
        "Beban campuran: N klien yang masuk log meminta halaman berbobot dari server yang berjalan "
        "selama beberapa detik; melaporkan permintaan/detik, galat, dan p50/p95 per halaman."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", help="alamat server, mis. http://127.0.0.1:8100")
        parser.add_argument("--clients", type=int, default=10, help="klien serentak (10)")
        parser.add_argument("--duration", type=float, default=30.0, help="detik (30)")
        parser.add_argument(
            "--as", dest="role", default="admin", choices=sorted(benchmark.ROLE_NAMES),
            help="peran pengguna bench-<peran> (admin); sesi dibuat langsung di basis data",
        )
        parser.add_argument("--username", help="masuk lewat formulir login sebagai pengguna ini (perlu --password)")
        parser.add_argument("--password", help="kata sandi untuk --username")
        parser.add_argument(
            "--page", action="append", default=[], metavar="NAMA[?query][=BOBOT]",
            help="halaman campuran dan bobotnya, bisa berulang (bawaan: detail, daftar, dasbor, formulir kunjungan)",
        )
        parser.add_argument("--timeout", type=float, default=60.0, help="detik maksimum per permintaan (60)")
        parser.add_argument(
            "--change-every", type=float, metavar="DETIK",
            help="simpan satu perubahan data setiap DETIK selama beban (angka dasbor dihitung ulang setelahnya)",
        )
        parser.add_argument(
            "--change-kind", choices=loadtest.CHANGE_KINDS, default="cooperative",
            help="perubahan apa: koperasi (telepon ditulis ulang) atau kunjungan (disimpan ulang); bawaan koperasi",
        )
        parser.add_argument("--json", action="store_true", help="keluaran JSON")

    def handle(self, *args, **options):
        if options["clients"] < 1 or options["duration"] <= 0:
            raise CommandError("--clients dan --duration harus lebih dari 0.")
        if options["username"]:
            if not options["password"]:
                raise CommandError("--username perlu --password.")
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"Pengguna {options['username']} tidak ada.")
        else:
            user = benchmark.benchmark_user(options["role"])
        try:
            payload = loadtest.run(
                base_url=options["url"], user=user, clients=options["clients"], duration=options["duration"],
                mix=loadtest.parse_mix(options["page"]) or None, password=options["password"],
                timeout=options["timeout"], change_every=options["change_every"],
                change_kind=options["change_kind"],
            )
        except (RuntimeError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
        else:
            for line in loadtest.report(payload):
                self.stdout.write(line)
