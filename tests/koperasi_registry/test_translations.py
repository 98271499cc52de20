"""The English catalogue: every string translated, none left fuzzy, the compiled file up to
date; a page asked for in English speaks English."""

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from cooperatives.models import OfficeScope

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
ENTRY = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$')


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda match: ESCAPES[match.group(1)], text[1:-1])


def entries():
    """(flags, context, msgid, msgstr) of every live entry of the .po (obsolete #~ left out)."""
    for block in (CATALOGUE / "django.po").read_text(encoding="utf-8").split("\n\n"):
        fields, flags, current = {}, "", None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags = line
            elif match := ENTRY.match(line):
                current = match.group(1)
                fields[current] = unquote(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += unquote(line)
        if fields.get("msgid"):
            yield flags, fields.get("msgctxt"), fields["msgid"], fields.get("msgstr", fields.get("msgstr[0]", ""))


def test_every_english_entry_is_translated_and_none_is_fuzzy():
    rows = list(entries())
    assert len(rows) > 1000
    assert [msgid for flags, _, msgid, _ in rows if "fuzzy" in flags] == []
    assert [msgid for _, _, msgid, msgstr in rows if not msgstr] == []


def test_the_compiled_catalogue_matches_the_po():
    with open(CATALOGUE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for _, context, msgid, msgstr in entries():
        got = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        if got != msgstr and "\n" not in msgid:  # plural forms are looked up by ngettext
            stale.append(msgid)
    assert stale == []  # run `make messages` after editing the .po


def test_a_help_text_with_typographic_quotes_is_found_in_the_catalogue():
    # Written as "\u201c" in the source, xgettext kept the backslash: the text never matched.
    with translation.override("en"):
        assert str(OfficeScope._meta.get_field("label").help_text).startswith("Leave empty for an automatic name")


def test_the_error_pages_speak_english_when_chosen(client_as, pendamping):
    client = client_as(pendamping)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})  # the switch in the footer
    response = client.get(reverse("dashboard_trends"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Access denied" in html and "Your role does not allow opening this page" in html
    assert "Akses ditolak" not in html


def test_translated_strings_are_marked_with_names_makemessages_knows():
    # xgettext extracts _(), gettext() and Django's gettext_lazy & co., not an alias such as
    # _t(): fifteen messages of the visit and follow-up views stayed Indonesian in English.
    alias = re.compile(r"^from django\.utils\.translation import .*\b\w*gettext\w* as (?!_\b)\w+", re.MULTILINE)
    found = [
        str(path.relative_to(settings.BASE_DIR))
        for app in ("koperasi_registry", "cooperatives", "assistants")
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
        if alias.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
