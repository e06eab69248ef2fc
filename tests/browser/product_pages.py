"""Every page of the product with realistic data, for the layout and accessibility tests.

`seed_every_page(actor)` fills alice's account the way the app does (services only) with the
awkward cases that broke the layout before: long titles and URLs, a 2,000-character incoming
message, a configuration whose profile was deleted, deliveries failed, retrying and pending,
a configuration with every action (long list name, several forward targets), a webhook-URL
configuration, a subscriber list with members, an opted-out number and an XML-body profile.
`product_pages(seeded)` lists each page as (name, path).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from alerts.models import AlertKind
from alerts.services import alert_raise
from delivery.inbox import inbox_get_or_create, inbox_record
from delivery.models import Delivery, DeliveryAttempt, DeliveryStatus
from delivery.services import delivery_create
from delivery.services.recover import recover_failed_deliveries
from profiles.models import CallbackProfile
from profiles.services import profile_create, profile_delete
from profiles.validation import EncryptionInput, ProfileInput
from receive_sms.actions.auto_reply import AutoReplySettings
from receive_sms.actions.forward import ForwardSettings
from receive_sms.actions.subscribe import ListSettings
from receive_sms.models import IncomingMessage, ReceiveConfiguration, SubscriberList, TriggerType
from receive_sms.services import (
    ConfigurationInput,
    configuration_create,
    incoming_sms_receive,
    sender_id_create,
    vmn_provision,
)
from sms.models import Message
from sms.services import message_send

VMN_NUMBER = "+919870012345"
LONG_TEXT = ("Please UNSUBSCRIBE me from every offer, and here is a very long story " * 40)[:2000]
# Long bodies scroll in their boxes (profile page, delivery page, inbox, preview): axe-core
# checks those boxes are reachable by keyboard.
LONG_NOTE = ("A literal note the receiver logs with every report, repeated to make the body "
             "long. " * 30)
LONG_RESPONSE = json.dumps({"received": True, "log": [f"line {n}: stored" for n in range(80)]})


@dataclass
class Seeded:
    profile: CallbackProfile
    configuration: ReceiveConfiguration
    incoming: IncomingMessage
    message: Message
    delivery: Delivery
    actions_configuration: ReceiveConfiguration
    subscriber_list: SubscriberList
    xml_profile: CallbackProfile
    incoming_with_actions: IncomingMessage


def _profile(account, title: str, **fields) -> CallbackProfile:
    values = {"title": title, "channel": "sms", "http_method": "POST",
              "url": "https://callbacks.example.com/very/long/path/to/a/receiver/endpoint"
                     "?token=0123456789abcdef0123456789abcdef",
              "body": {"status": "<status>", "id": "<message_id>", "to": "<recipient>"}}
    values.update(fields)
    return profile_create(account=account, data=ProfileInput(**values))


def seed_every_page(actor) -> Seeded:
    account = actor.account
    main = _profile(account, "Delivery reports for the marketing campaigns of 2026",
                    body={"status": "<status>", "id": "<message_id>", "to": "<recipient>",
                          "campaign": "<campaign_name>", "note": LONG_NOTE},
                    headers={"api-key": "secret-header-value", "X-Team": "blue"},
                    encryption=EncryptionInput(algorithm="AES-128-GCM", key="0123456789abcdef",
                                               iv="abcdef9876543210", params=["recipient"]))
    _profile(account, "Delivery reports GET", http_method="GET", body=None,
             url="https://example.com/cb?status=<status>&to=<recipient>")
    incoming_profile = _profile(account, "Incoming hook", channel="default",
                                body={"text": "<message>", "from": "<source>"})
    doomed = _profile(account, "Old incoming hook", channel="default", body=None)
    vmn = vmn_provision(account=account, number=VMN_NUMBER)
    configuration = configuration_create(account=account, data=ConfigurationInput(
        vmn=vmn, keyword="STOP", callback_profile=incoming_profile))
    configuration_create(account=account, data=ConfigurationInput(
        vmn=vmn, keyword="JOIN", callback_profile=main))  # an SMS Send profile: flagged
    configuration_create(account=account, data=ConfigurationInput(
        vmn=vmn, keyword="", callback_profile=doomed))
    profile_delete(profile=doomed)  # leaves an orphaned default configuration
    sender_id_create(account=account, sender_id="KLRHXA")
    # Issue-10's actions: every one at once, and a webhook URL (its managed profile).
    actions_configuration = configuration_create(account=account, data=ConfigurationInput(
        vmn=vmn, keyword="OFFERS", trigger_url=False, reply_callback_profile=main, actions={
            "auto_reply": AutoReplySettings("Thanks <source>, you are on the list for <keyword>. "
                                            "Reply STOP to leave."),
            "forward": ForwardSettings(
                numbers=["+919876500001", "+919876500002"],
                emails=["marketing-team-with-a-long-name@callbacks.example.com"]),
            "subscribe": ListSettings("Offers and announcements 2026"),
        }))
    configuration_create(account=account, data=ConfigurationInput(
        vmn=vmn, keyword="LEAVE", trigger_url=False,
        actions={"unsubscribe": ListSettings("Offers and announcements 2026")}))
    configuration_create(account=account, data=ConfigurationInput(
        vmn=vmn, keyword="HOOK", trigger_type=TriggerType.URL,
        webhook_url="https://hooks.example.com/very/long/path/to/the/incoming/sms/receiver"
                    "?token=0123456789abcdef0123456789abcdef"))
    xml_profile = _profile(
        account, "Incoming SMS as XML", channel="default", body_format="xml",
        body='<sms><from><source></from><text><message></text><b>literal markup</b></sms>')
    incoming = incoming_sms_receive(to=VMN_NUMBER, source="+918240123456", message=LONG_TEXT,
                                    operator="JIO", circle="JIO ASSAM")
    incoming_sms_receive(to=VMN_NUMBER, source="+918240123457", message="stop now")
    incoming_sms_receive(to=VMN_NUMBER, source="+918240123458", message="hello")
    with_actions = incoming_sms_receive(to=VMN_NUMBER, source="+918240123459",
                                        message="offers please")
    incoming_sms_receive(to=VMN_NUMBER, source="+918240123460", message="OFFERS")
    incoming_sms_receive(to=VMN_NUMBER, source="+918240123460", message="leave")
    incoming_sms_receive(to=VMN_NUMBER, source="+918240123461", message="hook me up")

    result = message_send(account=account, to="+919876543210,+919876500000",
                          body="Your order 1234 is on its way", callback_profile_id=main.profile_id)
    delivered = _finished_delivery(main, DeliveryStatus.SUCCEEDED, 200)
    _finished_delivery(main, DeliveryStatus.FAILED, 503)
    _finished_delivery(main, DeliveryStatus.PENDING, 503)  # failed once, waiting to retry
    delivery_create(profile=main, event="SMS-sent",
                    variables={"recipient": "919876543210", "message_id": "abc:1"},
                    source_type="sms_message", source_id="pending")
    # Issue-11: an open alert (banner on every page) and a recover run of the failed one.
    for _ in range(2):
        alert_raise(profile=main, kind=AlertKind.DELIVERY_FAILED,
                    detail="endpoint answered HTTP 503 on every retry for SMS-sent e097772a:503")
    recover_failed_deliveries(profile=main, since=timezone.now() - timedelta(days=1))
    inbox = inbox_get_or_create(account=account)
    inbox_record(inbox=inbox, method="POST", path="/sms-status", query_string="a=1",
                 headers={"Content-Type": "application/json", "webhook-id": "msg_1"},
                 body=b'{"status": "Delivered", "message_id": "abc:1"}', body_size=44,
                 remote_addr="127.0.0.1", response_status=200)
    # The delivery itself as it arrived (encrypted: decrypted on the page), a Test of the
    # profile, and a request answered 503; two in the same second, with long bodies.
    for webhook_id, path, status in [
        (delivered.webhook_id, "/sms-status", 200),
        (f"msg_test_{main.profile_id.rpartition('_')[2].replace('-', '')}_0123456789abcdef",
         "/sms-status", 200),
        ("msg_2", "/status/503/sms-status", 503),
    ]:
        body = delivered.request_body.encode()
        inbox_record(inbox=inbox, method="POST", path=path, query_string="",
                     headers={"Content-Type": "application/json", "webhook-id": webhook_id},
                     body=body, body_size=len(body), remote_addr="127.0.0.1",
                     response_status=status)
    return Seeded(profile=main, configuration=configuration, incoming=incoming,
                  message=result.messages[0], delivery=delivered,
                  actions_configuration=actions_configuration,
                  subscriber_list=SubscriberList.objects.get(account=account),
                  xml_profile=xml_profile, incoming_with_actions=with_actions)


def _finished_delivery(profile, status: str, code: int) -> Delivery:
    delivery = delivery_create(
        profile=profile, event="SMS-sent",
        variables={"recipient": "919876543210", "message_id": f"e097772a:{code}",
                   "status": "Delivered"},
        source_type="sms_message", source_id=f"m-{code}-{status}",
    )
    DeliveryAttempt.objects.create(
        delivery=delivery, number=1, started_at=timezone.now(), status_code=code,
        latency_ms=120, succeeded=code < 300, response_excerpt=LONG_RESPONSE,
        response_headers={"Content-Type": "application/json"},
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, attempt_count=1, last_status_code=code, last_latency_ms=120,
        last_error="" if code < 300 else f"endpoint answered HTTP {code}",
    )
    delivery.refresh_from_db()
    return delivery


def product_pages(seeded: Seeded) -> list[tuple[str, str]]:
    profile = f"/account/callback-profiles/{seeded.profile.profile_id}/"
    configuration = f"/channels/sms/receive/{seeded.configuration.public_id}/"
    actions = f"/channels/sms/receive/{seeded.actions_configuration.public_id}/"
    webhook_profile = seeded.actions_configuration.account.callback_profiles.get(managed=True)
    return [
        ("profile-list", "/account/callback-profiles/"),
        ("add-profile", "/account/callback-profiles/new/"),
        ("profile-page", profile),
        ("edit-profile", profile + "edit/"),
        ("delete-profile", profile + "delete/"),
        ("api-keys", "/account/api-keys/"),
        ("account-settings", "/account/settings/"),
        ("channels", "/channels/"),
        ("sender-ids", "/channels/sms/"),
        ("receive-configurations", "/channels/sms/receive/"),
        ("new-configuration", "/channels/sms/receive/new/"),
        ("edit-configuration", configuration + "edit/"),
        ("delete-configuration", configuration + "delete/"),
        ("edit-actions-configuration", actions + "edit/"),
        ("webhook-profile-page", f"/account/callback-profiles/{webhook_profile.profile_id}/"),
        ("xml-profile-page", f"/account/callback-profiles/{seeded.xml_profile.profile_id}/"),
        ("edit-xml-profile", f"/account/callback-profiles/{seeded.xml_profile.profile_id}/edit/"),
        ("receive-logs", "/channels/sms/receive/logs/"),
        ("incoming-message", f"/channels/sms/receive/logs/{seeded.incoming.public_id}/"),
        ("incoming-message-actions",
         f"/channels/sms/receive/logs/{seeded.incoming_with_actions.public_id}/"),
        ("subscriber-lists", "/channels/sms/lists/"),
        ("subscriber-list", f"/channels/sms/lists/{seeded.subscriber_list.public_id}/"),
        ("opt-outs", "/channels/sms/opt-outs/"),
        ("sms-logs", "/sms/logs/"),
        ("sms-message", f"/sms/logs/{seeded.message.message_id}/"),
        ("send-sms", "/sms/send/"),
        ("deliveries", "/deliveries/"),
        ("delivery-detail", f"/deliveries/{seeded.delivery.pk}/"),
        ("request-inbox", "/deliveries/inbox/"),
        ("recover", f"/deliveries/recover/{seeded.profile.profile_id}/"),
        ("alerts", "/alerts/"),
        ("not-found", "/no/such/page/"),
    ]
