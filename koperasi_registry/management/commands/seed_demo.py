"""``manage.py seed_demo``: demo data for a Sintang office (see koperasi_registry/devtools/demo/)."""

import os

from django.core.management.base import BaseCommand
from django.db import transaction

from koperasi_registry.devtools import demo


class Command(BaseCommand):
    help = "Isi data demo (pengguna per peran) untuk kantor contoh Kabupaten Sintang."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            default=os.environ.get("HOST") or None,
            help="Alamat server (seperti untuk runserver, mis. 0.0.0.0:8080 atau 8080) pada baris masuk "
            "yang dicetak; bawaan: variabel lingkungan HOST, atau 127.0.0.1:8000.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        users = demo.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Data demo siap."))
        for line in demo.login_lines(users, host=options["host"]):
            self.stdout.write(line)
