"""Cooperative rows: matched by NIK, Kode dinas, or name and village; villages by code or
name; generated office codes; the recorded last RAT year."""

from __future__ import annotations

from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from koperasi_registry.access import office_scope

from ..models import Cooperative, Kelompok, Village
from ..services import YEAR_INPUTS, cooperative_refresh_rat_summary, cooperative_years_refresh
from ..signals import cooperatives_located, cooperatives_moved
from .base import GENERATED_CODE_DIGITS, Importer, _chunks
from .cells import JenisCell
from .sheets import COOPERATIVE_COLUMNS, DESA, JENIS, KECAMATAN, KELOMPOK, KODE_DESA, KODE_DINAS, NIK, _norm
from .villages import VillageResolver


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
        self.villages = VillageResolver.for_office(scope=office_scope(self.user))
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

    def point_changed(self, cooperative) -> bool:
        stored = self.originals[cooperative.pk]
        return (stored["latitude"], stored["longitude"]) != (cooperative.latitude, cooperative.longitude)

    def after_save(self, plan):
        if "village" in plan.update_fields:  # bulk_update sends no post_save
            cooperatives_moved.send(sender=Cooperative, cooperative_ids=[c.pk for c in plan.update])
        if {"latitude", "longitude"} & set(plan.update_fields):
            located = [c.pk for c in plan.update if self.point_changed(c)]
            cooperatives_located.send(
                sender=Cooperative, cooperative_ids=located, user=self.user, reason=self.change_reason
            )
        recorded = [c.pk for c in plan.create if c.recorded_rat_year is not None]
        if "recorded_rat_year" in plan.update_fields:
            recorded += [c.pk for c in plan.update]
        for chunk in _chunks(recorded):
            cooperative_refresh_rat_summary(cooperative_ids=chunk)  # their year-end statuses too
        changed = [c.pk for c in plan.create]
        if YEAR_INPUTS.intersection(plan.update_fields):
            changed += [c.pk for c in plan.update]
        for chunk in _chunks(sorted(set(changed) - set(recorded))):
            cooperative_years_refresh(cooperative_ids=chunk)
