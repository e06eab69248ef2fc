"""EndpointState moves to the profiles app (profiles/0007 takes it over): the table is renamed,
its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('delivery', '0003_recover_run'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='endpointstate', table='profiles_endpointstate'),
            ],
            state_operations=[
                migrations.DeleteModel(name='EndpointState'),
            ],
        ),
    ]
