"""The cooperative list and the RAT overdue list: filters, sorting, export, query counts."""

import csv
import re
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from cooperatives.choices import Status
from cooperatives.models import Cooperative, District, Kelompok, Village
from cooperatives.status import StatusRules, cooperative_status
from koperasi_registry import access
from tests.factories import CooperativeFactory, RatFilingFactory
from tests.query_budgets import QUERY_BUDGETS

pytestmark = pytest.mark.django_db

LIST = reverse("cooperatives:cooperative_list")
OVERDUE = reverse("cooperatives:rat_overdue")


def ref(bentuk="primer"):
    return StatusRules.from_settings().reference_year(today=timezone.localdate(), bentuk=bentuk)


@pytest.fixture
def registry(sintang):
    """Seven cooperatives in two kecamatan with known attributes and filings."""
    d1, d2 = District.objects.in_regency("61.05").order_by("name")[:2]
    v1 = Village.objects.filter(district=d1).order_by("code").first()
    v2 = Village.objects.filter(district=d2).order_by("code").first()
    ksp = Kelompok.objects.get_or_create(name="KSP")[0]
    kud = Kelompok.objects.get_or_create(name="KUD")[0]
    year = ref()
    old = datetime.date(2000, 1, 1)

    def make(name, village, *, rat_years=(), **fields):
        coop = CooperativeFactory(name=name, village=village, founded_on=fields.pop("founded_on", old), **fields)
        for rat_year in rat_years:
            RatFilingFactory(cooperative=coop, book_year=rat_year)
        coop.refresh_from_db()
        return coop

    coops = {
        "aktif": make("Koperasi Anggrek", v1, rat_years=[year - 1, year], jenis="simpan_pinjam", kelompok=ksp, nik="NIK-001", is_syariah=True),
        "kurang": make("Koperasi Bakung", v1, rat_years=[year - 1], jenis="konsumen", kelompok=kud, office_code="SNT-77"),
        "tidak": make("Koperasi Cempaka", v2, rat_years=[year - 5], jenis="produsen", is_merah_putih=True),
        "never": make("Koperasi Dahlia", v2, jenis="jasa", is_merah_putih=True),
        "baru": make("Koperasi Edelweis", v2, jenis="konsumen", founded_on=datetime.date(year, 6, 1)),
        "sekunder": make("Koperasi Flamboyan", v1, jenis="pemasaran", bentuk="sekunder", rat_years=[ref("sekunder")]),
        "bubar": make(
            "Koperasi Gardenia", v2, jenis="konsumen", lifecycle="dibubarkan",
            dissolution_decree_number="SK-9", dissolution_decree_date=datetime.date(year, 2, 1),
        ),
    }
    return {"coops": coops, "districts": (d1, d2), "villages": (v1, v2), "kelompok": (ksp, kud), "year": year}


def names(response):
    assert response.status_code == 200
    return [row.record.name for row in response.context["table"].paginated_rows]


def csv_names(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return [row[0] for row in rows[1:]]


def xlsx_names(response):
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_list_shows_every_cooperative_with_status_and_reason(client_as, staf, registry):
    response = client_as(staf).get(LIST)
    assert names(response) == sorted(c.name for c in registry["coops"].values())
    html = response.content.decode()
    assert 'data-status="kurang_aktif"' in html
    assert f"RAT terakhir: tahun buku {registry['year'] - 1}" in html  # the reason, in the badge's title
    assert "table-responsive" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=anggrek", ["aktif"]),
        ("q=NIK-001", ["aktif"]),
        ("q=snt-77", ["kurang"]),
        ("jenis=konsumen", ["kurang", "baru", "bubar"]),
        ("bentuk=sekunder", ["sekunder"]),
        ("is_merah_putih=true", ["tidak", "never"]),
        ("is_syariah=true", ["aktif"]),
        ("is_syariah=false&is_merah_putih=false&jenis=konsumen", ["kurang", "baru", "bubar"]),
        ("status=aktif", ["aktif", "sekunder"]),
        ("status=aktif&status=kurang_aktif", ["aktif", "kurang", "sekunder"]),
        ("status=tidak_aktif", ["tidak", "never"]),
        ("status=baru", ["baru"]),
        ("status=dibubarkan", ["bubar"]),
    ],
)
def test_filters(client_as, staf, registry, query, expected):
    coops = registry["coops"]
    assert names(client_as(staf).get(f"{LIST}?{query}")) == sorted(coops[key].name for key in expected)


