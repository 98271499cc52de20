"""The shared list page: folded filter panel with an active-filter count, Indonesian pager."""

import pytest
from django.urls import reverse

from cooperatives.models import Village
from tests.factories import CooperativeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thirty(sintang):
    for village in Village.objects.order_by("code")[:30]:
        CooperativeFactory(village=village, last_rat_year=2020)


def test_filter_panel_stays_folded_and_counts_the_active_filters(client_as, staf, thirty):
    html = client_as(staf).get(reverse("cooperatives:cooperative_list"), {"status": "tidak_aktif", "jenis": "konsumen"}).content.decode()
    assert "<details class=\"card mb-2 d-print-none\" >" in html  # not open: the rows come first on a phone
    assert 'data-testid="active-filters">2 aktif<' in html


def test_invalid_filter_opens_the_panel(client_as, staf, thirty):
    html = client_as(staf).get(reverse("cooperatives:cooperative_list"), {"rat_year": "abc"}).content.decode()
    assert "<details class=\"card mb-2 d-print-none\" open>" in html


def test_pager_speaks_indonesian(client_as, staf, thirty):
    html = client_as(staf).get(reverse("cooperatives:cooperative_list")).content.decode()
    assert "berikutnya" in html
    assert "previous" not in html and "\n                        next\n" not in html
