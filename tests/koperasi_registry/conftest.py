"""The hand-counted office (``hand_counted.build_office``) on its day, for the dashboard tests."""

import pytest
from django.utils import timezone

from .hand_counted import TODAY, build_office


@pytest.fixture
def today(monkeypatch):
    """``timezone.localdate()`` is the hand-counted office's day, 1 August 2025."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def office(sintang, admin, today):
    return build_office(admin)
