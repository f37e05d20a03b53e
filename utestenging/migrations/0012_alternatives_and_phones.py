"""Less intrusive alternatives assessed one by one, meetings at a named unit, and phone numbers in one spelling.

Channels of cases still being prepared get their phone number in the spelling the app now stores
("21 07 00 00"). A number that does not parse is left as typed: the checklist shows the channel as
incomplete until someone corrects it. Signed decisions keep their channels exactly as decided.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from nav_sikkerhet.core import phones

EDITABLE = ["draft", "notice_sent", "ready"]


def normalise_phones(apps, schema_editor):
    channels = apps.get_model("utestenging", "AlternativeChannel").objects.filter(decision__status__in=EDITABLE)
    for channel in channels.exclude(phone="").only("pk", "phone"):
        spelled = phones.normalised(channel.phone)
        if phones.parse(channel.phone) is not None and spelled != channel.phone:
            channels.filter(pk=channel.pk).update(phone=spelled)


class Migration(migrations.Migration):

    dependencies = [
        ('hendelser', '0004_monthly_counts'),
        ('utestenging', '0011_notice_delivery_signer'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='alternativechannel',
            name='channel',
            field=models.CharField(choices=[('written', 'Written communication'), ('phone', 'Phone with a named person'), ('proxy', 'Through a proxy (fullmektig)'), ('meeting', 'Meetings at a named NAV unit or at an address outside NAV')], max_length=20, verbose_name='channel'),
        ),
        migrations.AlterField(
            model_name='historicalalternativechannel',
            name='channel',
            field=models.CharField(choices=[('written', 'Written communication'), ('phone', 'Phone with a named person'), ('proxy', 'Through a proxy (fullmektig)'), ('meeting', 'Meetings at a named NAV unit or at an address outside NAV')], max_length=20, verbose_name='channel'),
        ),
        migrations.CreateModel(
            name='HistoricalAlternativeAssessment',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('alternative', models.CharField(choices=[('asked_to_leave', 'Asked to leave the premises at once'), ('oral_warning', 'Oral warning'), ('written_warning', 'Written warning'), ('two_staff', 'Two staff in every meeting'), ('regulated_appointments', 'Appointments in regulated forms'), ('change_of_caseworker', 'Change of caseworker'), ('protective_measures', 'Protective measures in the premises'), ('phone_or_digital_only', 'Contact by phone or digitally only')], max_length=30, verbose_name='alternative')),
                ('outcome', models.CharField(choices=[('tried', 'Tried, and it was not enough'), ('not_enough', 'Considered: it would not be enough'), ('not_relevant', 'Not relevant')], max_length=20, verbose_name='assessment')),
                ('tried_on', models.DateField(blank=True, null=True, verbose_name='tried on')),
                ('reason', models.TextField(verbose_name='why')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('decision', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='utestenging.decision')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('warning', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='hendelser.citizenwarning', verbose_name='the registered warning')),
            ],
            options={
                'verbose_name': 'historical less intrusive alternative',
                'verbose_name_plural': 'historical less intrusive alternatives',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='AlternativeAssessment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('alternative', models.CharField(choices=[('asked_to_leave', 'Asked to leave the premises at once'), ('oral_warning', 'Oral warning'), ('written_warning', 'Written warning'), ('two_staff', 'Two staff in every meeting'), ('regulated_appointments', 'Appointments in regulated forms'), ('change_of_caseworker', 'Change of caseworker'), ('protective_measures', 'Protective measures in the premises'), ('phone_or_digital_only', 'Contact by phone or digitally only')], max_length=30, verbose_name='alternative')),
                ('outcome', models.CharField(choices=[('tried', 'Tried, and it was not enough'), ('not_enough', 'Considered: it would not be enough'), ('not_relevant', 'Not relevant')], max_length=20, verbose_name='assessment')),
                ('tried_on', models.DateField(blank=True, null=True, verbose_name='tried on')),
                ('reason', models.TextField(verbose_name='why')),
                ('decision', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='alternative_assessments', to='utestenging.decision')),
                ('warning', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hendelser.citizenwarning', verbose_name='the registered warning')),
            ],
            options={
                'verbose_name': 'less intrusive alternative',
                'verbose_name_plural': 'less intrusive alternatives',
                'ordering': ['pk'],
                'constraints': [models.UniqueConstraint(fields=('decision', 'alternative'), name='one_assessment_per_alternative'), models.CheckConstraint(condition=models.Q(('outcome', 'tried'), models.Q(('tried_on__isnull', True), ('warning__isnull', True)), _connector='OR'), name='alternative_date_only_when_tried')],
            },
        ),
        migrations.RunPython(normalise_phones, migrations.RunPython.noop),
    ]
