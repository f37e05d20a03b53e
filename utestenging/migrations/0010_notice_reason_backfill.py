"""Cases recorded as "notice not possible" before the reason list existed keep their explanation, as "other"."""

from django.db import migrations


def backfill(apps, schema_editor):
    apps.get_model("utestenging", "Decision").objects.filter(
        notice_status="not_possible", notice_not_possible_kind=""
    ).exclude(notice_not_possible_reason="").update(notice_not_possible_kind="other")


def clear(apps, schema_editor):
    # Only the rows this migration filled: "other" chosen later by a user cannot be told apart, so all are cleared.
    apps.get_model("utestenging", "Decision").objects.filter(notice_not_possible_kind="other").update(
        notice_not_possible_kind=""
    )


class Migration(migrations.Migration):
    dependencies = [("utestenging", "0009_signed_as_backfill")]

    operations = [migrations.RunPython(backfill, clear)]
