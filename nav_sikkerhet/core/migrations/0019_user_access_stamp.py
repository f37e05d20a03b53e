import uuid

from django.db import migrations, models


def stamp_every_user(apps, schema_editor):
    # Each user a stamp of their own (a callable default in AddField would give every row the same one).
    User = apps.get_model("core", "User")
    for pk in User.objects.values_list("pk", flat=True):
        User.objects.filter(pk=pk).update(access_stamp=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("core", "0018_h19_retention_hold")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="access_stamp",
            field=models.UUIDField(default=uuid.uuid4, editable=False, null=True),
        ),
        migrations.RunPython(stamp_every_user, migrations.RunPython.noop),
    ]
