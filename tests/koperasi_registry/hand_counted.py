"""A hand-counted office for the dashboard tests (see the table in ``build_office``)."""

import datetime

from assistants.choices import FollowUpStatus
from cooperatives.choices import Lifecycle
from cooperatives.models import District, Village
from tests.assistants.factories import AssignmentFactory, BusinessAssistantFactory, CoachingVisitFactory, FollowUpFactory
from tests.cooperatives.health_helpers import assess
from tests.factories import CooperativeFactory, RatFilingFactory

TODAY = datetime.date(2025, 8, 1)


def filing(cooperative, book_year, reported_on):
    return RatFilingFactory(
        cooperative=cooperative, book_year=book_year, rat_date=reported_on - datetime.timedelta(days=5), reported_on=reported_on
    )


def build_office(admin) -> dict:
    """Cooperatives A–H with filings, coaching and assessments (needs the ``sintang`` fixture).

    TODAY is 1 August 2025: the reference book year is 2024 (primer deadline 30 April 2025).
    A past year, 2024, is read on 31 December 2024 (reference book year 2023).

    | coop | village | filings (book year: reported) | other | now (2025) | end of 2024 |
    |---|---|---|---|---|---|
    | A | v1 (Sintang) | 2023: 20/3/24, 2024: 20/3/25 | | aktif | aktif |
    | B | v1 | 2024: 10/6/25 (late) | Merah Putih | aktif | tidak aktif |
    | C | v2 (Sintang) | 2023: 20/3/24 | | kurang aktif | aktif |
    | D | v2 | 2020 | | tidak aktif | tidak aktif |
    | E | t1 (Tempunak) | – | founded 1/2/25, Merah Putih | baru | not registered |
    | F | t1 | 2021 | | tidak aktif | kurang aktif |
    | G | t1 | – | dissolved, SK 1/5/24, Merah Putih | dibubarkan | dibubarkan |
    | H | t1 | 2023: 20/3/24 | dissolved, SK 1/6/25 | dibubarkan | aktif |
    """
    sintang_district = District.objects.get(code="61.05.01")  # Kecamatan Sintang
    tempunak = District.objects.get(code="61.05.02")
    v1, v2 = Village.objects.filter(district=sintang_district).order_by("code")[:2]
    t1 = Village.objects.filter(district=tempunak).order_by("code").first()
    make = CooperativeFactory
    c = {
        "A": make(village=v1, jenis="simpan_pinjam"),
        "B": make(village=v1, is_merah_putih=True),
        "C": make(village=v2, jenis="simpan_pinjam"),
        "D": make(village=v2),
        "E": make(village=t1, founded_on=datetime.date(2025, 2, 1), is_merah_putih=True),
        "F": make(village=t1, jenis="simpan_pinjam"),
        "G": make(
            village=t1, is_merah_putih=True, lifecycle=Lifecycle.DIBUBARKAN,
            dissolution_decree_number="SK 12/2024", dissolution_decree_date=datetime.date(2024, 5, 1),
        ),
        "H": make(
            village=t1, lifecycle=Lifecycle.DIBUBARKAN,
            dissolution_decree_number="SK 3/2025", dissolution_decree_date=datetime.date(2025, 6, 1),
        ),
    }
    filing(c["A"], 2023, datetime.date(2024, 3, 20))
    filing(c["A"], 2024, datetime.date(2025, 3, 20))
    filing(c["B"], 2024, datetime.date(2025, 6, 10))
    filing(c["C"], 2023, datetime.date(2024, 3, 20))
    filing(c["D"], 2020, datetime.date(2021, 3, 20))
    filing(c["F"], 2021, datetime.date(2022, 3, 20))
    filing(c["H"], 2023, datetime.date(2024, 3, 20))

    # Coaching: assistant X has A and D this year, had C in 2024.
    x = BusinessAssistantFactory()
    AssignmentFactory(assistant=x, cooperative=c["A"], start_date=datetime.date(2025, 1, 1))
    AssignmentFactory(assistant=x, cooperative=c["D"], start_date=datetime.date(2025, 3, 1))
    AssignmentFactory(
        assistant=x, cooperative=c["C"], start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2024, 12, 31)
    )
    first = CoachingVisitFactory(cooperative=c["A"], assistant=x, visit_date=datetime.date(2025, 2, 10))
    CoachingVisitFactory(cooperative=c["A"], assistant=x, visit_date=datetime.date(2025, 5, 10))
    CoachingVisitFactory(cooperative=c["C"], assistant=x, visit_date=datetime.date(2024, 6, 1))
    CoachingVisitFactory(cooperative=c["F"], assistant=None, kind="monev", visit_date=datetime.date(2025, 7, 1))
    FollowUpFactory(visit=first, due_date=datetime.date(2025, 7, 1))  # overdue on TODAY
    FollowUpFactory(visit=first, due_date=datetime.date(2025, 9, 1))
    FollowUpFactory(visit=first, due_date=datetime.date(2025, 3, 1), status=FollowUpStatus.DONE, closed_on=datetime.date(2025, 3, 2))

    on = datetime.date(2025, 7, 1)
    assess(c["A"], year=2025, score=85, assessor=admin, assessed_on=on)  # Sehat
    assess(c["C"], year=2025, score=60, assessor=admin, assessed_on=on)  # Dalam Pengawasan
    assess(c["F"], year=2024, score=70, assessor=admin, assessed_on=datetime.date(2024, 7, 1))  # another year
    return {"sintang": sintang_district, "tempunak": tempunak, "x": x, **c}


