"""``manage.py import_cooperatives FILE --user NAME [--dry-run]``: the web import's code path
(check every row, save all or nothing) for the office's big sheets."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cooperatives import imports
from koperasi_registry.models import ImportJob


class Command(BaseCommand):
    help = "Impor koperasi dari berkas XLSX/CSV (semua baris atau tidak sama sekali)."
    kind = ImportJob.Kind.COOPERATIVE

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="Nama pengguna yang dicatat di riwayat perubahan.")
        parser.add_argument("--dry-run", action="store_true", help="Hanya periksa, jangan simpan.")

    def handle(self, *args, file: Path, user: str, dry_run: bool, **options):
        try:
            account = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Pengguna {user!r} tidak ada.") from None
        if not file.exists():
            raise CommandError(f"Berkas {file} tidak ada.")
        try:
            with file.open("rb") as handle:
                sheet = imports.read_sheet(handle, file.name, self.kind)
        except imports.SheetError as exc:
            raise CommandError(str(exc)) from exc
        total = len(sheet.rows)

        def progress(done):
            self.stdout.write(f"\r{done} dari {total} baris diperiksa", ending="")
            self.stdout.flush()

        plan, result = imports.import_sheet(
            kind=self.kind, sheet=sheet, user=account, save=not dry_run, progress=progress
        )
        self.stdout.write("")
        if plan.errors:
            for error in plan.errors:
                self.stderr.write(f"Baris {error['row']}, kolom {error['column']}: {error['message']}")
            raise CommandError(f"{len(plan.errors)} kesalahan; tidak ada yang disimpan.")
        if result is None:
            self.stdout.write(
                f"Semua {total} baris benar. Bila disimpan: {len(plan.create)} dibuat, "
                f"{len(plan.update)} diperbarui, {plan.unchanged} tidak berubah."
            )
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Berhasil: {result.created} dibuat, {result.updated} diperbarui, {result.unchanged} tidak berubah."
            ))
