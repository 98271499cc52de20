"""Fuzz every form the app posts: hostile values per field type, never a server error,
and a refused form writes nothing.

The forms are discovered from the pages themselves: each endpoint is fetched (GET) as the
user who posts it, and every form and formset in the page's context (``form``,
``formset``, the admin's ``adminform`` and inline formsets) gives its fields. Hypothesis
then draws a value per field from its type (text with NUL bytes and odd unicode, huge and
negative integers, decimals with many digits, dates far out and malformed, unknown choices,
foreign-key ids that do not exist, empty values) and the page is POSTed with them.

For every example: the status is below 500, and when the response is not a redirect (the
form was refused) the row count of every domain model (their history tables included) is
unchanged.
"""

import datetime
import string
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.forms.formsets import BaseFormSet
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.assistants.factories import (
    AssignmentFactory,
    BusinessAssistantFactory,
    CoachingTargetFactory,
    CoachingVisitFactory,
    FinancingProposalFactory,
    FollowUpFactory,
    ProgrammeFactory,
)
from tests.cooperatives.health_helpers import RATING, instrument
from tests.factories import CooperativeFactory, RatFilingFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DOMAIN_APPS = ("cooperatives", "assistants", "koperasi_registry")

ODD_TEXT = [
    "\x00", "a\x00b", "Koperasi\x00", "\u0000\u0000", "\ud7ff", "\ufeff", "\u202e", "🦆" * 50, "ä" * 300,
    "' OR 1=1 --", "<script>alert(1)</script>", " ", "\r\n", "x" * 5000, "%00", "\\x00", "NaN",
]
ODD_NUMBERS = [
    "0", "-1", "-0", "1", "32767", "32768", "65535", "2147483647", "2147483648", "9223372036854775807",
    "9223372036854775808", "-9223372036854775809", "1" * 40, "40000", "1e400", "1e-400", "NaN", "Infinity",
    "-Infinity", "1,5", "1.5", "0x10", "", " ", "abc", "12\x00",
]
ODD_DATES = [
    "1900-01-01", "0001-01-01", "9999-12-31", "10000-01-01", "2099-01-01", "1999-12-31", "2000-01-01",
    "2024-02-30", "2023-02-29", "2024-13-01", "00-00-0000", "31/12/2024", "2024-1-1", "tomorrow", "",
    "2024-01-01\x00", "-2024-01-01", "99999999-01-01",
]
ODD_IDS = ["0", "-1", "999999999", "9223372036854775807", "99999999999999999999", "abc", "1.5", "", "1\x00"]


def text_values():
    return st.one_of(
        st.sampled_from(ODD_TEXT),
        st.text(max_size=40),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
    )


def integer_values():
    return st.one_of(
        st.sampled_from(ODD_NUMBERS),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


def decimal_values():
    return st.one_of(
        st.sampled_from(ODD_NUMBERS),
        st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
        st.builds(lambda digits, places: f"{digits}.{places}", st.text(string.digits, min_size=1, max_size=40),
                  st.text(string.digits, min_size=1, max_size=20)),
        st.floats(min_value=-200, max_value=200).map(lambda x: f"{x:.9f}"),  # coordinates
    )


def date_values():
    return st.one_of(
        st.sampled_from(ODD_DATES),
        st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(str),
        st.dates(min_value=datetime.date(1890, 1, 1), max_value=datetime.date(2110, 12, 31)).map(str),
    )


def choice_values(field):
    known = [str(value) for value, _label in getattr(field, "choices", []) if not isinstance(_label, (list, tuple))]
    return st.one_of(st.sampled_from(known or [""]), st.sampled_from(["zzz", "\x00", "", "0", "-1"]), text_values())


def model_choice_values(field):
    known = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:20]]
    return st.one_of(st.sampled_from(known or [""]), st.sampled_from(ODD_IDS))


def field_values(field):
    """A strategy of POST values (a string, or a list for multiple choice) for ``field``."""
    if isinstance(field, forms.FileField):
        return st.just(None)  # uploads have their own hostile-file tests
    if isinstance(field, forms.ModelMultipleChoiceField):
        return st.lists(model_choice_values(field), max_size=3)
    if isinstance(field, forms.ModelChoiceField):
        return model_choice_values(field)
    if isinstance(field, forms.MultipleChoiceField):
        return st.lists(choice_values(field), max_size=3)
    if isinstance(field, forms.ChoiceField):
        return choice_values(field)
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "true", "false", "\x00"])
    if isinstance(field, forms.DecimalField):
        return decimal_values()
    if isinstance(field, (forms.IntegerField, forms.FloatField)):
        return integer_values()
    if isinstance(field, (forms.DateField, forms.DateTimeField)):
        return date_values()
    if isinstance(field, forms.UUIDField):
        return st.one_of(st.uuids().map(str), st.sampled_from(["", "abc", "\x00"]))
    return text_values()


def _forms_in(context):
    """Every form and formset a page renders, with the formsets' management data."""
    values = {}
    for part in context if isinstance(context, list) else [context]:
        values.update(part.flatten())
    found = [value for value in values.values() if isinstance(value, (forms.BaseForm, BaseFormSet))]
    adminform = values.get("adminform")
    if adminform is not None:
        found.append(adminform.form)
    for inline in values.get("inline_admin_formsets") or []:
        found.append(inline.formset)
    unique = {id(item): item for item in found}
    return list(unique.values())


