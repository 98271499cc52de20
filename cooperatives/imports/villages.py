"""Finding a row's village from what the office typed: a Kemendagri code, or a name with
or without its kecamatan ("Desa Tanjung Puri", "Kel. Tanjung Puri", "tanjung  puri").

``VillageResolver(queryset)`` loads the office's villages in one query (plain tuples, not
model instances) and answers each row from memory; it never names a village outside the
queryset.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.translation import gettext as _

from koperasi_registry.scopes import Scope

from .cells import is_blank, normalize_district_code, normalize_village_code, parse_text
from .sheets import DESA, KECAMATAN, KODE_DESA

SUGGESTIONS = 3
CUTOFF = 0.6
LISTED = 10  # kecamatan named in one message, at most

_VILLAGE_PREFIXES = (("desa", "adat"), ("desa",), ("ds",), ("kelurahan",), ("kel",))
_DISTRICT_PREFIXES = (("kecamatan",), ("kec",), ("distrik",))
_DISTRICT_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}")


def _key(text, prefixes) -> str:
    """Case, space and punctuation left out, and a leading "Desa"/"Kel."/"Kec." word."""
    words = re.sub(r"[\W_]+", " ", parse_text(text).casefold()).split()
    for prefix in prefixes:
        if len(words) > len(prefix) and tuple(words[: len(prefix)]) == prefix:
            words = words[len(prefix) :]
            break
    return "".join(words)


def village_key(text) -> str:
    return _key(text, _VILLAGE_PREFIXES)


def district_key(text) -> str:
    return _key(text, _DISTRICT_PREFIXES)


@dataclass(frozen=True)
class Resolution:
    """The village found (its id), or the error to report as ``(column header, message)``.
    Both None: the row names no village."""

    village_id: int | None = None
    error: tuple[str, str] | None = None


class _Village(NamedTuple):
    id: int
    code: str
    name: str
    district_code: str


class VillageResolver:
    def __init__(self, queryset):
        self.by_code: dict[str, _Village] = {}
        self.by_key: dict[str, list[_Village]] = defaultdict(list)
        self.district_names: dict[str, str] = {}  # kecamatan code -> name
        self.districts_by_key: dict[str, set[str]] = defaultdict(set)
        self._suggestions: dict[tuple, list[str]] = {}
        rows = queryset.order_by().values_list("id", "code", "name", "district__code", "district__name")
        for pk, code, name, district_code, district_name in rows.iterator(chunk_size=5000):
            village = _Village(pk, code, name, district_code)
            self.by_code[code] = village
            self.by_key[village_key(name)].append(village)
            if district_code not in self.district_names:
                self.district_names[district_code] = district_name
                self.districts_by_key[district_key(district_name)].add(district_code)

    @classmethod
    def for_office(cls, *, scope: Scope) -> VillageResolver:
        """The villages of an office ``scope`` (``access.office_scope(user)`` of the user
        importing): a row naming a village outside it matches nothing."""
        from ..models import Village

        return cls(Village.objects.filter(scope.code_q()))

    # --- the one public question ---------------------------------------------------------------

    def resolve(self, *, code: str | None, name: str | None, district: str | None) -> Resolution:
        """A code wins (a name or kecamatan given beside it must agree with it); else the name,
        within the kecamatan when one is given."""
        code = "" if is_blank(code) else normalize_village_code(code)
        name = "" if is_blank(name) else parse_text(name)
        districts = None
        if not is_blank(district):
            districts, error = self._districts(parse_text(district))
            if error:
                return Resolution(error=error)
        if code:
            return self._by_code(code, name, districts)
        if name:
            return self._by_name(name, districts)
        return Resolution()

    # --- steps ------------------------------------------------------------------------------------

    def _districts(self, text: str) -> tuple[set[str] | None, tuple[str, str] | None]:
        code = normalize_district_code(text)
        if _DISTRICT_CODE.fullmatch(code):
            if code in self.district_names:
                return {code}, None
            return None, (KECAMATAN, _("Kode kecamatan %(code)s tidak ada di wilayah dinas. Lihat lembar Wilayah.")
                          % {"code": code})
        codes = self.districts_by_key.get(district_key(text))
        if codes:
            return codes, None
        names = {district_key(name): name for name in self.district_names.values()}
        close = difflib.get_close_matches(district_key(text), names, n=SUGGESTIONS, cutoff=CUTOFF)
        message = _("Kecamatan '%(name)s' tidak ada di wilayah dinas.") % {"name": text}
        return None, (KECAMATAN, self._with_suggestions(message, [names[key] for key in close]))

    def _by_code(self, code: str, name: str, districts: set[str] | None) -> Resolution:
        village = self.by_code.get(code)
        if village is None:
            return Resolution(error=(KODE_DESA, _(
                "Kode desa %(code)s tidak ada di wilayah dinas. Salin kodenya dari lembar Wilayah, "
                "atau kosongkan kolom ini dan isi nama desa.") % {"code": code}))
        if name and village_key(name) != village_key(village.name):
            return Resolution(error=(KODE_DESA, _(
                "Kode desa %(code)s adalah %(village)s, bukan '%(name)s'. Perbaiki salah satunya.")
                % {"code": code, "village": village.name, "name": name}))
        if districts is not None and village.district_code not in districts:
            return Resolution(error=(KECAMATAN, _(
                "Kode desa %(code)s (%(village)s) ada di Kecamatan %(district)s, bukan di kecamatan yang ditulis.")
                % {"code": code, "village": village.name, "district": self.district_names[village.district_code]}))
        return Resolution(village_id=village.id)

    def _by_name(self, name: str, districts: set[str] | None) -> Resolution:
        everywhere = self.by_key.get(village_key(name), [])
        found = [v for v in everywhere if districts is None or v.district_code in districts]
        if len(found) == 1:
            return Resolution(village_id=found[0].id)
        if found:
            codes = {v.district_code for v in found}
            if len(codes) > 1:
                return Resolution(error=(KECAMATAN, _(
                    "Desa/kelurahan '%(name)s' ada di beberapa kecamatan: %(districts)s. Isi kolom Kecamatan.")
                    % {"name": name, "districts": ", ".join(self._district_labels(codes))}))
            return Resolution(error=(DESA, _(
                "Ada %(count)s desa/kelurahan bernama '%(name)s' di Kecamatan %(district)s. Isi Kode desa: %(codes)s.")
                % {"count": len(found), "name": name, "district": self.district_names[codes.pop()],
                   "codes": ", ".join(sorted(v.code for v in found))}))
        if districts is not None:
            where = ", ".join(self._district_labels(districts))
            if everywhere:
                elsewhere = ", ".join(self._district_labels({v.district_code for v in everywhere}))
                return Resolution(error=(DESA, _(
                    "Desa/kelurahan '%(name)s' tidak ada di Kecamatan %(district)s, tetapi ada di Kecamatan "
                    "%(elsewhere)s. Periksa kolom Kecamatan.")
                    % {"name": name, "district": where, "elsewhere": elsewhere}))
            message = _("Desa/kelurahan '%(name)s' tidak ditemukan di Kecamatan %(district)s.") % {
                "name": name, "district": where}
        else:
            message = _("Desa/kelurahan '%(name)s' tidak ditemukan di wilayah dinas.") % {"name": name}
        return Resolution(error=(DESA, self._with_suggestions(message, self._suggest(name, districts))))

    def _suggest(self, name: str, districts: set[str] | None) -> list[str]:
        """Up to three close names: in the kecamatan given, else anywhere (with their kecamatan)."""
        key = (village_key(name), frozenset(districts or ()))
        if key not in self._suggestions:
            candidates: dict[str, list[_Village]] = defaultdict(list)
            for village_name_key, villages in self.by_key.items():
                for village in villages:
                    if districts is None or village.district_code in districts:
                        candidates[village_name_key].append(village)
            close = difflib.get_close_matches(key[0], candidates, n=SUGGESTIONS, cutoff=CUTOFF)
            labels = []
            for match in close:
                for village in candidates[match]:
                    if districts is None:
                        labels.append(_("%(village)s (Kec. %(district)s)") % {
                            "village": village.name, "district": self.district_names[village.district_code]})
                    else:
                        labels.append(village.name)
            self._suggestions[key] = labels[:SUGGESTIONS]
        return self._suggestions[key]

    def _district_labels(self, codes) -> list[str]:
        """Kecamatan names, sorted, at most ``LISTED``; with their codes when two share a name
        (a national load)."""
        names = [self.district_names[code] for code in codes]
        if len(set(names)) < len(names):
            names = [f"{self.district_names[code]} ({code})" for code in codes]
        names.sort()
        if len(names) > LISTED:
            names = [*names[:LISTED], _("dan %(count)s lainnya") % {"count": len(names) - LISTED}]
        return names

    @staticmethod
    def _with_suggestions(message: str, suggestions: list[str]) -> str:
        if suggestions:
            return message + " " + _("Mungkin maksud Anda: %(names)s?") % {"names": ", ".join(suggestions)}
        return message + " " + _("Lihat daftar di lembar Wilayah pada templat.")
