"""The office scope as a plain value (``Scope``): no model here, so that the access policy
can import it at any time. The model and its label rule: ``cooperatives.models.offices``."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

NATIONAL = "national"
PROVINCE = "province"
REGENCY = "regency"
LEVEL_BY_LENGTH = {0: NATIONAL, 2: PROVINCE, 5: REGENCY}


def scope_level(code: str) -> str:
    """``""`` national, ``61`` province, ``61.05`` kabupaten/kota (anything else raises)."""
    try:
        return LEVEL_BY_LENGTH[len(code)]
    except KeyError:
        raise ValueError(f"{code!r} is not a province or kabupaten/kota code") from None


@dataclass(frozen=True)
class Scope:
    """A user's office scope: ``code`` (``""``, ``"61"`` or ``"61.05"``), ``level``
    (``NATIONAL``, ``PROVINCE``, ``REGENCY``) and the office's ``label``."""

    code: str
    level: str
    label: str

    @classmethod
    def of(cls, code: str, label: str = "") -> "Scope":
        return cls(code=code, level=scope_level(code), label=label or settings.OFFICE_NAME)

    @property
    def is_national(self) -> bool:
        return self.level == NATIONAL

    def regency_q(self, path: str) -> Q:
        """``Q`` for rows whose kabupaten/kota (a ``Regency``, reached through ``path``,
        e.g. ``"village__district__regency"``) lies inside the scope."""
        if self.level == NATIONAL:
            return Q()
        if self.level == PROVINCE:
            return Q(**{f"{path}__province_code": self.code})
        return Q(**{f"{path}__code": self.code})

    def code_q(self, field: str = "code") -> Q:
        """``Q`` for regions (kabupaten, kecamatan, villages) whose Kemendagri code in
        ``field`` lies inside the scope (a prefix match: ``61.05.`` or ``61.``)."""
        if self.level == NATIONAL:
            return Q()
        return Q(**{f"{field}__startswith": f"{self.code}."})

    def office_q(self, field: str = "office_code") -> Q:
        """``Q`` for rows that belong to an office (their office scope code in ``field``:
        coaching targets, programmes) inside the scope: the scope's own office and the
        offices below it (a province: its own rows and its kabupaten/kota's)."""
        if self.level == NATIONAL:
            return Q()
        return Q(**{field: self.code}) | Q(**{f"{field}__startswith": f"{self.code}."})

    def holds(self, office_code: str) -> bool:
        """Whether the office ``office_code`` lies inside the scope (``office_q`` in Python)."""
        return self.level == NATIONAL or office_code == self.code or office_code.startswith(f"{self.code}.")

    @property
    def enclosing_codes(self) -> list[str]:
        """The codes of the offices whose scope contains this one, widest first: ``["",
        "61"]`` for ``61.05``, ``[""]`` for ``61``, none for the national office."""
        return {NATIONAL: [], PROVINCE: [""], REGENCY: ["", self.code[:2]]}[self.level]

    def unit_path(self, district_path: str) -> str:
        """What the dashboard groups on, from a path to a kecamatan (``"village__district"``):
        the kecamatan itself for a kabupaten office, its kabupaten/kota for a province, its
        province code for a national office (a join or two, never a query per row)."""
        return district_path + {REGENCY: "", PROVINCE: "__regency", NATIONAL: "__regency__province_code"}[self.level]

    def narrowed(self, code: str) -> "Scope":
        """The scope of ``code`` (a province or kabupaten/kota inside this one: a dashboard
        drill-down), or this scope when ``code`` is empty or outside it."""
        inside = code and (self.level == NATIONAL or code.startswith(f"{self.code}.")) and code != self.code
        if not inside or len(code) not in LEVEL_BY_LENGTH:
            return self
        return Scope.of(code, self.label)

    @property
    def child_level(self) -> str:
        """What the dashboard groups by: provinces for a national office, kabupaten/kota
        for a province, kecamatan for a kabupaten."""
        return {NATIONAL: PROVINCE, PROVINCE: REGENCY, REGENCY: "district"}[self.level]


def default_scope() -> Scope:
    """The scope of a user without an ``OfficeScope`` row: the installation's office."""
    return Scope.of(settings.OFFICE_REGENCY_CODE, settings.OFFICE_NAME)
