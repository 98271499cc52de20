"""Demo data for coaching work, run by ``manage.py seed_demo`` after the cooperatives.

Links the demo user ``pendamping`` to a business assistant and adds ten more assistants
(``pendamping01`` … ``pendamping10``, same demo password), assigns each 7-15 of the
office's cooperatives, and writes a year of visits with topics and follow-ups (some
overdue), a yearly target of 150 cooperatives, two programmes (a DAK-funded training and
an APBD-funded cattle aid) with monitoring visits, and financing proposals in every
status. Without cooperatives only the assistants are created.

Deterministic (a fixed random seed; dates follow today) and idempotent: the
cooperative-dependent rows are written only in the run that first assigns cooperatives
to the demo assistants.
"""

import datetime
import itertools
import random
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assistants.choices import AidKind, Funding, FollowUpStatus, ProgrammeKind, ProposalKind, ProposalStatus, VisitKind
from assistants.models import (
    Assignment,
    BusinessAssistant,
    CoachingTarget,
    CoachingVisit,
    FinancingProposal,
    FollowUp,
    Programme,
    ProgrammeParticipation,
    VisitTopic,
)
from assistants.services import visit_summary_refresh
from koperasi_registry.scopes import default_scope
from cooperatives.choices import Lifecycle
from cooperatives.models import Cooperative
from koperasi_registry import access

from .users import demo_user

SEED = 4
NAMES = [
    ("Agus", "Santoso"), ("Dewi", "Lestari"), ("Yohanes", "Aping"), ("Maria", "Ungak"), ("Rudi", "Hartono"),
    ("Siti", "Aminah"), ("Fransiskus", "Jelani"), ("Rini", "Oktaviani"), ("Hendrikus", "Ajang"), ("Nurul", "Hidayah"),
]
FINDINGS = [
    "Buku kas dan buku anggota belum diperbarui sejak awal tahun.",
    "Pengurus belum menyiapkan laporan pertanggungjawaban untuk RAT.",
    "Unit toko sembako berjalan, stok dicatat manual di buku tulis.",
    "Simpanan wajib anggota banyak yang menunggak.",
    "Pengawas belum pernah membuat laporan pengawasan tertulis.",
    "Koperasi ingin mengajukan pinjaman modal untuk gudang pendingin.",
    "Sapi bantuan sehat; dua ekor bunting, kandang perlu diperbaiki.",
    "Anggota aktif turun; rapat pengurus tidak rutin.",
    "Pencatatan sudah memakai aplikasi di ponsel bendahara.",
]
RECOMMENDATIONS = [
    "Perbarui buku kas tiap minggu dan cocokkan dengan saldo bank.",
    "Jadwalkan rapat pengurus untuk menyusun LPJ dan neraca.",
    "Tagih tunggakan simpanan wajib secara bertahap.",
    "Susun rencana usaha sebelum mengajukan pembiayaan.",
    "Ikutkan bendahara pada pelatihan pembukuan berikutnya.",
]
ACTIONS = [
    "Kirim foto buku kas terbaru", "Susun draf LPJ pengurus", "Daftar ulang anggota aktif",
    "Siapkan undangan RAT", "Lengkapi neraca dan PHU", "Buat rencana usaha unit toko",
    "Perbaiki kandang sapi bantuan", "Laporkan hasil penagihan simpanan wajib",
]
PEOPLE = ["Ketua dan bendahara", "Ketua pengurus", "Manajer dan dua anggota", "Pengawas", "Bendahara"]
LENDERS = ["Bank Kalbar", "BRI Unit Sintang", "LPDB-KUMKM", "Bank Mandiri", "CU setempat"]


def _assistant_users():
    users = []
    main = get_user_model().objects.filter(username="pendamping").first()
    if main is not None:
        users.append(main)
    for number, (first, last) in enumerate(NAMES, start=1):
        users.append(demo_user(f"pendamping{number:02d}", first, last, access.PENDAMPING))
    return users


