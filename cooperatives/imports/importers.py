"""Checking every row against the models' rules, then saving all rows or none.

The check builds a :class:`Plan`: the rows to create and to update (with each changed
field's old and new value), a ``preview`` of them for the job page and a ``fingerprint``
of exactly what saving would write. Saving is given the fingerprint the user saw: it
checks the sheet again against the data as it is, and writes only if the plan is the same
(the rows it updates locked and compared once more inside the saving transaction);
otherwise it returns the new plan, marked ``stale``, and writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from koperasi_registry.models import ImportJob

from ..models import Cooperative, Kelompok, RatFiling, Village
from ..services import cooperative_refresh_rat_summary
from ..signals import cooperatives_moved
from .cells import JenisCell, is_blank, parse_text
from .sheets import (
    COOPERATIVE_COLUMNS,
    DESA,
    JENIS,
    KECAMATAN,
    KELOMPOK,
    KODE_DESA,
    KODE_DINAS,
    NIK,
    RAT_COLUMNS,
    TAHUN_BUKU,
    Column,
    FormulaWithoutValue,
    Sheet,
    _norm,
)
from .villages import VillageResolver

logger = logging.getLogger(__name__)

BATCH_SIZE = 500  # rows per bulk INSERT/UPDATE
LOOKUP_CHUNK = 2000  # keys per "IN (...)" lookup query
PROGRESS_EVERY = 200  # rows between progress reports
PREVIEW_LIMIT = 300  # rows listed per section of the preview (the counts are always whole)
GENERATED_CODE_DIGITS = 5


class PlanChanged(Exception):
    """The rows to update changed between the check and the save (seen under lock)."""


@dataclass
class Plan:
    errors: list[dict] = field(default_factory=list)
    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    unchanged: int = 0
    update_fields: list[str] = field(default_factory=list)  # fields that changed in some row
    # {"create": [...], "update": [...], "create_total": n, "update_total": n}, for the job page
    preview: dict = field(default_factory=dict)
    fingerprint: str = ""  # sha256 of what saving would write
    stale: bool = False  # saving found the data changed since the dry run: this is the new plan


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


def _fingerprint_value(value) -> str:
    if isinstance(value, models.Model):
        return f"#{value.pk}"
    return repr(value)


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
        self.parsers = {column.header: column for column in self.columns}
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
        """The sheet's distinct, non-blank values in ``column``, parsed (unparseable ones left out)."""
        values = set()
        positions = [i for i, c in enumerate(self.sheet.columns) if c is not None and c.header == column]
        if not positions:
            return values
        index = positions[0]
        for _number, row in self.sheet.rows:
            raw = row[index] if index < len(row) else None
            if not is_blank(raw) and not isinstance(raw, FormulaWithoutValue):
                try:
                    values.add(parse(raw))
                except ValidationError:
                    continue
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

    def apply(self, instance, parsed: dict) -> None:
        """Set the row's parsed values on ``instance`` (lookups are set by ``bind``)."""
        for column in self.columns:
            if column.field and column.field not in self.lookup_fields and column.header in parsed:
                setattr(instance, column.field, parsed[column.header])

    def parse_cells(self, values: tuple, error) -> dict:
        parsed = {}
        parsers = self.parsers
        for header, raw in self.cells(values).items():
            if isinstance(raw, FormulaWithoutValue):
                error(header, _("Sel %(cell)s berisi rumus (%(formula)s) tanpa nilai tersimpan. Buka berkasnya "
                                "di Excel/LibreOffice, simpan, lalu unggah lagi; atau tulis nilainya langsung.")
                      % {"cell": raw.ref, "formula": raw.formula[:60]})
                continue
            try:
                parsed[header] = parsers[header].parse(raw)
            except ValidationError as exc:
                error(header, " ".join(exc.messages))
        return parsed

    def check_row(self, number: int, values: tuple, plan: Plan, attnames: dict, changed_fields: set, error):
        row_errors = []

        def row_error(column, message):
            row_errors.append((column, str(message)))
            error(column, message)

        parsed = self.parse_cells(values, row_error)
        instance = self.bind(number, parsed, row_error, lambda header: any(c == header for c, _m in row_errors))
        if instance is None:
            return
        before = self.originals[instance.pk] if instance.pk else None
        failed = {header for header, _message in row_errors}
        self.apply(instance, parsed)
        exclude = list(self.lookup_fields) + [c.field for c in self.columns if c.field and c.header in failed]
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in _messages(exc).items():
                for message in messages:
                    row_error(self.header_of.get(name, "—"), message)
        if row_errors:
            return
        if before is None:
            plan.create.append(instance)
            self.entries.append(("create", number, instance, None))
        elif changed := {name for a, name in attnames.items() if getattr(instance, a) != before[a]}:
            changed_fields |= changed
            plan.update.append(instance)
            self.entries.append(("update", number, instance, changed))
        else:
            plan.unchanged += 1

    def check(self, progress: Callable[[int], None] | None = None) -> Plan:
        plan = Plan()
        present = {column.header for column in self.sheet.present}
        sheet_fields = [c.field for c in self.columns if c.field and c.header in present]
        attnames = {self.model._meta.get_field(name).attname: name for name in sheet_fields}
        changed_fields: set[str] = set()
        self.entries: list[tuple] = []
        self.prefetch()
        for done, (number, values) in enumerate(self.sheet.rows, start=1):

            def error(column: str, message: str, number=number):
                plan.errors.append({"row": number, "column": column, "message": str(message)})

            try:
                self.check_row(number, values, plan, attnames, changed_fields, error)
            except Exception as exc:  # a bug or a value no rule foresaw: name the row, save nothing
                logger.exception("Import row %s could not be checked", number)
                error("—", _("Kesalahan tak terduga saat memeriksa baris ini (%(kind)s). Periksa isinya atau "
                             "hubungi admin; tidak ada yang disimpan.") % {"kind": type(exc).__name__})
            if progress and (done % PROGRESS_EVERY == 0):
                progress(done)
        if progress:
            progress(len(self.sheet.rows))
        # Only what changed: Django's bulk_update builds a CASE per field and row, its cost.
        plan.update_fields = [name for name in sheet_fields if name in changed_fields]
        if not plan.errors:
            self.describe(plan)
        return plan

    # --- What the plan would write: preview and fingerprint ------------------------------

    def label(self, instance) -> str:
        return str(instance)

    def code(self, instance) -> str:
        return ""

    def generated(self, instance) -> bool:
        return False

    def display(self, name: str, value) -> str:
        """A stored value as the user reads it (choices by label, dates the Indonesian way)."""
        if value is None or value == "":
            return "–"
        model_field = self.model._meta.get_field(name)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("Ya") if value else _("Tidak")
        if hasattr(value, "strftime"):
            return value.strftime("%d/%m/%Y")
        return str(value)

    def related_names(self, name: str, ids: set) -> dict:
        return {}

    def describe(self, plan: Plan) -> None:
        """Fill ``plan.preview`` and ``plan.fingerprint`` from the entries ``check`` kept."""
        digest = hashlib.sha256()
        creates, updates = [], []
        lookups = {name: set() for name in self.lookup_fields}
        for kind, _number, instance, changed in self.entries:
            if kind == "update":
                for name in set(changed) & set(lookups):
                    attname = self.model._meta.get_field(name).attname
                    lookups[name] |= {getattr(instance, attname), self.originals[instance.pk][attname]}
        names = {name: self.related_names(name, ids - {None}) for name, ids in lookups.items()}
        for kind, number, instance, changed in self.entries:
            if kind == "create":
                values = {f.attname: getattr(instance, f.attname) for f in self.model._meta.concrete_fields if f.attname != "id"}
                digest.update(json.dumps(["c", number, sorted((k, _fingerprint_value(v)) for k, v in values.items()
                                                               if k not in ("created_at", "updated_at"))]).encode())
                if len(creates) < PREVIEW_LIMIT:
                    creates.append({"row": number, "name": self.label(instance), "code": self.code(instance),
                                    "generated_code": self.generated(instance)})
                continue
            before = self.originals[instance.pk]
            changes = []
            for name in sorted(changed, key=lambda n: list(self.header_of).index(n) if n in self.header_of else 99):
                attname = self.model._meta.get_field(name).attname
                old, new = before[attname], getattr(instance, attname)
                digest.update(json.dumps(["u", instance.pk, name, _fingerprint_value(old), _fingerprint_value(new)]).encode())
                if name in names:
                    old, new = names[name].get(old, old), names[name].get(new, new)
                    changes.append({"column": self.header_of.get(name, name), "old": str(old or "–"), "new": str(new or "–")})
                else:
                    changes.append({"column": self.header_of.get(name, name), "old": self.display(name, old),
                                    "new": self.display(name, new)})
            if len(updates) < PREVIEW_LIMIT:
                updates.append({"row": number, "pk": self.cooperative_pk(instance), "name": self.label(instance),
                                "changes": changes})
        plan.preview = {"create": creates, "update": updates, "create_total": len(plan.create),
                        "update_total": len(plan.update), "unchanged": plan.unchanged}
        plan.fingerprint = digest.hexdigest()

    def cooperative_pk(self, instance):
        return instance.pk

    # --- Saving --------------------------------------------------------------------------

    def lock_and_compare(self, plan: Plan) -> None:
        """Lock the rows to update and raise :class:`PlanChanged` if any changed since the check."""
        fields = [self.model._meta.get_field(name).attname for name in plan.update_fields]
        if not plan.update or not fields:
            return
        for chunk in _chunks([instance.pk for instance in plan.update]):
            for pk, *current in self.model.objects.select_for_update().filter(pk__in=chunk).values_list("pk", *fields):
                stored = self.originals[pk]
                if any(stored[attname] != value for attname, value in zip(fields, current, strict=True)):
                    raise PlanChanged(pk)

    def save(self, plan: Plan) -> Result:
        """Write the whole plan in one transaction: everything or nothing."""
        if plan.errors:
            raise ValueError("A plan with errors is never saved.")
        reason = self.change_reason
        with transaction.atomic():
            self.lock_and_compare(plan)
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
    """Rows are matched to stored cooperatives by NIK, else Kode dinas; a row with neither
    is matched by name and village (case and spaces ignored). A new cooperative without NIK or Kode dinas gets a generated Kode dinas
    (``KOP-<kabupaten>-00001``), so importing the same sheet again finds it by name and
    village and updates it instead of adding it twice."""

    model = Cooperative
    columns = COOPERATIVE_COLUMNS
    lookup_fields = ("village", "kelompok")
    change_reason = "Impor spreadsheet koperasi"

    def prefetch(self):
        found_ids = self.match_cooperatives(Cooperative.objects.all())
        visible = Cooperative.objects.visible_to(self.user)
        self.visible_ids = set()
        for chunk in _chunks(found_ids):
            self.visible_ids |= set(visible.filter(pk__in=chunk).values_list("pk", flat=True))
        # Rows with neither NIK nor Kode dinas: candidates by name, within the office.
        self.by_name: dict[tuple[str, int], list[Cooperative]] = {}
        names = {_norm(name) for name in self.column_values("Nama koperasi")}
        for chunk in _chunks(names):
            for cooperative in visible.annotate(lower_name=Lower("name")).filter(lower_name__in=chunk):
                self.by_name.setdefault((_norm(cooperative.name), cooperative.village_id), []).append(cooperative)
        self.remember((*self.by_nik.values(), *self.by_code.values(), *(c for cs in self.by_name.values() for c in cs)))
        self.villages = VillageResolver.for_office()
        self.village_codes = {village.id: village.code for village in self.villages.by_code.values()}
        self.kelompok = {_norm(k.name): k for k in Kelompok.objects.all()}
        self.seen_nik, self.seen_code, self.seen_target, self.seen_name = {}, {}, {}, {}
        self.next_number: dict[str, int] = {}
        self.generated_ids: set[int] = set()  # id() of instances given a generated code

    def new_office_code(self, village_id: int) -> str:
        """The next free generated Kode dinas of the village's kabupaten."""
        regency = self.village_codes[village_id][:5].replace(".", "")
        prefix = f"KOP-{regency}-"
        if prefix not in self.next_number:
            codes = Cooperative.objects.filter(office_code__startswith=prefix).values_list("office_code", flat=True)
            numbers = [int(code[len(prefix):]) for code in codes if code[len(prefix):].isdigit()]
            self.next_number[prefix] = max(numbers, default=0) + 1
        number = self.next_number[prefix]
        self.next_number[prefix] += 1
        return f"{prefix}{number:0{GENERATED_CODE_DIGITS}d}"

    def _outside(self, header, key, error):
        """A key that belongs to a cooperative this user may not see: say so without naming it."""
        error(header, _("%(header)s %(key)s sudah dipakai koperasi di luar wilayah Anda; periksa isinya.")
              % {"header": header, "key": key})

    def bind(self, number, parsed, error, failed):
        nik, code = parsed.get(NIK, ""), parsed.get(KODE_DINAS, "")
        for key, header, seen in ((nik, NIK, self.seen_nik), (code, KODE_DINAS, self.seen_code)):
            if key and key in seen:
                error(header, _("%(header)s %(key)s sudah ada di baris %(row)s.")
                      % {"header": header, "key": key, "row": seen[key]})
            elif key:
                seen[key] = number
        by_nik = self.by_nik.get(nik) if nik else None
        by_code = self.by_code.get(code) if code else None
        for found, header, key in ((by_nik, NIK, nik), (by_code, KODE_DINAS, code)):
            if found is not None and found.pk not in self.visible_ids:
                self._outside(header, key, error)
                return None
        if by_nik and by_code and by_nik.pk != by_code.pk:
            error(KODE_DINAS, _("Kode dinas %(code)s milik koperasi lain (%(other)s), bukan %(name)s yang ber-NIK ini.")
                  % {"code": code, "other": by_code.name, "name": by_nik.name})
        target = by_nik or by_code
        if target is not None and by_nik is None and nik and target.nik and target.nik != nik:
            error(NIK, _("Koperasi dengan Kode dinas %(code)s sudah ber-NIK %(nik)s; NIK di baris ini berbeda.")
                  % {"code": code, "nik": target.nik})
        village_id = self.resolve_village(parsed, error)
        if target is None and not nik and not code:
            target = self.match_by_name(number, parsed, village_id, error)
            if target is False:
                return None
        if target is not None:
            if target.pk in self.seen_target:
                error(NIK if by_nik else KODE_DINAS,
                      _("Baris ini dan baris %(row)s menunjuk koperasi yang sama (%(name)s).")
                      % {"row": self.seen_target[target.pk], "name": target.name})
                return None
            self.seen_target[target.pk] = number
        instance = target or Cooperative()
        if village_id is not None:
            instance.village_id = village_id
        elif instance.village_id is None and not failed(KODE_DESA) and not failed(DESA) and not failed(KECAMATAN):
            error(DESA, _("Wajib diisi: nama Desa/kelurahan atau Kode desa."))
        self.bind_kelompok(parsed, instance, error)
        if instance.pk is None and not nik and not code and instance.village_id is not None:
            instance.office_code = self.new_office_code(instance.village_id)
            self.generated_ids.add(id(instance))
        return instance

    def resolve_village(self, parsed, error) -> int | None:
        if not any(header in parsed for header in (KODE_DESA, DESA, KECAMATAN)):
            return None
        found = self.villages.resolve(code=parsed.get(KODE_DESA), name=parsed.get(DESA), district=parsed.get(KECAMATAN))
        if found.error:
            error(*found.error)
        elif found.village_id is None:  # only a kecamatan: not enough to place it
            error(DESA, _("Isi nama Desa/kelurahan atau Kode desa; kecamatan saja belum cukup."))
        return found.village_id

    def match_by_name(self, number, parsed, village_id, error):
        """The stored cooperative of the same name in the same village (None: a new one;
        False: the row cannot be placed)."""
        name = parsed.get("Nama koperasi", "")
        if not name or village_id is None:
            if not name:
                error(NIK, _("Isi NIK, Kode dinas, atau nama koperasi dengan desanya."))
            return False
        key = (_norm(name), village_id)
        if key in self.seen_name:
            error("Nama koperasi", _("Nama dan desa yang sama sudah ada di baris %(row)s; isi NIK atau Kode dinas "
                                     "untuk membedakan keduanya.") % {"row": self.seen_name[key]})
            return False
        self.seen_name[key] = number
        candidates = self.by_name.get(key, [])
        if len(candidates) > 1:
            error("Nama koperasi", _("Ada %(count)s koperasi bernama %(name)s di desa ini; isi NIK atau Kode dinas.")
                  % {"count": len(candidates), "name": name})
            return False
        return candidates[0] if candidates else None

    def bind_kelompok(self, parsed, instance, error):
        jenis = parsed.get(JENIS)
        if isinstance(jenis, JenisCell):
            parsed[JENIS] = jenis.jenis
            if jenis.syariah is not None and "Syariah" not in parsed:
                parsed["Syariah"] = jenis.syariah
            if jenis.kelompok and KELOMPOK not in parsed and _norm(jenis.kelompok) in self.kelompok:
                instance.kelompok = self.kelompok[_norm(jenis.kelompok)]
        if KELOMPOK in parsed:
            kelompok = self.kelompok.get(_norm(parsed[KELOMPOK]))
            if kelompok is None:
                error(KELOMPOK, _("Kelompok '%(name)s' belum ada di daftar. Pilih: %(names)s.")
                      % {"name": parsed[KELOMPOK], "names": ", ".join(k.name for k in self.kelompok.values())})
            else:
                instance.kelompok = kelompok

    def label(self, instance):
        return instance.name

    def code(self, instance):
        return instance.nik or instance.office_code

    def generated(self, instance):
        return id(instance) in self.generated_ids

    def related_names(self, name, ids):
        if name == "village":
            return dict(Village.objects.filter(pk__in=ids).values_list("pk", "name"))
        return {k.pk: k.name for k in self.kelompok.values() if k.pk in ids}

    def fields_to_update(self, plan):
        now = timezone.now()
        for cooperative in plan.update:
            cooperative.updated_at = now  # bulk_update skips auto_now
        return [*plan.update_fields, "updated_at"]

    def after_save(self, plan):
        if "village" in plan.update_fields:  # bulk_update sends no post_save
            cooperatives_moved.send(sender=Cooperative, cooperative_ids=[c.pk for c in plan.update])
        recorded = [c.pk for c in plan.create if c.recorded_rat_year is not None]
        if "recorded_rat_year" in plan.update_fields:
            recorded += [c.pk for c in plan.update]
        for chunk in _chunks(recorded):
            cooperative_refresh_rat_summary(cooperative_ids=chunk)


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


IMPORTERS = {ImportJob.Kind.COOPERATIVE: CooperativeImporter, ImportJob.Kind.RAT: RatImporter}


def import_sheet(
    *, kind: str, sheet: Sheet, user=None, save: bool, progress=None, expect: str | None = None
) -> tuple[Plan, Result | None]:
    """Check every row; when none failed and ``save`` is set, save them all in one transaction.

    ``expect``: the fingerprint of the plan the user confirmed. If the plan is now a
    different one (the data changed since the dry run), nothing is written and the new plan
    comes back with ``stale`` set, for the user to look at and confirm again.
    """
    importer = IMPORTERS[kind](sheet=sheet, user=user)
    plan = importer.check(progress)
    if plan.errors or not save:
        return plan, None
    if expect is not None and plan.fingerprint != expect:
        plan.stale = True
        return plan, None
    try:
        return plan, importer.save(plan)
    except PlanChanged:
        # Changed between this check and the lock: check once more and show that plan.
        importer = IMPORTERS[kind](sheet=sheet, user=user)
        plan = importer.check(progress)
        plan.stale = True
        return plan, None