def post_strategy(context):
    """A strategy of POST dicts for every field of every form on the page."""
    fixed, drawn = {}, {}
    for item in _forms_in(context):
        if isinstance(item, BaseFormSet):
            management = item.management_form
            for name, field in management.fields.items():
                fixed[management.add_prefix(name)] = str(management[name].value() or 0)
            fixed[management.add_prefix("TOTAL_FORMS")] = str(len(item.forms))
            drawn[management.add_prefix("TOTAL_FORMS")] = st.sampled_from(
                [str(len(item.forms))] * 4 + ["-1", "abc", "1000000", "99999999999999999999", ""]
            )
            members = item.forms
        else:
            members = [item]
        for form in members:
            for name, field in form.fields.items():
                drawn[form.add_prefix(name)] = field_values(field)
    return st.fixed_dictionaries({**{k: st.just(v) for k, v in fixed.items()}, **drawn}).map(
        lambda data: {k: v for k, v in data.items() if v is not None}
    )


def row_counts():
    counts = {}
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model._default_manager.count()
    return counts


@pytest.fixture
def regions(db):
    """Two villages in one kecamatan (loading all of Sintang takes most of a minute)."""
    from cooperatives.models import District, Regency, Village

    regency = Regency.objects.create(code="61.05", name="Sintang", province_code="61", province_name="Kalimantan Barat")
    district = District.objects.create(code="61.05.01", name="Sintang", regency=regency)
    for code, name in (("61.05.01.1001", "Kapuas Kanan Hulu"), ("61.05.01.2002", "Baning Kota")):
        Village.objects.create(code=code, name=name, kind="kelurahan" if code.endswith("1001") else "desa", district=district)
    return regency


@pytest.fixture
def world(regions, admin, pendamping):
    """One of everything an edit page needs, and a Pendamping with an assigned cooperative."""
    founded = CooperativeFactory(name="Koperasi Lama", founded_on=datetime.date(2001, 5, 1))
    mine = CooperativeFactory(name="Koperasi Dampingan")
    me = BusinessAssistantFactory(user=pendamping)
    AssignmentFactory(assistant=me, cooperative=mine, start_date=datetime.date(2025, 1, 1))
    visit = CoachingVisitFactory(cooperative=mine, assistant=me, created_by=pendamping)
    followup = FollowUpFactory(visit=visit, owner=pendamping)
    programme = ProgrammeFactory()
    programme.participations.create(cooperative=mine)
    return {
        "cooperative": founded,
        "mine": mine,
        "filing": RatFilingFactory(cooperative=founded, book_year=2022),
        "visit": visit,
        "followup": followup,
        "programme": programme,
        "proposal": FinancingProposalFactory(cooperative=mine, assistant=me),
        "target": CoachingTargetFactory(),
        "rating": instrument(RATING),
    }


# (id, role, url name, url args from the world, query string for the GET)
ENDPOINTS = [
    ("cooperative_add", "admin", "cooperatives:cooperative_add", (), ""),
    ("cooperative_edit", "admin", "cooperatives:cooperative_edit", ("cooperative",), ""),
    ("ratfiling_add", "admin", "cooperatives:ratfiling_add", ("cooperative",), ""),
    ("ratfiling_edit", "admin", "cooperatives:ratfiling_edit", ("filing",), ""),
    ("assessment_add", "admin", "cooperatives:assessment_add", (), "?instrument={rating}&cooperative={cooperative}"),
    ("visit_add_admin", "admin", "assistants:visit_add", (), ""),
    ("visit_add_pendamping", "pendamping", "assistants:visit_add", (), ""),
    ("visit_edit", "admin", "assistants:visit_edit", ("visit",), ""),
    ("visit_edit_pendamping", "pendamping", "assistants:visit_edit", ("visit",), ""),
    ("target_add", "admin", "assistants:target_add", (), ""),
    ("target_edit", "admin", "assistants:target_edit", ("target",), ""),
    ("programme_add", "admin", "assistants:programme_add", (), ""),
    ("programme_edit", "admin", "assistants:programme_edit", ("programme",), ""),
    ("proposal_add", "admin", "assistants:proposal_add", (), ""),
    ("proposal_edit", "admin", "assistants:proposal_edit", ("proposal",), ""),
    ("proposal_add_pendamping", "pendamping", "assistants:proposal_add", (), ""),
]

def _fuzz(client, url, get_url):
    page = client.get(get_url)
    assert page.status_code == 200, (get_url, page.status_code)
    strategy = post_strategy(page.context)
    client.raise_request_exception = False
    examples = []

    @FUZZ
    @given(data=strategy)
    def run(data):
        before = row_counts()
        response = client.post(url, data)
        examples.append(response.status_code)
        assert response.status_code < 500, (url, data)
        if response.status_code not in (301, 302, 303):
            assert row_counts() == before, (url, data)

    run()
    assert examples


@pytest.mark.parametrize(("role", "name", "args", "query"), [e[1:] for e in ENDPOINTS], ids=[e[0] for e in ENDPOINTS])
def test_app_form_never_fails_with_a_server_error(client, world, admin, pendamping, role, name, args, query):
    client.force_login({"admin": admin, "pendamping": pendamping}[role])
    url = reverse(name, args=[world[a].pk for a in args])
    _fuzz(client, url, url + query.format(**{k: getattr(v, "pk", v) for k, v in world.items()}))


def test_login_form_never_fails_with_a_server_error(client, admin):
    _fuzz(client, reverse("login"), reverse("login"))
