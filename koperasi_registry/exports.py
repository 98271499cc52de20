"""Spreadsheet exports that cannot run what users typed (CSV/formula injection, OWASP).

Every cell the app writes to a spreadsheet goes through :func:`safe_cell`: openpyxl
sheets through :class:`SafeSheet` (``safe_sheet(workbook.active)``), CSV through
:class:`SafeCsvWriter`, django-tables2 exports through :class:`SafeTableExport`, rows
built by hand through :func:`safe_row`. ``tests/koperasi_registry/test_export_safety.py``
opens every export and report and checks that no cell is a formula."""

import csv

from django.utils.functional import Promise
from django_tables2.export import TableExport
from tablib import Dataset

# A cell starting with one of these is read as a formula by Excel or LibreOffice from CSV;
# in XLSX (openpyxl) only "=" makes a formula, other text stays text.
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TRIGGERS = ("=",)
XLSX, CSV = "xlsx", "csv"


def spreadsheet_safe(value, triggers=CSV_TRIGGERS):
    """``value`` with a leading apostrophe if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(triggers):
        return "'" + value
    return value


def safe_cell(value, fmt=XLSX):
    """One cell for a ``fmt`` ("xlsx" or "csv") file; lazy text becomes text first."""
    if isinstance(value, Promise):
        value = str(value)  # gettext_lazy
    return spreadsheet_safe(value, XLSX_TRIGGERS if fmt == XLSX else CSV_TRIGGERS)


def safe_row(values, fmt=XLSX) -> list:
    return [safe_cell(value, fmt) for value in values]


class SafeSheet:
    """An openpyxl worksheet (also ``write_only``) whose writes (``append``, ``cell(...,
    value=)``, ``sheet["A1"] = ``) pass through :func:`safe_cell`; everything else is the
    sheet's own."""

    __slots__ = ("_sheet",)

    def __init__(self, sheet):
        object.__setattr__(self, "_sheet", sheet)

    def append(self, values):
        self._sheet.append(safe_row(values, XLSX))

    def cell(self, row, column, value=None):
        return self._sheet.cell(row=row, column=column, value=safe_cell(value, XLSX))

    def __getitem__(self, key):
        return self._sheet[key]

    def __setitem__(self, key, value):
        self._sheet[key] = safe_cell(value, XLSX)

    def __getattr__(self, name):
        return getattr(self._sheet, name)

    def __setattr__(self, name, value):
        setattr(self._sheet, name, value)


def safe_sheet(sheet) -> SafeSheet:
    return sheet if isinstance(sheet, SafeSheet) else SafeSheet(sheet)


class SafeCsvWriter:
    """``csv.writer`` whose rows pass through :func:`safe_row`."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, values):
        return self._writer.writerow(safe_row(values, CSV))

    def writerows(self, rows):
        for values in rows:
            self.writerow(values)


class SafeTableExport(TableExport):
    """django-tables2's export with every text cell passed through :func:`spreadsheet_safe`."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        fmt = XLSX if self.format == TableExport.XLSX else CSV
        safe = Dataset(title=dataset.title, headers=safe_row(dataset.headers or [], fmt) or None)
        for row in dataset:
            safe.append(safe_row(row, fmt))
        return safe