def test_region_kelompok_and_rat_year_filters(client_as, staf, registry):
    client = client_as(staf)
    coops, (d1, d2), (v1, v2), (ksp, _kud), year = (
        registry["coops"], registry["districts"], registry["villages"], registry["kelompok"], registry["year"]
    )
    by = lambda *keys: sorted(coops[key].name for key in keys)  # noqa: E731
    assert names(client.get(f"{LIST}?district={d1.pk}")) == by("aktif", "kurang", "sekunder")
    assert names(client.get(f"{LIST}?village={v2.pk}")) == by("tidak", "never", "baru", "bubar")
    assert names(client.get(f"{LIST}?kelompok={ksp.pk}")) == by("aktif")
    assert names(client.get(f"{LIST}?rat_year={year - 1}&rat_filed=true")) == by("aktif", "kurang")
    assert names(client.get(f"{LIST}?rat_year={year - 1}&rat_filed=false&district={d1.pk}")) == by("sekunder")


def test_invalid_filters_show_errors_and_no_rows(client_as, staf, registry):
    client = client_as(staf)
    response = client.get(f"{LIST}?rat_filed=true")  # a RAT filter needs its book year
    assert names(response) == []
    assert "Isi tahun buku untuk saringan RAT." in response.content.decode()
    assert names(client.get(f"{LIST}?status=bukan_status")) == []
    assert names(client.get(f"{LIST}?district=999999")) == []


def test_status_filter_agrees_with_the_python_rule(client_as, staf, registry):
    rules = StatusRules.from_settings()
    today = timezone.localdate()
    client = client_as(staf)
    for status in Status.values:
        expected = sorted(
            coop.name
            for coop in Cooperative.objects.all()
            if cooperative_status(
                founded=coop.founded_on,
                last_rat_year=coop.last_rat_year,
                reference_year=rules.reference_year(today=today, bentuk=coop.bentuk),
                window=rules.window,
                lifecycle=coop.lifecycle,
            )
            == status
        )
        assert names(client.get(f"{LIST}?status={status}")) == expected, status


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["aktif", "kurang", "tidak", "never", "baru", "sekunder", "bubar"]),
        ("status=tidak_aktif", ["tidak", "never"]),
        ("jenis=konsumen&sort=-name", ["bubar", "baru", "kurang"]),
    ],
)
def test_export_honours_filters_and_sorting(client_as, staf, registry, fmt, query, expected):
    response = client_as(staf).get(f"{LIST}?{query}&_export={fmt}")
    exported = csv_names(response) if fmt == "csv" else xlsx_names(response)
    wanted = [registry["coops"][key].name for key in expected]
    assert exported == (wanted if "sort" in query else sorted(wanted))


def test_export_has_plain_values(client_as, staf, registry):
    response = client_as(staf).get(f"{LIST}?q=Bakung&_export=csv")
    header, row = list(csv.reader(io.StringIO(response.content.decode())))
    record = dict(zip(header, row))
    assert record["Status"] == "Kurang aktif"
    assert record["Desa/kelurahan"] == registry["villages"][0].name
    assert record["Kecamatan"] == registry["districts"][0].name
    assert record["Kode dinas"] == "SNT-77"
    assert "RAT terakhir" in record["Alasan status"]
    assert "<" not in response.content.decode()  # no HTML in the export


