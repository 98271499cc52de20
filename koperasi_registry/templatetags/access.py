"""``{% load access %}{% if user|can:"app.permission" %}``: a declared permission, asked
of the declarations directly (``koperasi_registry.access.can``)."""

from django import template

from koperasi_registry import access

register = template.Library()


@register.filter
def can(user, permission: str) -> bool:
    return access.can(user, permission)
