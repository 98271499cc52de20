"""RAT filing rows: one filing per cooperative (by NIK or Kode dinas) and book year."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Cooperative, RatFiling
from ..services import cooperative_refresh_rat_summary
from .base import Importer, _chunks
from .sheets import KODE_DINAS, NIK, RAT_COLUMNS, TAHUN_BUKU


class RatImporter(Importer):
    model = RatFiling
    columns = RAT_COLUMNS
    lookup_fields = ("cooperative",)
    change_reason = "Impor spreadsheet laporan RAT"

    def prefetch(self):
        visible = Cooperative.objects.visible_to(self.user).only("pk", "nik", "office_code", "name", "bentuk")
        ids = self.match_cooperatives(visible)
        self.filings = {}
        for chunk in _chunks(ids):
            for filing in RatFiling.objects.filter(cooperative_id__in=chunk).select_related("cooperative"):
                self.filings[(filing.cooperative_id, filing.book_year)] = filing
        self.remember(self.filings.values())
        self.seen = {}

    def bind(self, number, parsed, error, failed):
        nik, code = parsed.get(NIK, ""), parsed.get(KODE_DINAS, "")
        cooperative = None
        if not nik and not code:
            error(NIK, _("Isi NIK atau Kode dinas koperasi."))
        by_nik = self.by_nik.get(nik) if nik else None
        by_code = self.by_code.get(code) if code else None
        if nik and by_nik is None:
            error(NIK, _("Koperasi dengan NIK %(nik)s tidak ditemukan di wilayah dinas.") % {"nik": nik})
        elif code and by_code is None:
            error(KODE_DINAS, _("Koperasi dengan Kode dinas %(code)s tidak ditemukan di wilayah dinas.") % {"code": code})
        elif by_nik and by_code and by_nik.pk != by_code.pk:
            error(KODE_DINAS, _("NIK dan Kode dinas menunjuk dua koperasi berbeda (%(a)s, %(b)s).")
                  % {"a": by_nik.name, "b": by_code.name})
        else:
            cooperative = by_nik or by_code
        year = parsed.get(TAHUN_BUKU)
        if year is None and not failed(TAHUN_BUKU):
            error(TAHUN_BUKU, _("Wajib diisi."))
        if cooperative is not None and year is not None:
            key = (cooperative.pk, year)
            if key in self.seen:
                error(TAHUN_BUKU, _("Tahun buku %(year)s untuk koperasi ini sudah ada di baris %(row)s.")
                      % {"year": year, "row": self.seen[key]})
                return None
            self.seen[key] = number
            filing = self.filings.get(key)
            if filing is not None:
                return filing
        filing = RatFiling(book_year=year)
        if cooperative is not None:
            filing.cooperative = cooperative
        return filing

    def label(self, instance):
        return f"{instance.cooperative.name} – {_('tahun buku')} {instance.book_year}"

    def code(self, instance):
        return instance.cooperative.nik or instance.cooperative.office_code

    def cooperative_pk(self, instance):
        return instance.cooperative_id

    def after_save(self, plan):
        ids = {filing.cooperative_id for filing in (*plan.create, *plan.update)}
        if ids:
            cooperative_refresh_rat_summary(cooperative_ids=ids)
