"""``manage.py benchmark``: time pages against the current database (see
koperasi_registry/devtools/benchmark.py)."""

import json
import logging
import warnings

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from koperasi_registry.devtools import benchmark


class Command(BaseCommand):
    help = (
        "Ukur waktu tampil halaman (median, p95), jumlah query SQL dan ukuran respons, "
        "lewat seluruh tumpukan Django terhadap basis data saat ini."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            action="append",
            default=[],
            metavar="NAMA_ATAU_PATH",
            help="nama URL (cooperatives:cooperative_list, boleh dengan ?query) atau path /...; bisa berulang",
        )
        parser.add_argument(
            "--repeat", type=int, default=20, help="jumlah pengukuran per halaman (20)"
        )
        parser.add_argument(
            "--as",
            dest="role",
            default="staf",
            choices=sorted(benchmark.ROLE_NAMES),
            help="peran pengguna (staf)",
        )
        parser.add_argument(
            "--budget",
            type=float,
            default=60.0,
            help="detik maksimum per halaman; halaman lambat diukur lebih sedikit kali (60)",
        )
        parser.add_argument("--json", action="store_true", help="keluaran JSON")
        parser.add_argument(
            "--samples", action="store_true", help="sertakan setiap pengukuran dalam JSON"
        )
        parser.add_argument(
            "--changed", action="append", default=[], metavar="TABEL",
            help="naikkan versi tabel ini (mis. assistants_visitsummary; * = semua) sebelum setiap pengukuran: "
                 "biaya halaman setelah perubahan data; bisa berulang",
        )
        parser.add_argument(
            "--debug",
            action="store_true",
            help="ukur dengan DEBUG seperti pengaturan (bawaan: DEBUG=False)",
        )

    def handle(self, *args, **options):
        if options["repeat"] < 1:
            raise CommandError("--repeat harus lebih dari 0.")
        overrides = {"ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"]}
        if not options["debug"]:
            overrides["DEBUG"] = False
        # A 403 or 404 is a result to report, not a traceback to print.
        request_logger = logging.getLogger("django.request")
        level = request_logger.level
        request_logger.setLevel(logging.CRITICAL)
        try:
            with override_settings(**overrides), warnings.catch_warnings():
                # WhiteNoise notes a missing STATIC_ROOT (no collectstatic): not a page cost.
                warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
                payload = benchmark.run(
                    role=options["role"],
                    urls=options["url"],
                    repeat=options["repeat"],
                    budget_s=options["budget"],
                    debug=options["debug"],
                    samples=options["samples"],
                    changed=options["changed"],
                )
        finally:
            request_logger.setLevel(level)
        if options["json"]:
            self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
        else:
            for line in benchmark.report(payload):
                self.stdout.write(line)
