"""Seed the editable list of coaching topics (domain brief section 7)."""

from django.db import migrations

TOPICS = [
    "Kelembagaan",
    "Keuangan dan pembukuan",
    "Usaha dan produk",
    "Pemasaran",
    "Pembiayaan",
    "SDM",
    "Persiapan RAT",
    "Digitalisasi",
    "Kemitraan",
]


def add_topics(apps, schema_editor):
    VisitTopic = apps.get_model("assistants", "VisitTopic")
    for position, name in enumerate(TOPICS, start=1):
        VisitTopic.objects.get_or_create(name=name, defaults={"position": position})


def remove_topics(apps, schema_editor):
    VisitTopic = apps.get_model("assistants", "VisitTopic")
    VisitTopic.objects.filter(name__in=TOPICS, visits__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("assistants", "0002_visits_programmes_proposals")]

    operations = [migrations.RunPython(add_topics, remove_topics)]
