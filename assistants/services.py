"""Writes with rules: each validates (``full_clean``) and saves inside one transaction."""

import io
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connections, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps
from simple_history.utils import bulk_create_with_history

from cooperatives.models import Cooperative
from koperasi_registry.uploads import open_image

from . import coaching, conf
from .choices import AttachmentKind, FollowUpStatus
from .models import (
    AssistantVisitSummary,
    CoachingVisit,
    FinancingProposal,
    FollowUp,
    Programme,
    ProgrammeParticipation,
    VisitAttachment,
    VisitSummary,
)
from .models.summary import KIND_FIELDS


def photo_reduce(upload, *, max_side: int | None = None, quality: int | None = None) -> ContentFile:
    """A phone photo reduced to ``max_side`` px on its longest side, turned upright (EXIF),
    stripped of metadata and stored as JPEG. Small images are re-encoded the same way, so
    that no location or camera metadata is kept. The upload has passed ``ImageCheck``
    (pixel cap, decodable); memory stays bounded: a JPEG is decoded at the smallest DCT
    scale still at least ``max_side`` (``draft``), and the image is made small before it is
    turned upright or flattened."""
    max_side = max_side or conf.photo_max_side()
    quality = quality or conf.photo_jpeg_quality()
    with open_image(upload) as opened:
        if opened.format == "JPEG":
            opened.draft(None, (max_side, max_side))
        image = opened.convert("RGBA") if opened.mode in ("P", "1", "PA") else opened  # palette: resize smoothly
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        image = ImageOps.exif_transpose(image)  # on the small image (a copy)
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.convert("RGBA").split()[-1])
            image = background
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=quality, optimize=True)
    stem = PurePath(getattr(upload, "name", "") or "foto").stem[:80] or "foto"
    return ContentFile(buffer.getvalue(), name=f"{stem}.jpg")


def _attach(*, visit, user, photos, documents):
    for upload in photos:
        attachment = VisitAttachment(visit=visit, kind=AttachmentKind.PHOTO, uploaded_by=user)
        attachment.file = photo_reduce(upload)
        attachment.full_clean()
        attachment.save()
    for upload in documents:
        attachment = VisitAttachment(visit=visit, kind=AttachmentKind.DOCUMENT, uploaded_by=user, file=upload)
        attachment.full_clean()
        attachment.save()


