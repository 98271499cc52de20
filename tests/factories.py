"""factory_boy factories. Tests never assert on sequence numbers."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cooperatives.models import Village

TEST_PASSWORD = "rahasia-uji-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
            self.is_staff = extracted == "Admin"
        if create:
            self.save()


class KelompokFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cooperatives.Kelompok"
        django_get_or_create = ("name",)

    name = "KSU"


class CooperativeFactory(factory.django.DjangoModelFactory):
    """Needs villages: use the ``sintang`` fixture (codes come from the data)."""

    class Meta:
        model = "cooperatives.Cooperative"

    name = factory.Sequence(lambda n: f"Koperasi Uji {n}")
    jenis = "konsumen"
    bentuk = "primer"
    village = factory.LazyFunction(lambda: Village.objects.order_by("code").first())


class RatFilingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cooperatives.RatFiling"

    cooperative = factory.SubFactory(CooperativeFactory)
    book_year = 2024
    rat_date = factory.LazyAttribute(lambda o: datetime.date(o.book_year + 1, 3, 15))
    reported_on = factory.LazyAttribute(lambda o: datetime.date(o.book_year + 1, 3, 20))
    members_male = 40
    members_female = 35

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from cooperatives.services import rat_filing_save

        return rat_filing_save(filing=model_class(*args, **kwargs))
