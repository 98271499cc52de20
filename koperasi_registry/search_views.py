"""The JSON endpoints behind the search fields (``koperasi_registry/widgets.py``): one view
class, one :class:`SearchSource` per URL name (``search_cooperatives``, ``search_assistants``,
``search_users``, ``search_programmes``, ``search_villages``, ``search_districts``; the sources live with their
models in ``cooperatives/search.py`` and ``assistants/search.py``, the URL conf joins them).

``GET ?q=<text>&page=<n>`` answers ``{"results": [{"id", "text"}], "more": bool}``: at
most 20 rows a page, matched case-insensitively on the source's fields, from the rows the
user may see (the source's queryset goes through ``visible_to`` or the office's regions).
Two queries whatever the data size: the user's roles and one page of rows (read one row
past the page to know whether there are more).
"""

from dataclasses import dataclass, field
from typing import Callable

from django.db.models import Q
from django.http import JsonResponse
from django.views import View

from .access import PermissionRequiredMixin
from .widgets import RESULTS_PER_PAGE

MAX_QUERY_LENGTH = 100
MAX_PAGE = 50  # 1,000 rows deep is far enough for a type-to-search field


@dataclass(frozen=True)
class SearchSource:
    permission: str
    queryset: Callable  # (request) -> queryset of the rows the user may choose
    fields: tuple[str, ...]  # matched with icontains (codes and NIK: istartswith, below)
    label: Callable = str
    prefix_fields: tuple[str, ...] = field(default=())
    narrow: Callable | None = None  # (queryset, request.GET) -> queryset, e.g. by kecamatan


def _page(raw) -> int:
    try:
        return min(max(int(raw), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


class SearchView(PermissionRequiredMixin, View):
    """``SearchView.of(source).as_view()``: the class the access policy reads (its
    ``permission_required``) is made per source, without instances."""

    source: SearchSource = None

    @classmethod
    def of(cls, source: SearchSource):
        return type(cls.__name__, (cls,), {"source": source, "permission_required": source.permission})

    def get(self, request, *args, **kwargs):
        source = self.source
        text = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
        queryset = source.queryset(request)
        if source.narrow is not None:
            queryset = source.narrow(queryset, request.GET)
        if text:
            match = Q()
            for name in source.fields:
                match |= Q(**{f"{name}__icontains": text})
            for name in source.prefix_fields:
                match |= Q(**{f"{name}__istartswith": text})
            queryset = queryset.filter(match)
        page = _page(request.GET.get("page"))
        start = (page - 1) * RESULTS_PER_PAGE
        rows = list(queryset[start : start + RESULTS_PER_PAGE + 1])
        results = [{"id": row.pk, "text": source.label(row)} for row in rows[:RESULTS_PER_PAGE]]
        return JsonResponse({"results": results, "more": len(rows) > RESULTS_PER_PAGE})
