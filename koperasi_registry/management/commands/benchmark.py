"""``manage.py benchmark``: time pages against the current database (see benchmarking.py)."""

import json
import logging
import warnings

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.test.utils import override_settings

from koperasi_registry import benchmarking


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
            choices=sorted(benchmarking.ROLE_NAMES),
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
                return self.run(options)
        finally:
            request_logger.setLevel(level)

    def run(self, options):
        user = benchmarking.benchmark_user(options["role"])
        if options["url"]:
            targets = [benchmarking.resolve_target(spec, "", user) for spec in options["url"]]
        else:
            targets = benchmarking.default_targets(user)
        client = Client()
        client.force_login(user)
        results, skipped = [], []
        for target in targets:
            if target.path is None:
                skipped.append({"label": target.label, "note": target.note})
                continue
            results.append(
                benchmarking.measure(client, target, options["repeat"], budget_s=options["budget"])
            )
        summary = benchmarking.data_summary(user)
        context = {
            **summary,
            "user": user.get_username(),
            "role": benchmarking.ROLE_NAMES[options["role"]],
            "office_regency_code": settings.OFFICE_REGENCY_CODE,
            "debug": settings.DEBUG and options["debug"],
            "repeat": options["repeat"],
        }
        if options["json"]:
            payload = {
                "context": context,
                "results": [
                    benchmarking.as_dict(r, with_samples=options["samples"]) for r in results
                ],
                "skipped": skipped,
            }
            self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
            return
        self.stdout.write(
            f"{context['database']}: {summary['cooperatives']:,} koperasi, {summary['rat_filings']:,} laporan RAT, "
            f"{summary['villages']:,} desa/kelurahan; pengguna {context['user']} ({context['role']}) melihat "
            f"{summary['visible_to_user']:,} koperasi; kode kabupaten dinas '{context['office_regency_code']}'; "
            f"{options['repeat']} pengukuran per halaman."
        )
        header = f"{'halaman':<62} {'status':>6} {'n':>3} {'median':>8} {'p95':>8} {'query':>6} {'SQL ms':>8} {'KB':>7}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in results:
            queries = (
                f"{r.queries}" if r.queries == r.queries_max else f"{r.queries}-{r.queries_max}"
            )
            self.stdout.write(
                f"{r.label[:62]:<62} {r.status:>6} {r.count:>3} {r.median_ms:>8.1f} {r.p95_ms:>8.1f} {queries:>6} "
                f"{r.sql_ms:>8.1f} {r.bytes / 1024:>7.1f}"
            )
        for item in skipped:
            self.stdout.write(f"{item['label'][:62]:<62} dilewati: {item['note']}")
