"""The importer's core: checking every row against the models' rules, then saving all rows or none.

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
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .cells import is_blank, parse_text
from .sheets import KODE_DINAS, NIK, Column, FormulaWithoutValue, Sheet

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
            for name in (name for name in self.header_of if name in changed):  # in column order
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
