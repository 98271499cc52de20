"""Drill-down query strings for the dashboard pages: ``{% status_q period district=pk status="aktif" %}``.

A value with ``|`` repeats its key (``status="aktif|kurang_aktif"``). ``district`` defaults to
the period's kecamatan.
"""

from django import template

register = template.Library()


def _params(params: dict) -> dict:
    return {key: value.split("|") if isinstance(value, str) and "|" in value else value for key, value in params.items()}


@register.simple_tag
def status_q(period, district=None, **params) -> str:
    """For the cooperative list: statuses as on the period's day (``year=`` for a past year)."""
    return period.status_query(district_id=district, **_params(params))


@register.simple_tag
def period_q(period, district=None, **params) -> str:
    """For any other list: the kecamatan and ``params``."""
    return period.query(district_id=district, **_params(params))


@register.simple_tag
def status_rules():
    """``{% status_rules as rules %}``: the status rule's settings (``rules.window``; the
    primer and sekunder deadlines as dates in 2001, for ``|date:"j F"``), for the pages that
    explain the rule. Read from the settings ``cooperatives.status.StatusRules`` reads (this
    layer does not import the cooperatives app)."""
    import datetime

    from django.conf import settings

    def deadline(value: str) -> datetime.date:
        month, day = (int(part) for part in value.split("-"))
        return datetime.date(2001, month, day)

    return {
        "window": settings.RAT_STATUS_WINDOW,
        "primer": deadline(settings.RAT_DEADLINE_PRIMER),
        "sekunder": deadline(settings.RAT_DEADLINE_SEKUNDER),
    }
