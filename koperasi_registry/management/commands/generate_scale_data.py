"""Synthetic data at national scale, for benchmarks: ``manage.py generate_scale_data``.

Fills the CURRENT database (point ``DATABASE_URL`` at a database of its own, e.g.
``koperasi_bench``) with regions, N cooperatives spread over their villages, about 3.5 RAT
filings each over the last book years, business assistants with 7-15 assigned
cooperatives each in one kabupaten, one user per role (``bench-admin`` ...
``bench-pendamping``) and, on request, coaching visits with follow-ups. Bulk inserts in
batches; ``last_rat_year`` is rebuilt by the registry's own service at the end. History
rows are not written: this is load, not an audit trail.

Refuses to run on a database that already holds cooperatives unless ``--force`` (add more)
or ``--if-empty`` (do nothing) is given.
"""

import datetime
import random
import time
from contextlib import contextmanager
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from cooperatives.choices import Bentuk, Jenis, Lifecycle
from cooperatives.models import Cooperative, Kelompok, RatFiling, Village
from cooperatives.region_loader import UnknownRegionCode, load_regions, resolve_regencies
from cooperatives.services import cooperative_refresh_rat_summary
from cooperatives.status import StatusRules
from koperasi_registry import access

CODE_PREFIX = "SCALE-"
USER_PREFIX = "bench-"
# fmt: off
NAME_HEADS = ["KSU", "KSP", "KUD", "KPRI", "Kopwan", "Kopkar", "Koptan", "KSPPS BMT", "Koperasi Jasa", "Koppontren"]
NAME_WORDS = [
    "Maju Bersama", "Karya Mandiri", "Sejahtera", "Harapan Baru", "Bina Usaha", "Sumber Rezeki", "Tunas Harapan",
    "Mekar Sari", "Usaha Bersama", "Sepakat", "Gotong Royong", "Makmur Jaya", "Tani Makmur", "Setia Kawan",
    "Cahaya Baru", "Mitra Usaha", "Sumber Makmur", "Bumi Lestari", "Amanah", "Berkah", "Sinar Harapan",
]
KELOMPOK_BY_HEAD = {"KSPPS BMT": "KSPPS", "Koperasi Jasa": "Lain-lain"}
JENIS_BY_HEAD = {
    "KSP": Jenis.SIMPAN_PINJAM, "KSPPS BMT": Jenis.SIMPAN_PINJAM, "KUD": Jenis.PRODUSEN, "Koptan": Jenis.PRODUSEN,
    "Koperasi Jasa": Jenis.JASA, "KPRI": Jenis.KONSUMEN, "Kopkar": Jenis.KONSUMEN, "Kopwan": Jenis.SIMPAN_PINJAM,
}
# Activity profiles of the older cooperatives: (share, chance of a RAT in each book year).
ACTIVITY = [(0.65, 0.92), (0.20, 0.55), (0.15, 0.15)]
MERAH_PUTIH_SHARE = 0.05
FINDINGS = [
    "Pembukuan belum rapi; buku kas belum diperbarui sejak tiga bulan.",
    "Pengurus aktif, simpanan wajib anggota tertib.",
    "RAT belum dilaksanakan; laporan keuangan sedang disusun.",
    "Unit usaha toko sembako berjalan, perlu pencatatan stok.",
    "Anggota menurun; perlu penyuluhan perkoperasian.",
]
FOLLOW_UPS = ["Susun laporan keuangan tahunan", "Jadwalkan RAT", "Perbarui data anggota", "Ajukan proposal pembiayaan"]
# fmt: on