def test_export_includes_every_filtered_row_beyond_the_first_page(client_as, staf, sintang):
    CooperativeFactory.create_batch(27, jenis="jasa")
    CooperativeFactory.create_batch(2, jenis="konsumen")
    client = client_as(staf)
    response = client.get(f"{LIST}?jenis=jasa")
    assert len(names(response)) == 25 and response.context["table"].paginator.count == 27
    assert len(csv_names(client.get(f"{LIST}?jenis=jasa&_export=csv"))) == 27
    assert len(names(client.get(f"{LIST}?jenis=jasa&page=2"))) == 2


ORDERABLE = ["name", "nik", "village", "district", "jenis", "bentuk", "kelompok", "status", "last_rat_year"]


@pytest.mark.parametrize("column", ORDERABLE)
@pytest.mark.parametrize("direction", ["", "-"])
def test_every_column_sorts(client_as, staf, registry, column, direction):
    response = client_as(staf).get(f"{LIST}?sort={direction}{column}")
    assert len(names(response)) == 7


def test_sort_orders(client_as, staf, registry):
    client = client_as(staf)
    coops = registry["coops"]
    assert names(client.get(f"{LIST}?sort=-name"))[0] == "Koperasi Gardenia"
    d1, d2 = registry["districts"]
    by_district = names(client.get(f"{LIST}?sort=district"))
    assert by_district[:3] == sorted(coops[key].name for key in ("aktif", "kurang", "sekunder"))  # d1 sorts first
    by_rat = [row.record.last_rat_year for row in client.get(f"{LIST}?sort=-last_rat_year").context["table"].paginated_rows]
    filed = [year for year in by_rat if year is not None]
    assert filed == sorted(filed, reverse=True) and filed[0] == registry["year"]
    by_status = [row.record.status for row in client.get(f"{LIST}?sort=status").context["table"].paginated_rows]
    assert by_status == sorted(by_status)


def test_overdue_lists_due_cooperatives_without_the_reference_rat(client_as, kabid, registry):
    coops = registry["coops"]
    response = client_as(kabid).get(OVERDUE)
    assert names(response) == sorted(coops[key].name for key in ("kurang", "tidak", "never"))
    assert names(client_as(kabid).get(f"{OVERDUE}?district={registry['districts'][1].pk}")) == sorted(
        coops[key].name for key in ("tidak", "never")
    )
    assert csv_names(client_as(kabid).get(f"{OVERDUE}?jenis=jasa&_export=csv")) == [coops["never"].name]
    html = response.content.decode()
    assert f"Tahun buku acuan primer: {ref()}" in html


def _cooperatives(count):
    districts = list(District.objects.in_regency("61.05").order_by("name")[:3])
    villages = [Village.objects.filter(district=d).first() for d in districts]
    kelompok = Kelompok.objects.get_or_create(name="KUD")[0]
    for i in range(count):
        coop = CooperativeFactory(village=villages[i % 3], kelompok=kelompok if i % 2 else None, jenis="konsumen")
        if i % 3:
            RatFilingFactory(cooperative=coop, book_year=ref() - (i % 4))


