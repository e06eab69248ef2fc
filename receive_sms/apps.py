from django.apps import AppConfig


class ReceiveSmsConfig(AppConfig):
    name = "receive_sms"
    verbose_name = "Receive SMS"
