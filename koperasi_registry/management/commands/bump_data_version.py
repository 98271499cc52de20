"""``manage.py bump_data_version``: move the data's version on after a change made outside
Django (psql, ``pg_restore``, a shell ``COPY``), so that every app process computes the
dashboards' figures again (``koperasi_registry.data_version``)."""

from django.core.management.base import BaseCommand

from koperasi_registry import data_version


class Command(BaseCommand):
    help = (
        "Naikkan versi data setelah perubahan di luar aplikasi (psql, pg_restore, COPY), "
        "agar angka dasbor dihitung ulang di semua proses aplikasi."
    )

    def handle(self, *args, **options):
        before = data_version.current().get(data_version.ALL, 0)
        data_version.bump()  # ALL: every kept figure depends on it
        self.stdout.write(f"Versi data: {before} -> {data_version.current()[data_version.ALL]}")
