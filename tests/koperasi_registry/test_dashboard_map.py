"""The map page and its GeoJSON: hand-counted points, village coverage, a past year, one
kecamatan, the point cap, tiles on and off, role access and a constant number of queries."""

import datetime
import gzip
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperatives.choices import Lifecycle
from cooperatives.models import Cooperative, District, Village
from koperasi_registry.dashboard.selectors import geo
from koperasi_registry.dashboard.selectors.office import village_coverage
from tests.factories import CooperativeFactory, RatFilingFactory
from tests.query_budgets import QUERY_BUDGETS

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 8, 1)  # reference book year 2024; the end of 2024 reads 2023
MAP, DATA = reverse("dashboard_map"), reverse("dashboard_map_data")


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def located(lat, lng):
    return {"latitude": Decimal(lat), "longitude": Decimal(lng)}


@pytest.fixture
def office(sintang, today):
    """
    | coop | village | location | filings | other | now (2025) | end of 2024 |
    |---|---|---|---|---|---|---|
    | A | v1 (Kec. Sintang) | 0.10, 111.50 | 2023, 2024 | | aktif | aktif |
    | B | v1 | 0.12, 111.52 | 2023 | Merah Putih | kurang aktif | aktif |
    | C | v2 (Kec. Sintang) | – | 2024 | | aktif | tidak aktif |
    | D | v3 (Kec. Sintang) | 0.20, 111.60 | 2020 | | tidak aktif | tidak aktif |
    | E | t1 (Kec. Tempunak) | 0.30, 111.80 | – | founded 1/2/25, Merah Putih | baru | not registered |
    | F | t1 | 0.32, 111.84 | – | dissolved, SK 1/5/24 | dibubarkan | dibubarkan |
    | G | t2 (Kec. Tempunak) | – | – | | tidak aktif | tidak aktif |

    Villages now: v1 placed (aktif), v3 placed (neither), t1 placed (Merah Putih, no
    active), v2 active but not placeable, t2 neither and not placeable.
    """
    sintang_district, tempunak = District.objects.get(code="61.05.01"), District.objects.get(code="61.05.02")
    v1, v2, v3 = Village.objects.filter(district=sintang_district).order_by("code")[:3]
    t1, t2 = Village.objects.filter(district=tempunak).order_by("code")[:2]
    c = {
        "A": CooperativeFactory(name="Koperasi A", village=v1, **located("0.10", "111.50")),
        "B": CooperativeFactory(name="Koperasi B", village=v1, is_merah_putih=True, **located("0.12", "111.52")),
        "C": CooperativeFactory(name="Koperasi C", village=v2),
        "D": CooperativeFactory(name="Koperasi D", village=v3, **located("0.20", "111.60")),
        "E": CooperativeFactory(
            name="Koperasi E", village=t1, is_merah_putih=True, founded_on=datetime.date(2025, 2, 1),
            **located("0.30", "111.80"),
        ),
        "F": CooperativeFactory(
            name="Koperasi F", village=t1, lifecycle=Lifecycle.DIBUBARKAN, dissolution_decree_number="SK 12/2024",
            dissolution_decree_date=datetime.date(2024, 5, 1), **located("0.32", "111.84"),
        ),
        "G": CooperativeFactory(name="Koperasi G", village=t2),
    }
    for key, book_year in [("A", 2023), ("A", 2024), ("B", 2023), ("C", 2024), ("D", 2020)]:
        RatFilingFactory(cooperative=c[key], book_year=book_year)
    villages = {"v1": v1, "v2": v2, "v3": v3, "t1": t1, "t2": t2}
    return {"c": c, "v": villages, "sintang": sintang_district, "tempunak": tempunak}


def data(client, query="", layer=None):
    url = DATA + "?" + query + (f"&layer={layer}" if layer else "")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def by_name(collection) -> dict:
    return {f["properties"]["name"]: f for f in collection["features"]}


# --- The cooperatives' GeoJSON -------------------------------------------------------------


