"""Factories for the assistants app (cooperatives come from tests.factories)."""

import datetime
import uuid

import factory

from tests.factories import CooperativeFactory, UserFactory


class BusinessAssistantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assistants.BusinessAssistant"

    user = factory.SubFactory(UserFactory, role="Pendamping")
    phone = "0812 3456 7890"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assistants.Assignment"

    assistant = factory.SubFactory(BusinessAssistantFactory)
    cooperative = factory.SubFactory(CooperativeFactory)
    start_date = datetime.date(2025, 1, 1)


class CoachingVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assistants.CoachingVisit"
        skip_postgeneration_save = True

    cooperative = factory.SubFactory(CooperativeFactory)
    visit_date = datetime.date(2026, 3, 10)
    kind = "pembinaan"
    findings = "Pembukuan belum rapi."
    submission_id = factory.LazyFunction(uuid.uuid4)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assistants.FollowUp"

    visit = factory.SubFactory(CoachingVisitFactory)
    action = "Rapikan buku kas"
    owner = factory.SubFactory(UserFactory, role="Staf")
    due_date = datetime.date(2026, 4, 10)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assistants.Programme"

    name = factory.Sequence(lambda n: f"Program Uji {n}")
    kind = "pelatihan"
    funding = "apbd"
    year = 2026


class FinancingProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assistants.FinancingProposal"

    cooperative = factory.SubFactory(CooperativeFactory)
    purpose = "Modal kerja toko sembako"
    amount = 50_000_000


class CoachingTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assistants.CoachingTarget"

    year = 2026
    target_count = 150
