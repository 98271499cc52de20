"""Checking every row against the models' rules, then saving all rows or none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from koperasi_registry.models import ImportJob

from ..models import Cooperative, Kelompok, RatFiling, Village
from ..services import cooperative_refresh_rat_summary
from ..signals import cooperatives_moved
from .cells import is_blank, normalize_village_code, parse_text
from .sheets import COOPERATIVE_COLUMNS, KELOMPOK, KODE_DESA, KODE_DINAS, NIK, RAT_COLUMNS, TAHUN_BUKU, Column, Sheet, _norm

BATCH_SIZE = 500  # rows per bulk INSERT/UPDATE
LOOKUP_CHUNK = 2000  # keys per "IN (...)" lookup query
PROGRESS_EVERY = 200  # rows between progress reports


# --- Checking and saving -------------------------------------------------------------------


@dataclass
class Plan:
    errors: list[dict] = field(default_factory=list)
    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    unchanged: int = 0
    update_fields: list[str] = field(default_factory=list)  # fields that changed in some row


@dataclass
class Result:
    created: int
    updated: int
    unchanged: int


def _chunks(items, size=LOOKUP_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _messages(error: ValidationError) -> dict[str, list[str]]:
    """``{field: [message]}``, with Django's "cannot be null/blank" said plainly."""
    result = {}
    for name, errors in error.error_dict.items() if hasattr(error, "error_dict") else [("__all__", [error])]:
        result[name] = [
            _("Wajib diisi.") if item.code in ("null", "blank") else " ".join(item.messages)
            for item in errors
        ]
    return result


