"""Spreadsheet exports that cannot run what users typed (CSV/formula injection, OWASP)."""

from django_tables2.export import TableExport
from tablib import Dataset

# A cell starting with one of these is read as a formula by Excel or LibreOffice from CSV;
# in XLSX (openpyxl) only "=" makes a formula, other text stays text.
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TRIGGERS = ("=",)


def spreadsheet_safe(value, triggers=CSV_TRIGGERS):
    """``value`` with a leading apostrophe if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(triggers):
        return "'" + value
    return value


class SafeTableExport(TableExport):
    """django-tables2's export with every text cell passed through :func:`spreadsheet_safe`."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        triggers = XLSX_TRIGGERS if self.format == TableExport.XLSX else CSV_TRIGGERS
        safe = Dataset(title=dataset.title, headers=dataset.headers)
        for row in dataset:
            safe.append([spreadsheet_safe(value, triggers) for value in row])
        return safe
