import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Apart from 0004: PostgreSQL refuses to alter a table with pending trigger events
    left by that migration's UPDATE in the same transaction."""

    dependencies = [
        ("assistants", "0004_visit_summary"),
    ]

    operations = [
        migrations.AlterField(
            model_name="followup",
            name="cooperative",
            field=models.ForeignKey(
                blank=True, editable=False, on_delete=django.db.models.deletion.CASCADE, related_name="+",
                to="cooperatives.cooperative", verbose_name="koperasi",
            ),
        ),
        migrations.AlterField(
            model_name="followup",
            name="district",
            field=models.ForeignKey(
                blank=True, editable=False, on_delete=django.db.models.deletion.CASCADE, related_name="+",
                to="cooperatives.district", verbose_name="kecamatan",
            ),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("status", "terbuka")), fields=["district", "due_date"],
                name="followup_open_district_idx",
            ),
        ),
    ]