def _point(value):
    """Browser coordinates as a Decimal of 6 places (about 10 cm), whatever their type."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.000001"))


def _distance(visit: CoachingVisit):
    cooperative = visit.cooperative
    return coaching.visit_distance_m(
        visit_point=(visit.latitude, visit.longitude) if visit.latitude is not None else None,
        cooperative_point=(cooperative.latitude, cooperative.longitude) if cooperative.latitude is not None else None,
    )


def followup_close(*, followup: FollowUp, user, status=FollowUpStatus.DONE, visit=None, note="", on=None) -> FollowUp:
    """Close an open follow-up as done or cancelled, optionally on a later visit."""
    if status == FollowUpStatus.OPEN:
        raise ValueError("closing needs a closed status")
    with transaction.atomic():
        followup.status = status
        followup.closed_on = on or (visit.visit_date if visit else timezone.localdate())
        followup.closed_by = user
        followup.closed_in_visit = visit
        followup.closing_note = note
        followup.full_clean()
        followup.save()
    return followup


def _followups(*, visit, user, new_followups, close_followups):
    for item in new_followups:
        followup = FollowUp(visit=visit, **item)
        followup.full_clean()
        followup.save()
    for followup in close_followups:
        followup_close(followup=followup, user=user, visit=visit)


def visit_log(
    *,
    user,
    submission_id: uuid.UUID,
    fields: dict,
    topics=(),
    officers=(),
    photos=(),
    documents=(),
    new_followups=(),
    close_followups=(),
) -> tuple[CoachingVisit, bool]:
    """Record a visit with its photos and follow-ups, all or nothing.

    Returns ``(visit, created)``. The browser sends the same ``submission_id`` when it
    retries after a dropped connection: then the visit ``user`` saved the first time comes
    back with ``created=False`` and nothing is written twice. An id already used by
    someone else's visit is a ``ValidationError`` on ``submission_id``: that visit is
    never handed to ``user``.
    """
    existing = _saved_under(submission_id)
    if existing is not None:
        return _resubmitted(existing, user=user), False
    try:
        with transaction.atomic():
            visit = CoachingVisit(submission_id=submission_id, created_by=user, **fields)
            visit.latitude, visit.longitude = _point(visit.latitude), _point(visit.longitude)
            visit.distance_m = _distance(visit)
            # The id's uniqueness is the database's: a copy of this submission saved since
            # the look-up above is the IntegrityError below (the visit saved the first
            # time), not a validation error that would refuse the visit on the phone.
            visit.full_clean(exclude=["submission_id"])
            visit.save()
            visit.topics.set(topics)
            visit.officers.set(officers)
            _attach(visit=visit, user=user, photos=photos, documents=documents)
            _followups(visit=visit, user=user, new_followups=new_followups, close_followups=close_followups)
    except IntegrityError:
        # Two copies of the same submission raced: the other one won; return it.
        existing = _saved_under(submission_id)
        if existing is None:
            raise
        return _resubmitted(existing, user=user), False
    return visit, True


SUBMISSION_ID_TAKEN = _(
    "ID kiriman ini sudah dipakai kunjungan lain. Formulir diberi ID baru: periksa isiannya lalu kirim lagi."
)


def _saved_under(submission_id) -> CoachingVisit | None:
    return CoachingVisit.objects.filter(submission_id=submission_id).first()


def _resubmitted(visit: CoachingVisit, *, user) -> CoachingVisit:
    """The visit already saved under a submission id, if ``user`` saved it."""
    if visit.created_by_id is None or visit.created_by_id != user.pk:
        raise ValidationError({"submission_id": SUBMISSION_ID_TAKEN}, code="submission_id_taken")
    return visit


@transaction.atomic
def visit_update(
    *, visit: CoachingVisit, user, topics=(), officers=(), photos=(), documents=(), new_followups=(), close_followups=()
) -> CoachingVisit:
    """Save an edited visit (fields already set on ``visit``), adding photos and follow-ups."""
    visit.distance_m = _distance(visit)
    visit.full_clean()
    visit.save()
    visit.topics.set(topics)
    visit.officers.set(officers)
    _attach(visit=visit, user=user, photos=photos, documents=documents)
    _followups(visit=visit, user=user, new_followups=new_followups, close_followups=close_followups)
    return visit


@transaction.atomic
def programme_save(*, programme: Programme, add=(), user=None) -> Programme:
    """Save a programme and add the cooperatives ``add`` to its participants. Those already
    in stay as they are (their aid received too), and none is removed here: a participant
    leaves only through ``programme_participant_remove``, one at a time, so that an edit
    never drops a participant it did not show. Each new participation has a history row
    naming ``user``."""
    programme.full_clean()
    programme.save()
    wanted = {c.pk for c in add}
    present = set(programme.participations.filter(cooperative_id__in=wanted).values_list("cooperative_id", flat=True))
    bulk_create_with_history(
        [ProgrammeParticipation(programme=programme, cooperative_id=pk) for pk in sorted(wanted - present)],
        ProgrammeParticipation,
        default_user=user,
    )
    return programme


@transaction.atomic
def programme_participant_remove(*, participation: ProgrammeParticipation) -> None:
    """Take a cooperative out of its programme. The participation's history keeps it (a
    deletion row with the user, from the request, and what it held)."""
    participation.delete()


@transaction.atomic
def proposal_save(*, proposal: FinancingProposal, user) -> FinancingProposal:
    """Save a proposal; every status change lands in its history with the user."""
    if proposal.pk is None:
        proposal.created_by = user
    proposal.full_clean()
    proposal.save()
    return proposal


def _insert_from_select(model, columns: list[str], select) -> int:
    """``INSERT INTO model (columns) SELECT ...``: rows written by the database, not Python.
    ``select`` lists its grouped columns, then its aggregates, in the order of ``columns``."""
    sql, params = select.query.sql_with_params()
    connection = connections[select.db]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) {sql}", params)
        return cursor.rowcount


SUMMARY_CHUNK = 1000  # cooperatives per statement: SQLite allows 32,766 parameters in some builds


def _chunks(ids, size=SUMMARY_CHUNK):
    ids = sorted({pk for pk in ids if pk is not None})
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@transaction.atomic
def visit_summary_refresh(*, cooperative_ids=None) -> int:
    """Rewrite the ``VisitSummary`` and ``AssistantVisitSummary`` rows of these
    cooperatives (all if ``None``) from their visits: per thousand cooperatives, two DELETEs
    and two ``INSERT ... SELECT`` grouped by year, whatever the number of visits. Returns
    the number of cooperative-year rows written.

    The cooperatives' rows are locked first (``SELECT ... FOR UPDATE``, in id order):
    two visits logged at once to one cooperative refresh one after the other, where two
    interleaved delete-then-insert would collide on the unique (cooperative, year)."""
    if cooperative_ids is None:
        list(Cooperative.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
        return _summarise(CoachingVisit.objects.all(), VisitSummary.objects.all(), AssistantVisitSummary.objects.all())
    written = 0
    for ids in _chunks(cooperative_ids):
        list(Cooperative.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        written += _summarise(
            CoachingVisit.objects.filter(cooperative_id__in=ids),
            VisitSummary.objects.filter(cooperative_id__in=ids),
            AssistantVisitSummary.objects.filter(cooperative_id__in=ids),
        )
    return written


def _summarise(visits, summaries, assistant_summaries) -> int:
    summaries.delete()
    assistant_summaries.delete()
    visits = visits.order_by().annotate(year=ExtractYear("visit_date"))
    district = "cooperative__village__district_id"
    _insert_from_select(
        AssistantVisitSummary,
        ["assistant_id", "cooperative_id", "district_id", "year", "visits"],
        visits.filter(assistant__isnull=False)
        .values("assistant_id", "cooperative_id", district, "year")
        .annotate(n=Count("id")),
    )
    return _insert_from_select(
        VisitSummary,
        ["cooperative_id", "district_id", "year", "visits", *KIND_FIELDS],
        visits.values("cooperative_id", district, "year").annotate(
            visits=Count("id"), **{kind: Count("id", filter=Q(kind=kind)) for kind in KIND_FIELDS}
        ),
    )


def followup_place_refresh(*, cooperative_ids=None) -> int:
    """Copy each follow-up's visit's cooperative and its kecamatan onto the follow-up (of
    these cooperatives' visits, all if ``None``): one UPDATE per thousand cooperatives."""
    visit = CoachingVisit.objects.filter(pk=OuterRef("visit"))
    place = {
        "cooperative": Subquery(visit.values("cooperative")[:1]),
        "district": Subquery(visit.values("cooperative__village__district")[:1]),
    }
    if cooperative_ids is None:
        return FollowUp.objects.update(**place)
    return sum(
        FollowUp.objects.filter(visit__cooperative_id__in=ids).update(**place) for ids in _chunks(cooperative_ids)
    )


@transaction.atomic
def cooperatives_moved(*, cooperative_ids) -> None:
    """Cooperatives moved to another village: their visit summaries and follow-ups follow
    them to its kecamatan."""
    visit_summary_refresh(cooperative_ids=cooperative_ids)
    followup_place_refresh(cooperative_ids=cooperative_ids)