def test_the_located_cooperatives_with_their_status_now(client_as, kabid, office):
    collection = data(client_as(kabid))
    assert collection["type"] == "FeatureCollection" and collection["truncated"] is False
    features = by_name(collection)
    assert {name: f["properties"]["status"] for name, f in features.items()} == {
        "Koperasi A": "aktif", "Koperasi B": "kurang_aktif", "Koperasi D": "tidak_aktif",
        "Koperasi E": "baru", "Koperasi F": "dibubarkan",
    }
    b = features["Koperasi B"]
    assert b["geometry"] == {"type": "Point", "coordinates": [111.52, 0.12]}  # GeoJSON: longitude first
    assert b["properties"]["status_label"] == "Kurang aktif"
    assert b["properties"]["merah_putih"] is True and features["Koperasi A"]["properties"]["merah_putih"] is False
    assert b["properties"]["district"] == "Sintang"
    assert b["properties"]["village"] == str(office["v"]["v1"])
    assert b["properties"]["url"] == reverse("cooperatives:cooperative_detail", args=[office["c"]["B"].pk])
    assert features["Koperasi F"]["properties"]["status_label"] == "Dibubarkan"
    assert features["Koperasi E"]["properties"]["district"] == "Tempunak"


def test_a_past_year_shows_the_statuses_at_its_end_without_later_cooperatives(client_as, staf, office):
    features = by_name(data(client_as(staf), "year=2024"))
    assert {name: f["properties"]["status"] for name, f in features.items()} == {
        "Koperasi A": "aktif", "Koperasi B": "aktif", "Koperasi D": "tidak_aktif", "Koperasi F": "dibubarkan",
    }  # E was founded in 2025


def test_one_kecamatan(client_as, kabid, office):
    client = client_as(kabid)
    assert set(by_name(data(client, f"district={office['sintang'].pk}"))) == {"Koperasi A", "Koperasi B", "Koperasi D"}
    assert set(by_name(data(client, f"district={office['tempunak'].pk}"))) == {"Koperasi E", "Koperasi F"}
    assert set(by_name(data(client, f"year=2024&district={office['tempunak'].pk}"))) == {"Koperasi F"}


