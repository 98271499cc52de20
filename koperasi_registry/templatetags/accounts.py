"""``{% load accounts %}``: ``{% password_reset_enabled as reset_ok %}`` (mail configured)."""

from django import template

from koperasi_registry.password_reset import mail_configured

register = template.Library()


@register.simple_tag
def password_reset_enabled() -> bool:
    return mail_configured()