class Importer:
    """Checks every row (``check``) and, when none failed, saves them all (``save``)."""

    model = None
    columns: tuple[Column, ...] = ()
    lookup_fields: tuple[str, ...] = ()  # foreign keys resolved here, never by full_clean
    change_reason = ""

    def __init__(self, *, sheet: Sheet, user=None):
        self.sheet = sheet
        self.user = user
        self.header_of = {column.field: column.header for column in self.columns if column.field}
        self.originals: dict[int, dict] = {}

    def cells(self, values: tuple) -> dict[str, Any]:
        """``{header: raw value}`` for the sheet's columns that are not blank in this row."""
        return {
            column.header: values[index]
            for index, column in enumerate(self.sheet.columns)
            if column is not None and index < len(values) and not is_blank(values[index])
        }

    def prefetch(self) -> None:  # pragma: no cover - abstract
        """Load every row's look-ups in a few queries; ``remember`` the stored rows."""
        raise NotImplementedError

    def column_values(self, column: str, parse=parse_text) -> set:
        """The sheet's distinct, non-blank values in ``column``, parsed."""
        values = set()
        for _number, row in self.sheet.rows:
            cells = self.cells(row)
            if column in cells:
                values.add(parse(cells[column]))
        values.discard("")
        return values

    def match_cooperatives(self, queryset) -> set[int]:
        """Fill ``by_nik`` and ``by_code`` with the cooperatives of ``queryset`` that the
        sheet names by NIK or Kode dinas; return their ids."""
        self.by_nik, self.by_code = {}, {}
        for chunk in _chunks(self.column_values(NIK)):
            self.by_nik.update({c.nik: c for c in queryset.filter(nik__in=chunk)})
        for chunk in _chunks(self.column_values(KODE_DINAS)):
            self.by_code.update({c.office_code: c for c in queryset.filter(office_code__in=chunk)})
        return {c.pk for c in (*self.by_nik.values(), *self.by_code.values())}

    def remember(self, instances) -> None:
        """Keep stored values, to tell updated rows from unchanged ones after binding."""
        attnames = [f.attname for f in self.model._meta.concrete_fields]
        for instance in instances:
            self.originals.setdefault(instance.pk, {a: getattr(instance, a) for a in attnames})

    def bind(self, number: int, parsed: dict, error: Callable[[str, str], None], failed: Callable[[str], bool]):
        """Return the instance for this row (or None); report problems through ``error``;
        ``failed(header)`` tells whether that cell already has an error."""
        raise NotImplementedError  # pragma: no cover

    def check(self, progress: Callable[[int], None] | None = None) -> Plan:
        plan = Plan()
        present = {column.header for column in self.sheet.present}
        sheet_fields = [c.field for c in self.columns if c.field and c.header in present]
        attnames = {self.model._meta.get_field(name).attname: name for name in sheet_fields}
        changed_fields = set()
        self.prefetch()
        parsers = {column.header: column for column in self.columns}
        for done, (number, values) in enumerate(self.sheet.rows, start=1):
            row_errors: list[tuple[str, str]] = []

            def error(column: str, message: str, row_errors=row_errors):
                row_errors.append((column, str(message)))

            parsed = {}
            for header, raw in self.cells(values).items():
                try:
                    parsed[header] = parsers[header].parse(raw)
                except ValidationError as exc:
                    error(header, " ".join(exc.messages))
            instance = self.bind(number, parsed, error, lambda header: any(c == header for c, _m in row_errors))
            if instance is not None:
                before = self.originals[instance.pk] if instance.pk else None
                failed = {header for header, _message in row_errors}
                for column in self.columns:
                    if column.field and column.field not in self.lookup_fields and column.header in parsed:
                        setattr(instance, column.field, parsed[column.header])
                exclude = list(self.lookup_fields) + [
                    c.field for c in self.columns if c.field and c.header in failed
                ]
                try:
                    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
                except ValidationError as exc:
                    for name, messages in _messages(exc).items():
                        for message in messages:
                            error(self.header_of.get(name, "—"), message)
                if not row_errors:
                    if before is None:
                        plan.create.append(instance)
                    elif changed := {name for a, name in attnames.items() if getattr(instance, a) != before[a]}:
                        changed_fields |= changed
                        plan.update.append(instance)
                    else:
                        plan.unchanged += 1
            for column, message in row_errors:
                plan.errors.append({"row": number, "column": column, "message": message})
            if progress and (done % PROGRESS_EVERY == 0):
                progress(done)
        if progress:
            progress(len(self.sheet.rows))
        # Only what changed: Django's bulk_update builds a CASE per field and row, its cost.
        plan.update_fields = [name for name in sheet_fields if name in changed_fields]
        return plan

    def save(self, plan: Plan) -> Result:
        """Write the whole plan in one transaction: everything or nothing."""
        if plan.errors:
            raise ValueError("A plan with errors is never saved.")
        reason = self.change_reason
        with transaction.atomic():
            if plan.create:
                bulk_create_with_history(
                    plan.create, self.model, batch_size=BATCH_SIZE, default_user=self.user,
                    default_change_reason=reason,
                )
            if plan.update:
                fields = self.fields_to_update(plan)
                bulk_update_with_history(
                    plan.update, self.model, fields=fields, batch_size=BATCH_SIZE,
                    default_user=self.user, default_change_reason=reason,
                )
            self.after_save(plan)
        return Result(created=len(plan.create), updated=len(plan.update), unchanged=plan.unchanged)

    def fields_to_update(self, plan: Plan) -> list[str]:
        return list(plan.update_fields)

    def after_save(self, plan: Plan) -> None:
        pass


