"""Fill the year-end statuses of every cooperative (``rebuild_cooperative_years``).

The rule lives in the app's querysets (``with_status_on_live``), which historical models
do not carry, so this runs the app's own rebuild. It selects only columns this migration
already has (status inputs, village, RAT filings' book year and report date)."""

from django.db import migrations


def fill(apps, schema_editor):
    from cooperatives.services import cooperative_years_rebuild

    if schema_editor.connection.alias == "default":
        cooperative_years_rebuild(mark=False)  # the marks' table comes in 0011


class Migration(migrations.Migration):
    dependencies = [("cooperatives", "0008_cooperative_year")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
