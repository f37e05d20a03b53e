"""A decision's earlier warnings become the citizen's warnings here, where incidents' measures record them too.

Extensions carried copies of their decision's warnings: a warning given once is kept once.
"""

from django.db import migrations


def move_warnings(apps, schema_editor):
    EarlierWarning = apps.get_model("utestenging", "EarlierWarning")
    CitizenWarning = apps.get_model("hendelser", "CitizenWarning")
    seen = set()
    for old in EarlierWarning.objects.select_related("decision").order_by("decision__created_at", "pk"):
        decision = old.decision
        key = (decision.citizen_id, old.given_on, old.form, old.note.strip())
        if key in seen:
            continue
        seen.add(key)
        CitizenWarning.objects.create(
            citizen_id=decision.citizen_id, unit_id=decision.unit_id, given_on=old.given_on, form=old.form,
            note=old.note, registered_by_id=decision.created_by_id, created_at=decision.created_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("hendelser", "0001_initial"),
        ("utestenging", "0006_fact_incident"),
    ]

    operations = [migrations.RunPython(move_warnings, migrations.RunPython.noop)]
