"""Spreadsheet import of cooperatives and RAT filings (NetBox's bulk import, in bulk).

Flow: read the sheet (XLSX or CSV) -> check its header -> pre-fetch every lookup in a few
queries (villages by code, cooperatives by NIK and Kode dinas, kelompok by name, existing
filings) -> bind each row to a model instance and run the model's own ``full_clean`` ->
collect every error as "Baris 12, kolom NIK: ..." -> only if no row failed, save
everything with simple-history's bulk helpers in ONE ``transaction.atomic``.

Why openpyxl + csv directly rather than django-import-export (not installed): its resources
save row by row (a save and savepoint per row), look instances up one query per row
unless ``get_instance`` is rewritten, report errors by field name instead of our column
headers, and its bulk mode skips simple-history. Making it do "NIK, else Kode dinas",
pre-fetched lookups, Indonesian row/column messages and ``bulk_*_with_history`` meant
overriding most of it; ``importers.py`` is shorter and does exactly that.

``full_clean`` runs with ``validate_unique=False, validate_constraints=False`` and with
the foreign keys excluded, because those checks run one query per row (and per
constraint). Uniqueness (NIK, Kode dinas, one filing per book year) is checked in Python
against the pre-fetched rows and within the sheet; the model's check constraints are
mirrored by its ``clean()``; and the database constraints still guard the final save.

Update rule: a blank cell keeps the stored value; a column missing from the sheet is
left alone. So a sheet with only "NIK" and "Telepon" updates phone numbers.

Matching: NIK, else Kode dinas, else (for cooperatives) name and village; a new
cooperative without either key gets a generated Kode dinas. The dry run's plan carries a
preview (what is created, what changes, old -> new) and a fingerprint; saving re-checks
and writes only that plan (``importers.import_sheet(expect=...)``). README.md,
"Importing an office's spreadsheet", says it for users.
"""

from django.core.exceptions import ValidationError

from .cells import (
    SheetError,
    is_blank,
    normalize_village_code,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_text,
)
from .importers import CooperativeImporter, Importer, Plan, RatImporter, Result, import_sheet
from .jobs import import_job_confirm, import_job_create, import_job_retry, import_job_run
from .sheets import (
    COLUMNS,
    COOPERATIVE_COLUMNS,
    RAT_COLUMNS,
    Column,
    Sheet,
    match_header,
    read_sheet,
)
from .workbook import template_csv, template_xlsx

__all__ = [
    "COLUMNS", "COOPERATIVE_COLUMNS", "RAT_COLUMNS", "Column", "CooperativeImporter", "Importer", "Plan",
    "RatImporter", "Result", "Sheet", "SheetError", "ValidationError", "import_job_confirm", "import_job_create",
    "import_job_retry", "import_job_run", "import_sheet", "is_blank", "match_header", "normalize_village_code", "parse_bool",
    "parse_date", "parse_decimal", "parse_int", "parse_text", "read_sheet", "template_csv", "template_xlsx",
]
