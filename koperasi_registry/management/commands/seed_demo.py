"""``manage.py seed_demo``: demo data for a Sintang office (see koperasi_registry/devtools/demo/)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from koperasi_registry.devtools import demo


class Command(BaseCommand):
    help = "Isi data demo (pengguna per peran) untuk kantor contoh Kabupaten Sintang."

    @transaction.atomic
    def handle(self, *args, **options):
        users = demo.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Data demo siap."))
        self.stdout.write(f"Masuk di http://127.0.0.1:8000/accounts/login/ dengan kata sandi '{demo.DEMO_PASSWORD}':")
        for username, role in users:
            self.stdout.write(f"  {role:<11} {username}")
