"""``manage.py import_rat FILE --user NAME [--dry-run]``: RAT filings from a sheet, as the web
import does it (check every row, save all or nothing, refresh ``last_rat_year``)."""

from koperasi_registry.models import ImportJob

from .import_cooperatives import Command as ImportCommand


class Command(ImportCommand):
    help = "Impor laporan RAT dari berkas XLSX/CSV (semua baris atau tidak sama sekali)."
    kind = ImportJob.Kind.RAT
