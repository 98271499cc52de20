"""The ministry's statistics table per kecamatan: a printable page and an XLSX workbook."""

import io
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from cooperatives.models import Regency
from koperasi_registry.exports import safe_sheet
from koperasi_registry.formatting import format_date

from .selectors.statistics import COLUMN_STATUSES, COUNTED, NOT_COUNTED, ministry_statistics
from .paging import page_of_rows
from .views import DashboardPageMixin

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JUTA = Decimal(1_000_000)


def drill_down(period, district_id=None) -> dict[str, str]:
    """Links to the cooperative list showing the rows behind each count of a table row
    (``district_id`` None: the period's kecamatan, or the whole office)."""
    url = reverse("cooperatives:cooperative_list")
    queries = {
        column: period.status_query(district_id, status=list(statuses))
        for column, statuses in COLUMN_STATUSES.items()
    }
    queries["registered"] = period.status_query(district_id, status=list(COUNTED))
    queries["rat"] = period.status_query(
        district_id, status=list(COUNTED), rat_year=period.book_year, rat_filed="true"
    )
    queries["not_counted"] = period.status_query(district_id, status=list(NOT_COUNTED))
    return {key: f"{url}?{query}" for key, query in queries.items()}


class StatisticsView(DashboardPageMixin, TemplateView):
    """The national statistics table for the period's year (statuses on its day, filings
    of its reference book year): every kecamatan and the kabupaten total, or one
    kecamatan. ``?_export=xlsx`` gives the same table as a workbook."""

    template_name = "dashboard/statistics.html"
    tab = "statistics"

    def get(self, request, *args, **kwargs):
        if request.GET.get("_export") == "xlsx":
            content = statistics_xlsx(statistics=self.statistics(), header=self.header())
            response = HttpResponse(content, content_type=XLSX_TYPE)
            response["Content-Disposition"] = f'attachment; filename="statistik-koperasi-{self.period.year}.xlsx"'
            return response
        return super().get(request, *args, **kwargs)

    def statistics(self) -> dict:
        return ministry_statistics(user=self.request.user, period=self.period)

    def header(self) -> dict:
        return {
            "office_name": self.period.scope.label,
            "regency": Regency.objects.filter(code=self.period.scope.code).first(),  # None: a wider scope
            "period": self.period,
            "printed_on": self.period.today,
            "window": settings.RAT_STATUS_WINDOW,
        }

    def get_context_data(self, **kwargs):
        statistics = self.statistics()
        # At most a page of rows in the HTML (the export and the total keep them all).
        row_page = page_of_rows(statistics["rows"], params=self.request.GET, chosen=self.period.district)
        statistics = {**statistics, "rows": row_page.rows}
        for row in statistics["rows"]:
            if row["district"] is not None:
                row["links"] = drill_down(self.period, row["district"].pk)
            else:  # a kabupaten/kota or province row: its figures drill down to its own table
                url = "?" + urlencode({"year": self.period.year, "region": row["region"].code})
                row["links"] = dict.fromkeys(("aktif", "tidak_aktif", "baru", "registered", "rat"), url)
        if statistics["total"] is not None:
            statistics["total"]["links"] = drill_down(self.period)
        return super().get_context_data(
            statistics=statistics,
            header=self.header(),
            not_counted_url=drill_down(self.period)["not_counted"],
            row_page=row_page,
            **kwargs,
        )


# --- XLSX ---------------------------------------------------------------------------------

# (key, header, kind): "text", "count" (integer) or "money" (Rupiah, written in juta).
def _columns():
    people = []
    for key, label in (("members", _("Anggota")), ("managers", _("Manajer")), ("employees", _("Karyawan"))):
        people += [
            (f"{key}_male", f"{label} L", "count"),
            (f"{key}_female", f"{label} P", "count"),
            (key, f"{label} {_('jumlah')}", "count"),
        ]
    return [
        ("name", _("Kecamatan"), "text"),
        ("code", _("Kode Kemendagri"), "text"),
        ("aktif", _("Aktif (statistik nasional)"), "count"),
        ("tidak_aktif", _("Tidak aktif"), "count"),
        ("baru", _("Baru (belum wajib RAT)"), "count"),
        ("registered", _("Jumlah koperasi"), "count"),
        ("rat", _("RAT"), "count"),
        ("nik", _("NIK"), "count"),
        *people,
        ("modal_sendiri", _("Modal sendiri (Rp juta)"), "money"),
        ("modal_luar", _("Modal luar (Rp juta)"), "money"),
        ("volume_usaha", _("Volume usaha (Rp juta)"), "money"),
        ("shu", _("SHU (Rp juta)"), "money"),
    ]


