"""Decisions signed before the capacity was recorded: acting head of unit unless the signer heads the unit."""

from django.db import migrations


def backfill(apps, schema_editor):
    Decision = apps.get_model("utestenging", "Decision")
    RoleAssignment = apps.get_model("core", "RoleAssignment")
    heads = set(RoleAssignment.objects.filter(role="enhetsleder").values_list("user_id", "unit_id"))
    for decision in Decision.objects.filter(signed_by__isnull=False, signed_as="").only("pk", "signed_by_id",
                                                                                         "unit_id"):
        signed_as = "head" if (decision.signed_by_id, decision.unit_id) in heads else "acting"
        Decision.objects.filter(pk=decision.pk).update(signed_as=signed_as)


def clear(apps, schema_editor):
    apps.get_model("utestenging", "Decision").objects.update(signed_as="")


class Migration(migrations.Migration):
    dependencies = [("utestenging", "0008_ombudsman_rules")]

    operations = [migrations.RunPython(backfill, clear)]