class Command(BaseCommand):
    help = (
        "Isi basis data SAAT INI dengan data sintetis skala besar untuk uji kecepatan "
        "(gunakan basis data tersendiri lewat DATABASE_URL)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cooperatives", type=int, default=100_000, help="jumlah koperasi (100000)"
        )
        parser.add_argument(
            "--regions", nargs="+", default=["all"], help="kode wilayah untuk load_regions (all)"
        )
        parser.add_argument(
            "--years", type=int, default=5, help="jumlah tahun buku laporan RAT (5)"
        )
        parser.add_argument("--visits", type=int, default=0, help="jumlah kunjungan pembinaan (0)")
        parser.add_argument(
            "--assistants", type=int, default=None, help="jumlah pendamping (koperasi/12)"
        )
        parser.add_argument("--batch", type=int, default=5000, help="baris per INSERT (5000)")
        parser.add_argument("--seed", type=int, default=1, help="benih acak (1)")
        parser.add_argument(
            "--force", action="store_true", help="tambahkan walau sudah ada koperasi"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="lewati tanpa galat bila sudah ada koperasi"
        )

    def handle(self, *args, **options):
        existing = Cooperative.objects.count()
        if existing and not options["force"]:
            if options["if_empty"]:
                self.stdout.write(
                    f"Basis data sudah berisi {existing} koperasi; tidak ada yang ditambahkan."
                )
                return
            raise CommandError(
                f"Basis data ini sudah berisi {existing} koperasi. Gunakan basis data kosong "
                "(DATABASE_URL) atau --force untuk menambah."
            )
        if options["cooperatives"] < 1 or options["years"] < 1:
            raise CommandError("--cooperatives dan --years harus lebih dari 0.")
        self.rng = random.Random(options["seed"])
        self.today = timezone.localdate()
        self.batch = options["batch"]
        self.timings: list[tuple[str, float]] = []
        started = time.perf_counter()

        with self.step("wilayah (load_regions)"):
            try:
                load_regions(options["regions"])
                regency_codes = [r.code for r in resolve_regencies(options["regions"])]
            except UnknownRegionCode as exc:
                raise CommandError(f"Kode wilayah tidak dikenal: {exc}") from exc
        villages = list(
            Village.objects.filter(district__regency__code__in=regency_codes)
            .order_by("id")
            .values_list("id", "kind")
        )
        with transaction.atomic():
            with self.step("koperasi dan laporan RAT"):
                counts = self.cooperatives_and_filings(
                    villages, options["cooperatives"], options["years"]
                )
            with self.step("last_rat_year (cooperative_refresh_rat_summary)"):
                cooperative_refresh_rat_summary()
            with self.step("pengguna, pendamping, penugasan"):
                counts.update(self.people(options["assistants"], counts.pop("new_ids")))
            if options["visits"]:
                with self.step("kunjungan dan tindak lanjut"):
                    counts.update(self.visits(options["visits"]))
        if connection.vendor == "postgresql":
            with self.step("ANALYZE"), connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        for label, seconds in self.timings:
            self.stdout.write(f"  {label:<50} {seconds:8.1f} s")
        summary = ", ".join(f"{key} {value:,}".replace(",", ".") for key, value in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Selesai dalam {time.perf_counter() - started:.1f} detik: {summary}."
            )
        )

    def progress(self, label, done, total):
        """A line every 20 batches on long runs, so a ten-minute load shows it is alive."""
        if total >= 20 * self.batch and (done == total or done % (20 * self.batch) == 0):
            self.stdout.write(f"  ... {label}: {done:,} / {total:,}".replace(",", "."))
            self.stdout.flush()

    @contextmanager
    def step(self, label):
        started = time.perf_counter()
        yield
        self.timings.append((label, time.perf_counter() - started))

    # --- cooperatives and RAT filings ------------------------------------------------
    def cooperatives_and_filings(self, villages, total, years) -> dict:
        today = self.today
        rules = StatusRules.from_settings()
        reference = rules.reference_year(today=today, bentuk=Bentuk.PRIMER)
        book_years = list(range(reference - years + 1, reference + 1))
        kelompok = dict(Kelompok.objects.values_list("name", "id"))
        offset = Cooperative.objects.filter(office_code__startswith=CODE_PREFIX).count()
        new_ids, filings_total = [], 0
        for start in range(0, total, self.batch):
            cooperatives, plans = [], []
            for number in range(offset + start, offset + min(start + self.batch, total)):
                cooperative, filing_years = self.cooperative(
                    number, villages, kelompok, reference, book_years
                )
                cooperatives.append(cooperative)
                plans.append(filing_years)
            created = Cooperative.objects.bulk_create(cooperatives, batch_size=self.batch)
            ids = [c.pk for c in created]
            if ids[0] is None:  # a backend without RETURNING: read the ids back
                codes = [c.office_code for c in cooperatives]
                by_code = dict(
                    Cooperative.objects.filter(office_code__in=codes).values_list(
                        "office_code", "id"
                    )
                )
                ids = [by_code[code] for code in codes]
            new_ids.extend(ids)
            filings = [
                self.filing(pk, year, bentuk=c.bentuk, rules=rules)
                for pk, c, filing_years in zip(ids, cooperatives, plans, strict=True)
                for year in filing_years
            ]
            RatFiling.objects.bulk_create(filings, batch_size=self.batch)
            filings_total += len(filings)
            self.progress("koperasi", min(start + self.batch, total), total)
        return {"koperasi": total, "laporan RAT": filings_total, "new_ids": new_ids}

    def cooperative(self, number, villages, kelompok, reference, book_years):
        rng = self.rng
        village_id, _kind = villages[rng.randrange(len(villages))]
        merah_putih = rng.random() < MERAH_PUTIH_SHARE
        head = rng.choice(NAME_HEADS)
        bentuk = Bentuk.SEKUNDER if rng.random() < 0.01 else Bentuk.PRIMER
        lifecycle, decree_number, decree_date = Lifecycle.BERJALAN, "", None
        if merah_putih:
            name = f"Koperasi Desa Merah Putih {rng.choice(NAME_WORDS)} {number}"
            founded = datetime.date(2025, rng.randrange(5, 8), rng.randrange(1, 29))
            years = [2025] if 2025 in book_years and rng.random() < 0.1 else []
            kelompok_id, jenis, bentuk = kelompok.get("Merah Putih"), Jenis.KONSUMEN, Bentuk.PRIMER
        else:
            name = f"{head} {rng.choice(NAME_WORDS)} {number}"
            founded = datetime.date(
                rng.randrange(1975, reference), rng.randrange(1, 13), rng.randrange(1, 29)
            )
            pick, chance = rng.random(), ACTIVITY[-1][1]
            for share, p in ACTIVITY:
                if pick < share:
                    chance = p
                    break
                pick -= share
            years = [y for y in book_years if y >= founded.year and rng.random() < chance]
            kelompok_id = kelompok.get(KELOMPOK_BY_HEAD.get(head, head))
            jenis = JENIS_BY_HEAD.get(head) or rng.choice(Jenis.values)
            ending = rng.random()
            if ending < 0.025:
                lifecycle = Lifecycle.PEMBUBARAN if ending < 0.01 else Lifecycle.DIBUBARKAN
                decree_date = self.today - datetime.timedelta(days=rng.randrange(10, 900))
                decree_number = f"{rng.randrange(1, 999)}/KEP/DEP.2/{decree_date.year}"
        point = rng.random() < 0.4
        return (
            Cooperative(
                name=name,
                office_code=f"{CODE_PREFIX}{number:07d}",
                nik=f"99{number:014d}" if rng.random() < 0.8 else "",
                legal_entity_number=f"AHU-{number:07d}.AH.01.26.TAHUN {max(founded.year, 2019)}",
                jenis=jenis,
                bentuk=bentuk,
                kelompok_id=kelompok_id,
                is_syariah=head == "KSPPS BMT",
                is_merah_putih=merah_putih,
                village_id=village_id,
                address=f"Jl. Koperasi No. {rng.randrange(1, 200)}",
                latitude=Decimal(f"{rng.uniform(-8, 5):.6f}") if point else None,
                longitude=Decimal(f"{rng.uniform(95, 140):.6f}") if point else None,
                founded_on=founded,
                chair_name=f"Ketua {number}",
                phone=f"0812-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}",
                lifecycle=lifecycle,
                dissolution_decree_number=decree_number,
                dissolution_decree_date=decree_date,
            ),
            years,
        )

    def filing(self, cooperative_id, year, *, bentuk, rules):
        rng = self.rng
        deadline = rules.deadline(book_year=year, bentuk=bentuk)
        if rng.random() < 0.7:
            rat_date = deadline - datetime.timedelta(days=rng.randrange(5, 90))
            reported = rat_date + datetime.timedelta(days=rng.randrange(0, 5))
        else:
            rat_date = min(deadline + datetime.timedelta(days=rng.randrange(1, 150)), self.today)
            reported = min(rat_date + datetime.timedelta(days=rng.randrange(0, 20)), self.today)
        members = rng.randrange(20, 1500)
        modal_sendiri = members * rng.randrange(100, 5000) * 1000
        modal_luar = int(modal_sendiri * rng.random())
        aset = modal_sendiri + modal_luar
        volume = int(aset * rng.uniform(0.2, 2.5))
        return RatFiling(
            cooperative_id=cooperative_id,
            book_year=year,
            rat_date=rat_date,
            reported_on=reported,
            members_male=members // 2 + rng.randrange(0, members // 4 + 1),
            members_female=members // 2,
            pengurus_count=3,
            pengawas_count=3,
            modal_sendiri=Decimal(modal_sendiri),
            modal_luar=Decimal(modal_luar),
            total_aset=Decimal(aset),
            volume_usaha=Decimal(volume),
            shu=Decimal(int(volume * rng.gauss(0.03, 0.04))),
        )

    # --- people ---------------------------------------------------------------------
    def people(self, assistants, cooperative_ids) -> dict:
        """One user per role, then assistants with 7-15 cooperatives each in one kabupaten."""
        from assistants.models import Assignment, BusinessAssistant

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
            batch_size=self.batch,
        )
        users = list(User.objects.filter(username__in=[u.username for u in users]).order_by("id"))
        group = Group.objects.get(name=access.PENDAMPING)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users],
            batch_size=self.batch,
        )
        pool = [role_users[access.PENDAMPING], *users]
        BusinessAssistant.objects.bulk_create(
            [BusinessAssistant(user=u) for u in pool], batch_size=self.batch, ignore_conflicts=True
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
        start = self.today - datetime.timedelta(days=180)
        for assistant_id in assistant_ids:
            size = self.rng.randrange(7, 16)
            for cooperative_id in ordered[position : position + size]:
                assignments.append(
                    Assignment(
                        assistant_id=assistant_id, cooperative_id=cooperative_id, start_date=start
                    )
                )
            position += size
            if position >= len(ordered):
                break
        Assignment.objects.bulk_create(assignments, batch_size=self.batch)
        return {"pendamping": len(assistant_ids), "penugasan": len(assignments)}

    # --- visits ---------------------------------------------------------------------
    def visits(self, total) -> dict:
        from assistants.choices import FollowUpStatus, VisitKind
        from assistants.models import Assignment, CoachingVisit, FollowUp, VisitTopic

        rng, today = self.rng, self.today
        pairs = list(
            Assignment.objects.filter(cooperative__office_code__startswith=CODE_PREFIX).values_list(
                "cooperative_id", "assistant_id", "assistant__user_id", "cooperative__village__district_id"
            )
        )
        if not pairs:
            return {"kunjungan": 0}
        topic_ids = list(VisitTopic.objects.values_list("id", flat=True))
        visits_done = followups_done = 0
        for start in range(0, total, self.batch):
            size = min(self.batch, total - start)
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
            created = CoachingVisit.objects.bulk_create(visits, batch_size=self.batch)
            if topic_ids:
                Through = CoachingVisit.topics.through
                Through.objects.bulk_create(
                    [
                        Through(coachingvisit_id=v.pk, visittopic_id=rng.choice(topic_ids))
                        for v in created
                    ],
                    batch_size=self.batch,
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
            FollowUp.objects.bulk_create(followups, batch_size=self.batch)
            visits_done += len(created)
            followups_done += len(followups)
            self.progress("kunjungan", visits_done, total)
        # Bulk inserts send no signals: summarise the visits as the app would have.
        from assistants.services import visit_summary_refresh

        visit_summary_refresh()
        return {"kunjungan": visits_done, "tindak lanjut": followups_done}