def seed(stdout):
    rng = random.Random(SEED)
    today = timezone.localdate()
    assistants = []
    for index, user in enumerate(_assistant_users()):
        assistant, _ = BusinessAssistant.objects.get_or_create(
            user=user,
            defaults={
                "phone": f"0812 5{index:03d} {1000 + index * 37:04d}",
                "training_completed_on": datetime.date(today.year - 1, 11, 20),
                "training_topics": "Rencana usaha, proposal pembiayaan, pembukuan koperasi",
                "contract_start": datetime.date(today.year, 1, 2),
                "contract_end": datetime.date(today.year, 12, 31),
            },
        )
        assistants.append(assistant)
    stdout.write(f"  pendamping: {len(assistants)}")

    target, _ = CoachingTarget.objects.get_or_create(
        year=today.year, district=None,
        defaults={"target_count": 150, "notes": "Koperasi dibina intensif (contoh Kutai Timur 2023)."},
    )

    cooperatives = list(
        Cooperative.objects.in_office(scope=default_scope()).exclude(lifecycle=Lifecycle.DIBUBARKAN).order_by("office_code", "id")
    )
    if not cooperatives:
        stdout.write("  belum ada koperasi: penugasan dan kunjungan dilewati")
        return
    if Assignment.objects.filter(assistant__in=assistants).exists():
        stdout.write("  penugasan dan kunjungan demo sudah ada")
        return

    rng.shuffle(cooperatives)
    start = datetime.date(today.year - 1, today.month, 1)
    assignments, assigned = [], {}
    pool = iter(cooperatives)
    for assistant in assistants:
        count = 12 if assistant.user.username == "pendamping" else rng.randint(7, 15)
        for cooperative in itertools.islice(pool, count):
            assignments.append(Assignment(assistant=assistant, cooperative=cooperative, start_date=start))
            assigned.setdefault(assistant, []).append(cooperative)
    bulk_create_with_history(assignments, Assignment)

    programmes = _programmes(rng, today, [c for cs in assigned.values() for c in cs])
    topics = list(VisitTopic.objects.filter(is_active=True))
    visits = []
    for assistant, own in assigned.items():
        for cooperative in own:
            dates = sorted({today - datetime.timedelta(days=rng.randint(1, 360)) for _ in range(rng.randint(2, 7))})
            programme = next((p for p, members in programmes if cooperative in members), None)
            for visit_date in dates:
                kind = rng.choices(
                    [VisitKind.PEMBINAAN, VisitKind.PENDAMPINGAN_RAT, VisitKind.MONEV, VisitKind.PEMERIKSAAN],
                    weights=[6, 2, 2, 1],
                )[0]
                visits.append(
                    CoachingVisit(
                        cooperative=cooperative, assistant=assistant, visit_date=visit_date, kind=kind,
                        programme=programme if kind == VisitKind.MONEV else None,
                        people_met=rng.choice(PEOPLE), findings=rng.choice(FINDINGS),
                        recommendations=rng.choice(RECOMMENDATIONS), submission_id=uuid.UUID(int=rng.getrandbits(128)),
                        created_by=assistant.user,
                    )
                )
    bulk_create_with_history(visits, CoachingVisit)  # sends no signals: summarise them here
    visit_summary_refresh(cooperative_ids=[c.pk for own in assigned.values() for c in own])
    visits = list(
        CoachingVisit.objects.filter(assistant__in=assistants)
        .select_related("cooperative__village")
        .order_by("cooperative_id", "visit_date", "id")
    )
    Through = CoachingVisit.topics.through
    Through.objects.bulk_create(
        [Through(coachingvisit_id=v.pk, visittopic_id=t.pk) for v in visits for t in rng.sample(topics, rng.randint(1, 3))]
    )

    followups = []
    by_cooperative = {}
    for visit in visits:
        by_cooperative.setdefault(visit.cooperative_id, []).append(visit)
    for series in by_cooperative.values():
        for position, visit in enumerate(series):
            if rng.random() > 0.6:
                continue
            due = visit.visit_date + datetime.timedelta(days=rng.randint(10, 45))
            later = series[position + 1] if position + 1 < len(series) else None
            followup = FollowUp(
                visit=visit, cooperative_id=visit.cooperative_id, district_id=visit.cooperative.village.district_id,
                action=rng.choice(ACTIONS),
                owner=visit.assistant.user, due_date=due,
            )
            if later is not None and rng.random() < 0.75:
                followup.status = FollowUpStatus.DONE
                followup.closed_on = later.visit_date
                followup.closed_by = visit.assistant.user
                followup.closed_in_visit = later
            elif later is None and due < today - datetime.timedelta(days=30) and rng.random() < 0.7:
                followup.status = FollowUpStatus.DONE  # done and reported by phone
                followup.closed_on = due
                followup.closed_by = visit.assistant.user
            followups.append(followup)
    bulk_create_with_history(followups, FollowUp)

    proposals = []
    statuses = list(ProposalStatus)
    for number, (assistant, own) in enumerate(assigned.items()):
        for cooperative in own[:2]:
            status = statuses[(number + len(proposals)) % len(statuses)]
            submitted = today - datetime.timedelta(days=rng.randint(40, 200)) if status != ProposalStatus.DRAFT else None
            decided = (
                submitted + datetime.timedelta(days=rng.randint(10, 35))
                if status in (ProposalStatus.APPROVED, ProposalStatus.REJECTED, ProposalStatus.DISBURSED) else None
            )
            proposals.append(
                FinancingProposal(
                    cooperative=cooperative, assistant=assistant,
                    kind=rng.choice([ProposalKind.PROPOSAL, ProposalKind.BUSINESS_PLAN]),
                    purpose=rng.choice(["Modal kerja toko sembako", "Gudang pendingin hasil tani", "Pengadaan bibit sapi", "Modal simpan pinjam anggota"]),
                    amount=Decimal(rng.randint(5, 50) * 10_000_000), lender=rng.choice(LENDERS), status=status,
                    submitted_on=submitted, decided_on=decided, created_by=assistant.user,
                )
            )
    bulk_create_with_history(proposals, FinancingProposal)
    overdue = FollowUp.objects.overdue(today=today).filter(visit__in=visits).count()
    stdout.write(
        f"  penugasan: {len(assignments)}, kunjungan: {len(visits)}, tindak lanjut: {len(followups)} "
        f"({overdue} terlambat), proposal: {len(proposals)}, target {target.year}: {target.target_count}"
    )


