"""Rupiah and Indonesian date formatting for templates: ``{% load formatting %}``."""

from django import template

from koperasi_registry.formatting import format_date, format_rupiah, format_rupiah_juta

register = template.Library()
register.filter("rupiah", format_rupiah)
register.filter("rupiah_juta", format_rupiah_juta)
register.filter("tanggal", format_date)