@pytest.mark.parametrize(
    ("name", "url", "role"),
    [
        ("cooperative_list", LIST, access.STAF),
        ("cooperative_list", LIST + "?status=aktif&status=kurang_aktif&jenis=konsumen&sort=district", access.STAF),
        ("cooperative_list", LIST + "?rat_year=2024&rat_compliance=due&q=kop&sort=-kelompok", access.STAF),
        ("cooperative_list", LIST + "?rat_year=2024&rat_filed=false&village=1", access.ADMIN),
        ("cooperative_list", "ALL_FK_FILTERS", access.STAF),
        ("cooperative_list", LIST, access.PENDAMPING),
        ("rat_overdue", OVERDUE, access.KABID),
    ],
)
def test_list_query_count_does_not_grow_with_rows(
    client_as, role_users, sintang, django_assert_max_num_queries, name, url, role
):
    from assistants.models import Assignment, BusinessAssistant

    user = role_users[role]
    client = client_as(user)
    for added in (3, 27):  # 3, then 30 cooperatives
        _cooperatives(added)
        if role == access.PENDAMPING:
            assistant = BusinessAssistant.objects.get_or_create(user=user)[0]
            for coop in Cooperative.objects.exclude(assignments__assistant=assistant):
                Assignment.objects.create(assistant=assistant, cooperative=coop)
        if url == "ALL_FK_FILTERS":  # every foreign-key filter valid: each is looked up once
            village = Cooperative.objects.order_by("pk").first().village
            url = f"{LIST}?district={village.district_id}&village={village.pk}&kelompok={Kelompok.objects.get(name='KUD').pk}"
        with django_assert_max_num_queries(QUERY_BUDGETS[name]):
            response = client.get(url)
        assert response.status_code == 200
        if "?" not in url:
            assert len(response.context["table"].paginated_rows) == min(Cooperative.objects.count(), 25) or name == "rat_overdue"


def test_the_fast_export_equals_the_tables_own_cell_by_cell_export(registry, staf):
    import django_tables2

    from cooperatives.selectors import cooperative_list
    from cooperatives.tables import CooperativeTable

    for order in ("name", "-status", "district"):
        table = CooperativeTable(cooperative_list(user=staf), order_by=order)
        plain = lambda row: ["" if value is None else str(value) for value in row]  # noqa: E731  (CSV writes None as "")
        fast = [plain(row) for row in table.as_values()]
        slow = [plain(row) for row in django_tables2.Table.as_values(table)]
        assert fast == slow
        assert len(fast) == 1 + Cooperative.objects.count()


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("csv", ["'=HYPERLINK(\"http://jahat.example\",\"klik\")", "'@SUM(1+1)"]),
        ("xlsx", ["'=HYPERLINK(\"http://jahat.example\",\"klik\")", "@SUM(1+1)"]),  # XLSX: only "=" is a formula
    ],
)
def test_export_never_turns_typed_text_into_a_formula(client_as, staf, sintang, fmt, expected):
    CooperativeFactory(name='=HYPERLINK("http://jahat.example","klik")')
    CooperativeFactory(name="@SUM(1+1)")
    response = client_as(staf).get(f"{LIST}?_export={fmt}&sort=name")
    exported = csv_names(response) if fmt == "csv" else xlsx_names(response)
    assert sorted(exported) == sorted(expected)


def _village_options(response):
    """The village option values in the rendered filter form."""
    html = response.content.decode()
    start = html.index('name="village"')
    select = html[start : html.index("</select>", start)]
    return [int(v) for v in re.findall(r'<option value="(\d+)"', select)]


def test_village_filter_is_a_search_within_the_chosen_kecamatan(client_as, staf, sintang):
    from cooperatives.models import District, Village

    tempunak = District.objects.get(code="61.05.02")
    client = client_as(staf)
    assert _village_options(client.get(LIST)) == []  # a search field (search_villages), not 406 options
    village = Village.objects.filter(district=tempunak).first()
    response = client.get(LIST, {"district": tempunak.pk, "village": village.pk})
    assert _village_options(response) == [village.pk]
    assert 'data-search-depends="district"' in response.content.decode()


def test_a_national_install_lists_only_the_selected_village(client_as, staf, sintang, settings):
    from cooperatives.models import Village

    settings.OFFICE_REGENCY_CODE = ""
    village = Village.objects.order_by("code").first()
    CooperativeFactory(village=village)
    client = client_as(staf)
    assert _village_options(client.get(LIST)) == []
    response = client.get(LIST, {"village": village.pk})
    assert _village_options(response) == [village.pk]
    assert response.context["table"].paginator.count == 1  # any office village still validates