def _programmes(rng, today, cooperatives):
    """A training (DAK) and a cattle aid (APBD), each with 15 participating cooperatives."""
    specs = [
        ("Pelatihan Koperasi Modern dan Digital", ProgrammeKind.PELATIHAN, "", Funding.DAK, Decimal("400000000")),
        ("Bantuan Sapi Kampung Koperasi Peternak", ProgrammeKind.BANTUAN, AidKind.TERNAK, Funding.APBD, Decimal("1250000000")),
    ]
    result = []
    for name, kind, aid_kind, funding, budget in specs:
        programme, created = Programme.objects.get_or_create(
            name=name, year=today.year,
            defaults={
                "kind": kind, "aid_kind": aid_kind, "funding": funding, "budget": budget,
                "start_date": datetime.date(today.year, 2, 1), "end_date": datetime.date(today.year, 11, 30),
                "description": "Program dinas dengan kunjungan monitoring dan evaluasi ke koperasi peserta.",
            },
        )
        members = rng.sample(cooperatives, min(15, len(cooperatives)))
        if created:
            bulk_create_with_history(
                [
                    ProgrammeParticipation(
                        programme=programme, cooperative=c, aid_received="2 ekor sapi betina" if aid_kind else ""
                    )
                    for c in members
                ],
                ProgrammeParticipation,
            )
        result.append((programme, set(programme.cooperatives.all())))
    return result
