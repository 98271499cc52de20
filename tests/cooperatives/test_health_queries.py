"""Every health page runs a constant number of queries, whatever the number of rows."""

import pytest
from django.urls import reverse

from cooperatives.models import HealthAssessment
from tests.query_budgets import QUERY_BUDGETS

from .health_helpers import KSP, PERMENKOP, RATING, assess, form_data, instrument, ksp, kspps, produsen

pytestmark = pytest.mark.django_db


def _assessments(n, staf):
    """``n`` assessments over kinds, instruments and years; some cooperatives with several years."""
    made = []
    cooperatives = [ksp(), kspps(), produsen()]
    codes = {0: KSP, 1: PERMENKOP, 2: RATING}
    for i in range(n):
        kind = i % 3
        if i >= 3 and i % 2:
            cooperatives[kind] = [ksp, kspps, produsen][kind]()
        made.append(
            assess(cooperatives[kind], code=codes[kind], year=2000 + i, score=3 if kind == 2 else 40 + i, assessor=staf)
        )
    return made


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize("params", [{}, {"category": "Sehat", "jenis": "simpan_pinjam", "sort": "-total"}, {"_export": "csv"}])
def test_list(client_as, staf, sintang, django_assert_max_num_queries, rows, params):
    _assessments(rows, staf)
    client = client_as(staf)
    with django_assert_max_num_queries(QUERY_BUDGETS["assessment_list"]):
        response = client.get(reverse("cooperatives:assessment_list"), params)
    assert response.status_code == 200
    if not params:
        assert response.context["table"].paginator.count == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_detail_with_a_long_history(client_as, staf, sintang, django_assert_max_num_queries, rows):
    cooperative = ksp()
    made = [assess(cooperative, year=1990 + i, score=50 + i, assessor=staf) for i in range(rows)]
    client = client_as(staf)
    with django_assert_max_num_queries(QUERY_BUDGETS["assessment_detail"]):
        response = client.get(made[-1].get_absolute_url())
    assert response.content.decode().count('data-testid="health-history-row"') == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_entry_pages(client_as, staf, sintang, django_assert_max_num_queries, rows):
    cooperatives = [ksp() for _ in range(rows)]
    assess(cooperatives[0], assessor=staf)
    client = client_as(staf)
    ksp_pk, checklist_pk = instrument(KSP).pk, instrument(PERMENKOP).pk
    with django_assert_max_num_queries(QUERY_BUDGETS["assessment_add"]):
        response = client.get(reverse("cooperatives:assessment_add"), {"instrument": ksp_pk})
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="aspect-row"') == 7
    duplicate, fresh = form_data(cooperatives[0]), form_data(cooperatives[-1])
    with django_assert_max_num_queries(QUERY_BUDGETS["assessment_add_post"]):
        response = client.post(reverse("cooperatives:assessment_add"), duplicate)
    assert response.status_code == 200
    assert "sudah dinilai" in response.content.decode()
    with django_assert_max_num_queries(QUERY_BUDGETS["assessment_preview"]):
        response = client.post(reverse("cooperatives:assessment_preview"), fresh)
    assert response.context["result"] is not None
    with django_assert_max_num_queries(QUERY_BUDGETS["assessment_aspects"]):
        response = client.get(reverse("cooperatives:assessment_aspects"), {"instrument": checklist_pk})
    assert response.content.decode().count('data-testid="aspect-row"') == 4
    assert HealthAssessment.objects.count() == 1
