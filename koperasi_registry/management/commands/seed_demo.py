"""Demo data for a Sintang office: one user per role, then (as the apps grow) the
office's cooperatives, filings, assessments and visits. Idempotent."""

from importlib import import_module

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from koperasi_registry import access

DEMO_PASSWORD = "koperasi-demo-2026"
DEMO_USERS = [
    # username, first name, last name, role, is_staff (Django admin)
    ("admin", "Adi", "Admin", access.ADMIN, True),
    ("kabid", "Kartini", "Kabid", access.KABID, False),
    ("staf", "Sari", "Staf", access.STAF, False),
    ("pendamping", "Putra", "Pendamping", access.PENDAMPING, False),
]


def seed_users() -> list[tuple[str, str]]:
    User = get_user_model()
    created = []
    for username, first, last, role, is_staff in DEMO_USERS:
        user, new = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "is_staff": is_staff}
        )
        if new:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        created.append((username, role))
    return created


# Each app seeds its own part, in this order: ``seed(stdout)`` functions, each idempotent.
SEEDERS: list[str] = [
    "cooperatives.demo.seed",
    "cooperatives.demo_health.seed",
    "assistants.demo.seed",
]


class Command(BaseCommand):
    help = "Isi data demo (pengguna per peran) untuk kantor contoh Kabupaten Sintang."

    @transaction.atomic
    def handle(self, *args, **options):
        users = seed_users()
        for dotted in SEEDERS:
            module_name, function_name = dotted.rsplit(".", 1)
            getattr(import_module(module_name), function_name)(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Data demo siap."))
        self.stdout.write(f"Masuk di http://127.0.0.1:8000/accounts/login/ dengan kata sandi '{DEMO_PASSWORD}':")
        for username, role in users:
            self.stdout.write(f"  {role:<11} {username}")
