"""Rupiah and Indonesian date formatting for templates: ``{% load formatting %}``."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from koperasi_registry.formatting import (
    EMPTY,
    format_coordinates,
    format_date,
    format_rupiah,
    format_rupiah_juta,
    geo_uri,
)

register = template.Library()
register.filter("rupiah", format_rupiah)
register.filter("rupiah_juta", format_rupiah_juta)
register.filter("tanggal", format_date)


@register.simple_tag
def coordinates(latitude, longitude, link=True):
    """``{% coordinates obj.latitude obj.longitude %}``: ``0.402541, 112.881915`` (dot
    decimals, whatever the language) linked to the phone's map app (``geo:``) and to
    OpenStreetMap; ``link=False`` for the text alone."""
    text = format_coordinates(latitude, longitude)
    if text == EMPTY or not link:
        return text
    lat, lng = text.split(", ")
    return format_html(
        '<a href="{}" class="text-nowrap" data-testid="coordinates" title="{}">{}</a>'
        ' <a href="https://www.openstreetmap.org/?mlat={}&amp;mlon={}#map=16/{}/{}" class="small"'
        ' target="_blank" rel="noopener noreferrer">{}</a>',
        geo_uri(latitude, longitude), _("Buka di aplikasi peta"), text, lat, lng, lat, lng, _("peta"),
    )


@register.filter
def break_after_slash(value):
    """``Desa/kelurahan`` -> ``Desa/<wbr>kelurahan``: a narrow column may wrap after the
    slash instead of breaking the word (Chromium offers no break there by itself)."""
    return mark_safe("/<wbr>".join(escape(part) for part in str(value).split("/")))