class CooperativeImporter(Importer):
    model = Cooperative
    columns = COOPERATIVE_COLUMNS
    lookup_fields = ("village", "kelompok")
    change_reason = "Impor spreadsheet koperasi"

    def prefetch(self):
        found_ids = self.match_cooperatives(Cooperative.objects.all())
        self.remember((*self.by_nik.values(), *self.by_code.values()))
        self.visible_ids = set()
        for chunk in _chunks(found_ids):
            self.visible_ids |= set(
                Cooperative.objects.visible_to(self.user).filter(pk__in=chunk).values_list("pk", flat=True)
            )
        office = Village.objects.in_regency(settings.OFFICE_REGENCY_CODE)
        self.villages = {}
        for chunk in _chunks(self.column_values(KODE_DESA, normalize_village_code)):
            self.villages.update({v.code: v for v in office.filter(code__in=chunk)})
        self.kelompok = {_norm(k.name): k for k in Kelompok.objects.all()}
        self.seen_nik, self.seen_code, self.seen_target = {}, {}, {}

    def bind(self, number, parsed, error, failed):
        nik, code = parsed.get(NIK, ""), parsed.get(KODE_DINAS, "")
        if not nik and not code:
            error(NIK, _("Isi NIK atau Kode dinas agar koperasi ini dapat dicocokkan saat impor berikutnya."))
        for key, header, seen in ((nik, NIK, self.seen_nik), (code, KODE_DINAS, self.seen_code)):
            if key and key in seen:
                error(header, _("%(header)s %(key)s sudah ada di baris %(row)s.")
                      % {"header": header, "key": key, "row": seen[key]})
            elif key:
                seen[key] = number
        by_nik = self.by_nik.get(nik) if nik else None
        by_code = self.by_code.get(code) if code else None
        if by_nik and by_code and by_nik.pk != by_code.pk:
            error(KODE_DINAS, _("Kode dinas %(code)s milik koperasi lain (%(other)s), bukan %(name)s yang ber-NIK ini.")
                  % {"code": code, "other": by_code.name, "name": by_nik.name})
        target = by_nik or by_code
        if target is not None and by_nik is None and nik and target.nik and target.nik != nik:
            error(NIK, _("Koperasi dengan Kode dinas %(code)s sudah ber-NIK %(nik)s; NIK di baris ini berbeda.")
                  % {"code": code, "nik": target.nik})
        if target is not None and target.pk not in self.visible_ids:
            error(NIK if by_nik else KODE_DINAS, _("Koperasi ini berada di luar wilayah dinas; tidak dapat diubah."))
            return None
        if target is not None:
            if target.pk in self.seen_target:
                error(NIK if by_nik else KODE_DINAS,
                      _("Baris ini dan baris %(row)s menunjuk koperasi yang sama (%(name)s).")
                      % {"row": self.seen_target[target.pk], "name": target.name})
                return None
            self.seen_target[target.pk] = number
        instance = target or Cooperative()
        if KODE_DESA in parsed:
            village = self.villages.get(parsed[KODE_DESA])
            if village is None:
                error(KODE_DESA, _("Kode desa %(code)s tidak dikenal di wilayah dinas.") % {"code": parsed[KODE_DESA]})
            else:
                instance.village = village
        elif instance.village_id is None:
            error(KODE_DESA, _("Wajib diisi."))
        if KELOMPOK in parsed:
            kelompok = self.kelompok.get(_norm(parsed[KELOMPOK]))
            if kelompok is None:
                error(KELOMPOK, _("Kelompok '%(name)s' belum ada di daftar. Pilih: %(names)s.")
                      % {"name": parsed[KELOMPOK], "names": ", ".join(k.name for k in self.kelompok.values())})
            else:
                instance.kelompok = kelompok
        return instance

    def fields_to_update(self, plan):
        now = timezone.now()
        for cooperative in plan.update:
            cooperative.updated_at = now  # bulk_update skips auto_now
        return [*plan.update_fields, "updated_at"]

    def after_save(self, plan):
        if "village" in plan.update_fields:  # bulk_update sends no post_save
            cooperatives_moved.send(sender=Cooperative, cooperative_ids=[c.pk for c in plan.update])


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
            for filing in RatFiling.objects.filter(cooperative_id__in=chunk):
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

    def after_save(self, plan):
        ids = {filing.cooperative_id for filing in (*plan.create, *plan.update)}
        if ids:
            cooperative_refresh_rat_summary(cooperative_ids=ids)


IMPORTERS = {ImportJob.Kind.COOPERATIVE: CooperativeImporter, ImportJob.Kind.RAT: RatImporter}


def import_sheet(*, kind: str, sheet: Sheet, user=None, save: bool, progress=None) -> tuple[Plan, Result | None]:
    """Check every row; when none failed and ``save`` is set, save them all in one transaction."""
    importer = IMPORTERS[kind](sheet=sheet, user=user)
    plan = importer.check(progress)
    if plan.errors or not save:
        return plan, None
    return plan, importer.save(plan)
