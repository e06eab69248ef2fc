"""The actions of a configuration move from flat columns to a typed list
(`[{"type": "subscribe", "list": "Offers"}, {"type": "auto_reply", …}, …]`, in run order); every
configuration keeps the actions it had, and going back restores the columns."""

from django.db import migrations, models


def columns_to_list(apps, schema_editor):
    Configuration = apps.get_model("receive_sms", "ReceiveConfiguration")
    for configuration in Configuration.objects.select_related("subscribe_list",
                                                              "unsubscribe_list"):
        actions = []
        if configuration.subscribe_list is not None:
            actions.append({"type": "subscribe", "list": configuration.subscribe_list.name})
        if configuration.unsubscribe_list is not None:
            actions.append({"type": "unsubscribe", "list": configuration.unsubscribe_list.name})
        if configuration.auto_reply:
            actions.append({"type": "auto_reply", "text": configuration.auto_reply_text,
                            "delay_minutes": configuration.auto_reply_delay_minutes})
        if configuration.forward:
            actions.append({"type": "forward", "numbers": list(configuration.forward_numbers),
                            "emails": list(configuration.forward_emails),
                            "template": configuration.forward_template})
        configuration.actions = actions
        configuration.save(update_fields=["actions"])


def list_to_columns(apps, schema_editor):
    Configuration = apps.get_model("receive_sms", "ReceiveConfiguration")
    SubscriberList = apps.get_model("receive_sms", "SubscriberList")
    for configuration in Configuration.objects.all():
        for action in configuration.actions:
            kind = action["type"]
            if kind in ("subscribe", "unsubscribe"):
                found, _ = SubscriberList.objects.get_or_create(
                    account_id=configuration.account_id, name=action["list"])
                setattr(configuration, f"{kind}_list", found)
            elif kind == "auto_reply":
                configuration.auto_reply = True
                configuration.auto_reply_text = action["text"]
                configuration.auto_reply_delay_minutes = action["delay_minutes"]
            elif kind == "forward":
                configuration.forward = True
                configuration.forward_numbers = action["numbers"]
                configuration.forward_emails = action["emails"]
                configuration.forward_template = action["template"]
        configuration.save()


class Migration(migrations.Migration):

    dependencies = [
        ('receive_sms', '0003_incoming_carrier_message_id'),
    ]

    operations = [
        migrations.AddField(
            model_name='receiveconfiguration',
            name='actions',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(columns_to_list, list_to_columns),
        migrations.RemoveField(model_name='receiveconfiguration', name='auto_reply'),
        migrations.RemoveField(model_name='receiveconfiguration', name='auto_reply_text'),
        migrations.RemoveField(model_name='receiveconfiguration', name='auto_reply_delay_minutes'),
        migrations.RemoveField(model_name='receiveconfiguration', name='forward'),
        migrations.RemoveField(model_name='receiveconfiguration', name='forward_numbers'),
        migrations.RemoveField(model_name='receiveconfiguration', name='forward_emails'),
        migrations.RemoveField(model_name='receiveconfiguration', name='forward_template'),
        migrations.RemoveField(model_name='receiveconfiguration', name='subscribe_list'),
        migrations.RemoveField(model_name='receiveconfiguration', name='unsubscribe_list'),
    ]
