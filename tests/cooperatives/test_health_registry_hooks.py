"""What the health code offers the registry pages: the history partial, the latest-category
annotation and a ready-made filter; and the instrument admin's checks."""

import django_filters
import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from cooperatives.health.filtersets import filter_latest_health_category, latest_health_category_filter
from cooperatives.health.selectors import assessment_history, with_latest_health_category
from cooperatives.models import Cooperative, HealthAspect

from .health_helpers import KSP, PERMENKOP, assess, instrument, ksp, produsen

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(sintang, staf):
    improving, declining, never = ksp(name="A Membaik"), ksp(name="B Menurun"), produsen(name="C Belum")
    assess(improving, year=2023, score=55, assessor=staf)
    assess(improving, year=2024, score=85, assessor=staf)
    assess(declining, year=2023, score=85, assessor=staf)
    assess(declining, year=2024, score=60, assessor=staf)
    return improving, declining, never


def test_latest_category_is_annotated_in_one_query(three, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = dict(with_latest_health_category(Cooperative.objects.filter(pk__in=[c.pk for c in three])).values_list("name", "latest_health_category"))
    assert rows == {"A Membaik": "Sehat", "B Menurun": "Dalam Pengawasan", "C Belum": None}


def test_the_ready_made_filter_keeps_cooperatives_by_latest_category(three):
    class RegistryLikeFilterSet(django_filters.FilterSet):
        health = latest_health_category_filter()

        class Meta:
            model = Cooperative
            fields = ["health"]

    queryset = Cooperative.objects.filter(pk__in=[c.pk for c in three])
    filtered = RegistryLikeFilterSet({"health": "Sehat"}, queryset=queryset)
    assert [c.name for c in filtered.qs] == ["A Membaik"]
    assert RegistryLikeFilterSet({"health": "Tidak ada"}, queryset=queryset).is_valid() is False
    assert RegistryLikeFilterSet({}, queryset=queryset).qs.count() == 3
    assert list(filter_latest_health_category(queryset, "health", "Dalam Pengawasan")) == [three[1]]


def test_history_partial_lists_years_with_bars(three, rf, kabid):
    improving = three[0]
    request = rf.get("/")
    request.user = kabid
    html = render_to_string(
        "cooperatives/_health_history.html",
        {"health_history": assessment_history(cooperative=improving), "cooperative": improving},
        request=request,
    )
    assert html.count('data-testid="health-history-row"') == 2
    assert html.index(">2023<") < html.index(">2024<")  # oldest first: a trend
    assert 'style="width: 55%"' in html and 'style="width: 85%"' in html
    assert "Tambah penilaian" not in html  # Kabid may not add


def test_history_partial_when_never_assessed(three, rf, staf):
    request = rf.get("/")
    request.user = staf
    html = render_to_string(
        "cooperatives/_health_history.html",
        {"health_history": assessment_history(cooperative=three[2]), "cooperative": three[2]},
        request=request,
    )
    assert "Belum pernah dinilai" in html
    assert f"?cooperative={three[2].pk}" in html  # Staf may add


def test_the_registry_detail_page_shows_the_history(client_as, staf, three):
    response = client_as(staf).get(reverse("cooperatives:cooperative_detail", args=[three[0].pk]))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="health-history-row"') == 2


# -- Django admin: weights and thresholds are checked, and editing never rewrites history --

def _instrument_post(inst, weights, thresholds):
    data = {
        "name": inst.name, "code": inst.code, "version": inst.version, "regulation": inst.regulation,
        "description": inst.description, "kind": inst.kind, "applies_to": inst.applies_to,
        "max_score": inst.max_score, "max_total": inst.max_total, "active": "on", "valid_from": "",
    }
    aspects = list(inst.aspects.order_by("order"))
    data |= {"aspects-TOTAL_FORMS": len(aspects), "aspects-INITIAL_FORMS": len(aspects),
             "aspects-MIN_NUM_FORMS": 1, "aspects-MAX_NUM_FORMS": 1000}
    for i, aspect in enumerate(aspects):
        data |= {f"aspects-{i}-id": aspect.pk, f"aspects-{i}-instrument": inst.pk, f"aspects-{i}-order": aspect.order,
                 f"aspects-{i}-name": aspect.name, f"aspects-{i}-weight": weights.get(aspect.name, aspect.weight),
                 f"aspects-{i}-components": aspect.components}
    rows = list(inst.thresholds.order_by("level", "order"))
    data |= {"thresholds-TOTAL_FORMS": len(rows), "thresholds-INITIAL_FORMS": len(rows),
             "thresholds-MIN_NUM_FORMS": 1, "thresholds-MAX_NUM_FORMS": 1000}
    for i, row in enumerate(rows):
        data |= {f"thresholds-{i}-id": row.pk, f"thresholds-{i}-instrument": inst.pk, f"thresholds-{i}-level": row.level,
                 f"thresholds-{i}-order": row.order, f"thresholds-{i}-lower_bound": thresholds.get(row.label, row.lower_bound),
                 f"thresholds-{i}-label": row.label}
    return data


def test_admin_rejects_weights_that_do_not_make_100(client_as, admin, sintang):
    inst = instrument(KSP)
    url = reverse("admin:cooperatives_healthinstrument_change", args=[inst.pk])
    assert client_as(admin).get(url).status_code == 200
    response = client_as(admin).post(url, _instrument_post(inst, {"Permodalan": 20}, {}))
    assert response.status_code == 200
    assert "Jumlah bobot aspek harus 100, sekarang 105." in response.content.decode()
    assert HealthAspect.objects.get(instrument=inst, name="Permodalan").weight == 15


def test_admin_rejects_a_threshold_table_without_a_bottom(client_as, admin, sintang):
    inst = instrument(KSP)
    url = reverse("admin:cooperatives_healthinstrument_change", args=[inst.pk])
    response = client_as(admin).post(url, _instrument_post(inst, {}, {"Dalam Pengawasan Khusus": 10}))
    assert response.status_code == 200
    assert "berbatas bawah 0" in response.content.decode()


def test_admin_edits_weights_and_stored_assessments_stay(client_as, admin, staf, sintang):
    stored = assess(ksp(), score=80, assessor=staf)
    inst = instrument(KSP)
    url = reverse("admin:cooperatives_healthinstrument_change", args=[inst.pk])
    response = client_as(admin).post(url, _instrument_post(inst, {"Permodalan": 10, "Manajemen": 20}, {"Sehat": 85}))
    assert response.status_code == 302
    assert HealthAspect.objects.get(instrument=inst, name="Permodalan").weight == 10
    stored.refresh_from_db()
    assert (stored.total, stored.category) == (80, "Sehat")
    assert stored.aspect_scores.get(name="Permodalan").weight == 15
    assert inst.history.count() >= 1


def test_admin_shows_assessments_read_only(client_as, admin, staf, sintang):
    stored = assess(ksp(), code=KSP, assessor=staf)
    assess(stored.cooperative, code=PERMENKOP, assessor=staf)
    client = client_as(admin)
    assert client.get(reverse("admin:cooperatives_healthassessment_changelist")).status_code == 200
    assert client.get(reverse("admin:cooperatives_healthassessment_change", args=[stored.pk])).status_code == 200
    assert client.get(reverse("admin:cooperatives_healthassessment_add")).status_code == 403


def test_the_registry_list_filters_by_latest_category_and_exports_the_same_rows(client_as, staf, three):
    client = client_as(staf)
    url = reverse("cooperatives:cooperative_list")
    response = client.get(url, {"health": "Dalam Pengawasan"})
    assert [row.record.name for row in response.context["table"].rows] == ["B Menurun"]
    csv = client.get(url, {"health": "Dalam Pengawasan", "_export": "csv"}).content.decode()
    assert "B Menurun" in csv and "A Membaik" not in csv
    assert client.get(url, {"health": "Tidak ada"}).context["filter"].form.errors
