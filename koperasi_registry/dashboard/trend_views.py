"""Placeholder while this page is built (session 2); its owner replaces this module."""

from django.http import Http404
from django.views import View


class _Pending(View):
    def get(self, request, *args, **kwargs):
        raise Http404


TrendsView = CoachingEffectView = _Pending
