"""Scale data for coaching work: one user per role, business assistants with 7-15
cooperatives each in one kabupaten, and (on request) coaching visits with follow-ups."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from assistants.choices import FollowUpStatus, VisitKind
from assistants.models import Assignment, BusinessAssistant, CoachingVisit, FollowUp, VisitTopic
from assistants.services import visit_summary_refresh
from cooperatives.models import Cooperative
from koperasi_registry import access

from .registry import CODE_PREFIX
from .run import Run

USER_PREFIX = "bench-"
# fmt: off
FINDINGS = [
    "Pembukuan belum rapi; buku kas belum diperbarui sejak tiga bulan.",
    "Pengurus aktif, simpanan wajib anggota tertib.",
    "RAT belum dilaksanakan; laporan keuangan sedang disusun.",
    "Unit usaha toko sembako berjalan, perlu pencatatan stok.",
    "Anggota menurun; perlu penyuluhan perkoperasian.",
]
FOLLOW_UPS = ["Susun laporan keuangan tahunan", "Jadwalkan RAT", "Perbarui data anggota", "Ajukan proposal pembiayaan"]
# fmt: on


def people(run: Run, assistants, cooperative_ids) -> dict:
    """One user per role, then assistants with 7-15 cooperatives each in one kabupaten."""
    User = get_user_model()
    role_users = {}
    for role in access.ROLES:
        user, _ = User.objects.get_or_create(
            username=f"{USER_PREFIX}{role.lower()}",
            defaults={"first_name": role, "last_name": "Uji Beban"},
        )
        user.groups.add(Group.objects.get(name=role))
        role_users[role] = user
    count = max(1, len(cooperative_ids) // 12) if assistants is None else assistants
    existing = User.objects.filter(username__startswith=f"{USER_PREFIX}ba-").count()
    users = User.objects.bulk_create(
        [
            User(
                username=f"{USER_PREFIX}ba-{existing + i:06d}",
                first_name="Pendamping",
                last_name=str(existing + i),
                password="!",
            )
            for i in range(max(count - 1, 0))
        ],
        batch_size=run.batch,
    )
    users = list(User.objects.filter(username__in=[u.username for u in users]).order_by("id"))
    group = Group.objects.get(name=access.PENDAMPING)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users],
        batch_size=run.batch,
    )
    pool = [role_users[access.PENDAMPING], *users]
    BusinessAssistant.objects.bulk_create(
        [BusinessAssistant(user=u) for u in pool], batch_size=run.batch, ignore_conflicts=True
    )
    assistant_ids = list(
        BusinessAssistant.objects.filter(user__in=pool)
        .order_by("user_id")
        .values_list("id", flat=True)
    )
    # Consecutive cooperatives of one kabupaten go to the same assistant (the new ids
    # form one range: read them back by range, not by a 100,000-item IN list).
    ordered = list(
        Cooperative.objects.filter(pk__gte=min(cooperative_ids), pk__lte=max(cooperative_ids))
        .order_by("village__district__regency_id", "id")
        .values_list("id", flat=True)
    )
    assignments, position = [], 0
    start = run.today - datetime.timedelta(days=180)
    for assistant_id in assistant_ids:
        size = run.rng.randrange(7, 16)
        for cooperative_id in ordered[position : position + size]:
            assignments.append(
                Assignment(
                    assistant_id=assistant_id, cooperative_id=cooperative_id, start_date=start
                )
            )
        position += size
        if position >= len(ordered):
            break
    Assignment.objects.bulk_create(assignments, batch_size=run.batch)
    return {"pendamping": len(assistant_ids), "penugasan": len(assignments)}


def visits(run: Run, total) -> dict:
    """``total`` coaching visits to assigned cooperatives, about three in ten with a follow-up."""
    rng, today = run.rng, run.today
    pairs = list(
        Assignment.objects.filter(cooperative__office_code__startswith=CODE_PREFIX).values_list(
            "cooperative_id", "assistant_id", "assistant__user_id", "cooperative__village__district_id"
        )
    )
    if not pairs:
        return {"kunjungan": 0}
    topic_ids = list(VisitTopic.objects.values_list("id", flat=True))
    visits_done = followups_done = 0
    for start in range(0, total, run.batch):
        size = min(run.batch, total - start)
        visits, owners = [], []
        for _ in range(size):
            cooperative_id, assistant_id, user_id, district_id = pairs[rng.randrange(len(pairs))]
            visits.append(
                CoachingVisit(
                    cooperative_id=cooperative_id,
                    assistant_id=assistant_id,
                    visit_date=today - datetime.timedelta(days=rng.randrange(0, 730)),
                    kind=rng.choice(VisitKind.values),
                    people_met="Ketua dan bendahara",
                    findings=rng.choice(FINDINGS),
                    recommendations="Lanjutkan pendampingan bulan depan.",
                    created_by_id=user_id,
                )
            )
            owners.append((user_id, district_id))
        created = CoachingVisit.objects.bulk_create(visits, batch_size=run.batch)
        if topic_ids:
            Through = CoachingVisit.topics.through
            Through.objects.bulk_create(
                [
                    Through(coachingvisit_id=v.pk, visittopic_id=rng.choice(topic_ids))
                    for v in created
                ],
                batch_size=run.batch,
            )
        followups = []
        for visit, (owner, district_id) in zip(created, owners, strict=True):
            if rng.random() < 0.3:
                due = visit.visit_date + datetime.timedelta(days=30)
                done = due < today - datetime.timedelta(days=60) and rng.random() < 0.7
                followups.append(
                    FollowUp(
                        visit_id=visit.pk,
                        cooperative_id=visit.cooperative_id,
                        district_id=district_id,
                        action=rng.choice(FOLLOW_UPS),
                        owner_id=owner,
                        due_date=due,
                        status=FollowUpStatus.DONE if done else FollowUpStatus.OPEN,
                        closed_on=due if done else None,
                    )
                )
        FollowUp.objects.bulk_create(followups, batch_size=run.batch)
        visits_done += len(created)
        followups_done += len(followups)
        run.progress("kunjungan", visits_done, total)
    # Bulk inserts send no signals: summarise the visits as the app would have.
    visit_summary_refresh()
    return {"kunjungan": visits_done, "tindak lanjut": followups_done}