def test_the_data_is_compressed_for_browsers_that_accept_it(client_as, kabid, office):
    response = client_as(kabid).get(DATA, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["features"]


def test_the_points_are_capped_for_a_national_install(client_as, kabid, office, monkeypatch):
    monkeypatch.setattr(geo, "POINT_LIMIT", 2)
    client = client_as(kabid)
    collection = data(client)
    assert 1 <= len(collection["features"]) <= 2 and collection["truncated"] is True and collection["limit"] == 2
    html = client.get(MAP).content.decode()
    assert 'data-testid="truncated"' in html and "Pilih satu kecamatan" in html
    assert data(client, f"district={office['tempunak'].pk}")["truncated"] is False  # exactly 2
    assert 'data-testid="truncated"' not in client.get(MAP + f"?district={office['tempunak'].pk}").content.decode()


def test_a_sample_beyond_the_limit_is_every_kth_point_from_the_first_not_the_first_ones(sintang):
    cooperatives = [CooperativeFactory() for _ in range(12)]
    pks = sorted(c.pk for c in cooperatives)
    located = Cooperative.objects.filter(pk__in=pks[1:])  # 11 points, the first id not among them
    assert list(geo.spread(located, total=11, limit=4).values_list("pk", flat=True)) == pks[1::3]  # 4: ids 2, 5, 8, 11
    assert list(geo.spread(located, total=11, limit=20).values_list("pk", flat=True)) == pks[1:]  # all fit


def test_a_province_or_national_map_sends_a_bounded_sample_and_a_kabupaten_its_points(
    client_as, kabid, office, monkeypatch, settings
):
    """Beyond one kabupaten the data holds at most ``WIDE_POINT_LIMIT`` points (its size does
    not grow with the data), flagged ``truncated``, with the page's note giving the count;
    one kabupaten (an office, or a national map drilled down to it) keeps ``POINT_LIMIT``."""
    monkeypatch.setattr(geo, "WIDE_POINT_LIMIT", 2)
    client = client_as(kabid)
    kabupaten = data(client)
    assert kabupaten["truncated"] is False and kabupaten["limit"] == geo.POINT_LIMIT and len(kabupaten["features"]) > 2
    settings.OFFICE_REGENCY_CODE = ""  # a national install
    for layer in ("", "layer=villages"):
        collection = data(client, layer)
        # Every k-th by id from the first (k = located / limit, rounded up): at most the limit.
        assert 1 <= len(collection["features"]) <= 2 and collection["truncated"] is True and collection["limit"] == 2
    html = client.get(MAP).content.decode()
    assert 'data-testid="truncated"' in html and "Pilih satu kecamatan" in html
    assert data(client, "region=61")["limit"] == 2  # a province
    chosen = data(client, "region=61.05")  # drilled down to one kabupaten: as its own office
    assert chosen["limit"] == geo.POINT_LIMIT and chosen["truncated"] is False
    assert set(by_name(chosen)) == set(by_name(kabupaten))


# --- Village coverage -------------------------------------------------------------------------


def test_villages_are_placed_at_their_cooperatives_average_and_coloured_by_coverage(client_as, kabid, office):
    features = {f["properties"]["id"]: f for f in data(client_as(kabid), layer="villages")["features"]}
    v = office["v"]
    assert set(features) == {v["v1"].pk, v["v3"].pk, v["t1"].pk}  # v2 and t2: no located cooperative
    v1, t1 = features[v["v1"].pk], features[v["t1"].pk]
    assert v1["geometry"]["coordinates"] == pytest.approx([111.51, 0.11])
    assert t1["geometry"]["coordinates"] == pytest.approx([111.82, 0.31])
    assert {pk: f["properties"]["coverage"] for pk, f in features.items()} == {
        v["v1"].pk: "aktif", v["t1"].pk: "merah_putih", v["v3"].pk: "none",
    }
    flags = ("has_active", "has_merah_putih", "located")
    assert [v1["properties"][flag] for flag in flags] == [True, True, 2]
    assert [t1["properties"][flag] for flag in flags] == [False, True, 2]
    assert v1["properties"]["name"] == str(v["v1"]) and v1["properties"]["district"] == "Sintang"
    assert v1["properties"]["url"] == reverse("cooperatives:cooperative_list") + f"?village={v['v1'].pk}"


def test_village_coverage_at_the_end_of_a_past_year(client_as, kabid, office):
    features = {f["properties"]["id"]: f for f in data(client_as(kabid), "year=2024", layer="villages")["features"]}
    t1 = features[office["v"]["t1"].pk]
    assert t1["properties"]["coverage"] == "none"  # E (Merah Putih) did not exist yet
    assert t1["properties"]["located"] == 1 and t1["geometry"]["coordinates"] == pytest.approx([111.84, 0.32])
    assert t1["properties"]["url"].endswith(f"?year=2024&village={office['v']['t1'].pk}")
    assert features[office["v"]["v1"].pk]["properties"]["coverage"] == "aktif"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            {"villages": 406, "placed": 3, "placed_active": 1, "placed_merah_putih": 1, "placed_none": 1,
             "without_active": 404, "without_active_unplaced": 402, "without_merah_putih": 404,
             "without_merah_putih_unplaced": 403},
        ),
        (
            "year=2024",
            {"villages": 406, "placed": 3, "placed_active": 1, "placed_merah_putih": 0, "placed_none": 2,
             "without_active": 405, "without_active_unplaced": 403, "without_merah_putih": 405,
             "without_merah_putih_unplaced": 403},
        ),
        (
            "district=SINTANG",
            {"villages": 29, "placed": 2, "placed_active": 1, "placed_merah_putih": 0, "placed_none": 1,
             "without_active": 27, "without_active_unplaced": 26, "without_merah_putih": 28,
             "without_merah_putih_unplaced": 27},
        ),
    ],
)
def test_the_village_summary(client_as, kabid, office, query, expected):
    response = client_as(kabid).get(MAP + "?" + query.replace("SINTANG", str(office["sintang"].pk)))
    assert response.context["villages"] == expected
    period = response.context["period"]
    # The same definitions as the dashboard's coverage panel.
    coverage = village_coverage(period=period)
    assert (coverage["villages"], coverage["without_active"], coverage["without_merah_putih"]) == (
        expected["villages"], expected["without_active"], expected["without_merah_putih"],
    )


# --- The page ----------------------------------------------------------------------------------


def test_the_page_shows_the_summary_legend_and_map(client_as, kabid, office):
    response = client_as(kabid).get(MAP)
    assert response.status_code == 200
    html = response.content.decode()
    locations = response.context["locations"]
    assert (locations["registered"], locations["located"], locations["unlocated"]) == (7, 5, 2)
    assert {item["status"]: item["count"] for item in response.context["legend"]} == {
        "aktif": 1, "kurang_aktif": 1, "tidak_aktif": 1, "baru": 1,
    }
    assert locations["located_dissolved"] == 1
    assert 'data-testid="located">5<' in html and 'data-testid="unlocated">2<' in html
    registered = reverse("cooperatives:cooperative_list") + "?"
    assert f'href="{registered}" data-testid="registered">7<' in html
    assert "402 desa/kelurahan tanpa koperasi aktif tidak dapat ditampilkan" in html
    assert 'id="map"' in html and "vendor/leaflet/leaflet.js" in html and "js/dashboard_map.js" in html
    assert 'aria-current="page" href="/dasbor/peta/' in html  # the Peta tab
    config = response.context["map_config"]
    assert config["cooperativesUrl"] == DATA + "?year=2025"
    assert config["villagesUrl"] == DATA + "?year=2025&layer=villages"