def statistics_notes(*, book_year: int, day, window: int) -> list[str]:
    """The reading of the table, under it on the page and in the workbook."""
    return [
        _(
            "Aktif menurut cara hitung statistik nasional: koperasi yang mengadakan RAT sekurang-kurangnya "
            "sekali dalam %(window)s tahun buku terakhir, yaitu Aktif + Kurang aktif menurut aturan dinas. "
            "Tidak aktif: tidak ada RAT dalam %(window)s tahun buku terakhir. Baru: didirikan setelah tahun "
            "buku acuan dimulai, belum wajib RAT."
        ) % {"window": window},
        _(
            "Status per %(day)s. RAT, anggota, manajer, karyawan, modal, volume usaha dan SHU dari laporan RAT "
            "tahun buku %(year)s; uang dalam Rp juta; SHU negatif berarti rugi; angka yang tidak diisi dalam "
            "laporan dihitung nol."
        ) % {"day": format_date(day), "year": book_year},
        _("Koperasi dalam proses pembubaran dan yang sudah dibubarkan tidak dihitung."),
        _("NIK: koperasi yang sudah memiliki Nomor Induk Koperasi."),
    ]


def _cell_value(row: dict, key: str, kind: str):
    if kind == "money":
        return (row[key] or Decimal(0)) / JUTA  # exact in juta; the format shows 2 decimals
    return row[key]


def statistics_xlsx(*, statistics: dict, header: dict) -> bytes:
    """The table as a workbook: title rows, one header row, a row a kecamatan, the total,
    then the notes. Counts are integers, money numbers in Rp juta (``#,##0.00``); text
    cells cannot become formulas."""
    period = header["period"]
    columns = _columns()
    workbook = Workbook()
    sheet = safe_sheet(workbook.active)  # no text cell can become a formula
    sheet.title = _("Statistik %(year)s") % {"year": period.year}
    regency = header["regency"]
    title_rows = [
        [_("Statistik koperasi per kecamatan")],
        [header["office_name"]],
        [_("Kabupaten/kota"), regency.name if regency else ""],
        [_("Kecamatan"), period.district.name if period.district else _("Semua kecamatan")],
        [_("Tahun"), period.year],
        [_("Tahun buku RAT"), statistics["book_year"]],
        [_("Status per"), period.day],
        [_("Dicetak"), header["printed_on"]],
        [],
    ]
    for values in title_rows:
        sheet.append(values)
    sheet["A1"].font = Font(bold=True, size=13)
    for row in range(5, 9):
        sheet.cell(row=row, column=2).alignment = Alignment(horizontal="left")
    for row in (7, 8):
        sheet.cell(row=row, column=2).number_format = "DD-MM-YYYY"

    sheet.append([label for _key, label, _kind in columns])
    header_row = sheet.max_row
    thin = Side(style="thin")
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center")
        cell.border = Border(bottom=thin)

    def append(row: dict, bold=False):
        sheet.append([row[key] if kind == "text" else _cell_value(row, key, kind) for key, _l, kind in columns])
        for cell, (_key, _label, kind) in zip(sheet[sheet.max_row], columns):
            if kind == "money":
                cell.number_format = "#,##0.00"
            elif kind == "count":
                cell.number_format = "#,##0"
            if bold:
                cell.font = Font(bold=True)
                cell.border = Border(top=thin)

    for row in statistics["rows"]:
        append({**row, "name": row["region"].name, "code": row["region"].code})
    if statistics["total"] is not None:
        code = regency.code if regency else ""
        append({**statistics["total"], "name": _("Jumlah kabupaten"), "code": code}, bold=True)

    sheet.append([])
    sheet.append([_("Catatan")])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for note in statistics_notes(book_year=statistics["book_year"], day=period.day, window=header["window"]):
        sheet.append([note])

    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 12
    for index, (_key, _label, kind) in enumerate(columns[2:], start=3):
        sheet.column_dimensions[get_column_letter(index)].width = 16 if kind == "money" else 10
    sheet.row_dimensions[header_row].height = 45
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
