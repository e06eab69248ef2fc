"""EndpointState, moved from the delivery app (delivery/0004 renamed its table): the model
enters this app's state without touching the rows, and its content type follows, so admin
permissions granted on it are kept."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor, *, source, target):
    content_types = apps.get_model('contenttypes', 'ContentType').objects
    if not content_types.filter(app_label=target, model='endpointstate').exists():
        content_types.filter(app_label=source, model='endpointstate').update(app_label=target)


def forwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source='delivery', target='profiles')


def backwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source='profiles', target='delivery')


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('delivery', '0004_endpoint_state_to_profiles'),
        ('profiles', '0006_retired_signing_secrets'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='EndpointState',
                    fields=[
                        ('profile', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='endpoint_state', serialize=False, to='profiles.callbackprofile')),
                        ('circuit', models.CharField(choices=[('closed', 'Closed'), ('open', 'Open'), ('half_open', 'Half-open (probing)')], default='closed', max_length=10)),
                        ('consecutive_failures', models.PositiveIntegerField(default=0)),
                        ('opened_at', models.DateTimeField(blank=True, null=True)),
                        ('reopen_at', models.DateTimeField(blank=True, null=True)),
                        ('cooloff_seconds', models.PositiveIntegerField(default=0)),
                        ('failing_since', models.DateTimeField(blank=True, null=True)),
                        ('failures_since_success', models.PositiveIntegerField(default=0)),
                        ('last_success_at', models.DateTimeField(blank=True, null=True)),
                        ('last_failure_at', models.DateTimeField(blank=True, null=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                    ],
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