def listed(client, url) -> int:
    response = client.get(url.replace("&amp;", "&"))
    assert response.status_code == 200, url
    return response.context["table"].paginator.count


@pytest.mark.parametrize("query", ["", "year=2024", "district=SINTANG", "year=2024&district=SINTANG"])
def test_every_summary_link_leads_to_a_list_with_that_many_rows(client_as, kabid, office, query):
    client = client_as(kabid)
    html = client.get(MAP + "?" + query.replace("SINTANG", str(office["sintang"].pk))).content.decode()
    links = re.findall(r'<a href="([^"]+)" data-testid="([a-z-]+)">(\d+)</a>', html)
    assert {testid for url, testid, n in links} == {"registered", "without-active", "without-merah-putih"}
    for url, testid, n in links:
        assert listed(client, url) == int(n), testid
    if "year=2024" in query:
        assert all("year=2024" in url for url, testid, n in links)
    if "district" in query:
        assert all(f"district={office['sintang'].pk}" in url for url, testid, n in links)


def test_without_a_tile_url_there_is_no_tile_layer_and_the_page_says_so(client_as, kabid, office, settings):
    settings.MAP_TILE_URL = ""
    response = client_as(kabid).get(MAP)
    assert response.context["map_config"]["tileUrl"] == ""
    assert 'data-testid="no-tiles"' in response.content.decode()


def test_a_tile_url_is_passed_to_the_map_with_its_attribution(client_as, kabid, office, settings):
    settings.MAP_TILE_URL = "https://peta.example.go.id/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "&copy; Peta Dinas"
    response = client_as(kabid).get(MAP)
    html = response.content.decode()
    config = json.loads(html.split('<script id="map-config" type="application/json">')[1].split("</script>")[0])
    assert config["tileUrl"] == "https://peta.example.go.id/{z}/{x}/{y}.png"
    assert config["tileAttribution"] == "&copy; Peta Dinas"
    assert 'data-testid="no-tiles"' not in response.content.decode()


def test_no_located_cooperative(client_as, kabid, sintang, today):
    CooperativeFactory()
    response = client_as(kabid).get(MAP)
    assert response.context["locations"]["located"] == 0
    assert "Belum ada koperasi dengan lokasi" in response.content.decode()
    assert data(client_as(kabid))["features"] == []
    assert data(client_as(kabid), layer="villages")["features"] == []


# --- Access and queries -----------------------------------------------------------------------


@pytest.mark.parametrize("url", [MAP, DATA, DATA + "?layer=villages"])
def test_access(client, client_as, role_users, url, sintang):
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    for role, user in role_users.items():
        expected = 403 if role == "Pendamping" else 200
        assert client_as(user).get(url).status_code == expected, role
        client.logout()


def _located_office(n, district):
    villages = list(Village.objects.filter(district=district).order_by("code")[:3])
    for i in range(n):
        cooperative = CooperativeFactory(
            village=villages[i % 3], latitude=Decimal("0.1") + Decimal(i) / 100, longitude=Decimal("111.5"),
            is_merah_putih=i % 4 == 0,
        )
        if i % 2:
            RatFilingFactory(cooperative=cooperative, book_year=2024)


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize("query", ["", "year=2024", "district=DISTRICT"])
def test_a_constant_number_of_queries(
    client_as, kabid, sintang, today, django_assert_max_num_queries, n, query
):
    district = District.objects.get(code="61.05.01")
    _located_office(n, district)
    client = client_as(kabid)
    query = query.replace("DISTRICT", str(district.pk))
    with django_assert_max_num_queries(QUERY_BUDGETS["dashboard_map"]):
        assert client.get(MAP + "?" + query).status_code == 200
    with django_assert_max_num_queries(QUERY_BUDGETS["dashboard_map_data"]):
        assert len(data(client, query)["features"]) == n
    with django_assert_max_num_queries(QUERY_BUDGETS["dashboard_map_data"]):
        assert len(data(client, query, layer="villages")["features"]) == 3


# --- Pure rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("has_active", "has_merah_putih", "expected"),
    [(True, True, "aktif"), (True, False, "aktif"), (False, True, "merah_putih"), (False, False, "none")],
)
def test_coverage_class(has_active, has_merah_putih, expected):
    assert geo.coverage_class(has_active=has_active, has_merah_putih=has_merah_putih) == expected
