"""The monthly assistant report as an XLSX workbook (openpyxl)."""

import datetime
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from koperasi_registry.exports import safe_sheet


def _followup_lines(followups):
    return "\n".join(f"{f.action} ({f.owner.get_full_name() or f.owner.username}, {f.due_date:%d-%m-%Y}, {f.get_status_display()})" for f in followups)


def monthly_report_xlsx(*, assistant, month: datetime.date, visits) -> bytes:
    workbook = Workbook()
    sheet = safe_sheet(workbook.active)  # every cell, the assistant's name too, cannot become a formula
    sheet.title = f"{month:%Y-%m}"
    sheet.append([_("Laporan bulanan pendamping koperasi")])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("Pendamping"), str(assistant)])
    sheet.append([_("Bulan"), f"{month:%m/%Y}"])
    sheet.append([])
    header = [
        _("Koperasi"), _("Kecamatan"), _("Tanggal"), _("Jenis"), _("Topik"), _("Yang ditemui"), _("Temuan"),
        _("Rekomendasi"), _("Tindak lanjut baru"), _("Tindak lanjut ditutup"),
    ]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for visit in visits:
        sheet.append([
            visit.cooperative.name,
            visit.cooperative.village.district.name,
            visit.visit_date,
            visit.get_kind_display(),
            ", ".join(topic.name for topic in visit.topics.all()),
            visit.people_met,
            visit.findings,
            visit.recommendations,
            _followup_lines(visit.followups.all()),
            "\n".join(f.action for f in visit.closed_followups.all()),
        ])
        sheet.cell(row=sheet.max_row, column=3).number_format = "DD-MM-YYYY"
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDEFGHIJ", (30, 18, 12, 20, 30, 25, 50, 40, 45, 35)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
