"""SMS_CARRIER_URL and carriers in the admin: URL checks, routing by prefix, the simulator
when no carrier is configured, NO-ROUTE, and Expired / NO-DLR after the validity period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from delivery.models import Delivery
from sms.models import Carrier
from sms.services import message_send
from sms.settlement import settle_due_messages
from sms.smpp.url import InvalidCarrierUrl, parse_carrier_url
from tests.carrier.inprocess import submitted, use_carrier

NO_BINDS = {"leases-TOTAL_FORMS": "0", "leases-INITIAL_FORMS": "0"}  # the read-only inline


def test_url_options():
    options = parse_carrier_url(
        "smpp://sys%40id:p%26ss@smsc.example.com:2776?system_type=VMA&tps=500&window=20"
        "&binds=3&source_ton=1&source_npi=1&dest_ton=2&dest_npi=4&enquire_link=15&tls=1"
        "&delivery=at-most-once&tls_ca=/etc/smsc-ca.pem")
    assert (options.system_id, options.password, options.host, options.port) == (
        "sys@id", "p&ss", "smsc.example.com", 2776)
    assert (options.system_type, options.tps, options.window, options.binds) == (
        "VMA", 500.0, 20, 3)
    assert (options.source_ton, options.source_npi, options.dest_ton, options.dest_npi) == (
        1, 1, 2, 4)
    assert (options.enquire_link, options.tls, options.delivery, options.tls_ca) == (
        15.0, True, "at-most-once", "/etc/smsc-ca.pem")
    assert parse_carrier_url("smpp://a:b@host").port == 2775


def test_kannel_url_options():
    options = parse_carrier_url(
        "kannel://callbacks:a%26long%20password@kannel.example.com?tps=20&binds=2"
        "&dlr_url=https://callbacks.example.com/inbound/dlr?token=T0K")
    assert (options.kannel, options.system_id, options.password, options.host, options.port) == (
        True, "callbacks", "a&long password", "kannel.example.com", 13013)
    assert (options.tps, options.binds, options.dlr_url) == (
        20.0, 2, "https://callbacks.example.com/inbound/dlr?token=T0K")


@pytest.mark.parametrize(("url", "problem"), [
    ("http://a:b@host:1", "smpp:// or kannel://"),
    ("smpp://host:2775", "system_id"),
    ("smpp://a:b@:2775", "host"),
    ("smpp://a:b@host:99999", "port"),
    ("smpp://a:b@host?tsp=5", "unknown option 'tsp'"),
    ("smpp://a:b@host?window=0", "window must be between"),
    ("smpp://a:b@host?tps=fast", "tps must be a number"),
    ("smpp://a:123456789@host", "password of 8"),
    ("smpp://a:b@host?delivery=twice", "delivery must be"),
    ("smpp://a:b@host?tls_ca=/etc/smsc-ca.pem", "tls_ca needs tls=1"),
    ("kannel://a:b@host", "kannel:// needs dlr_url"),
    ("kannel://a:b@host?dlr_url=ftp://x/inbound/dlr", "dlr_url must be the http"),
    ("kannel://a:b@host?dlr_url=http://x/&source_ton=1", "unknown option 'source_ton'"),
    ("kannel://host?dlr_url=http://x/", "username"),
])
def test_bad_urls_are_refused_naming_the_problem(url, problem):
    with pytest.raises(InvalidCarrierUrl, match=problem):
        parse_carrier_url(url)


def test_start_up_refuses_a_bad_carrier_url(tmp_path):
    from tests.support.deployment import ScratchDeployment

    scratch = ScratchDeployment(tmp_path, env={"SMS_CARRIER_URL": "smpp://a:b@host?tsp=5"})
    with pytest.raises(RuntimeError, match="SMS_CARRIER_URL unknown option 'tsp'"):
        scratch.manage("check")


def test_without_carriers_the_simulator_settles(alice, settings):
    use_carrier(settings, "")
    (message,) = message_send(account=alice.account, to="+919876550001", body="hi").messages
    assert (message.carrier_id, message.submit_state) == (None, "")


def test_admin_carriers_route_by_longest_prefix(admin_client, alice, settings):
    use_carrier(settings, "")
    for name, prefixes in (("India", "+91"), ("Mumbai", "+9198, +9122"), ("Rest", "")):
        response = admin_client.post("/admin/sms/carrier/add/", {
            "name": name, "url": "smpp://a:b@127.0.0.1:9", "prefixes": prefixes,
            "active": "on", **NO_BINDS})
        assert response.status_code == 302, response.content
    messages = message_send(account=alice.account, to="+919876550002,+917012345678,+14155550100",
                            body="hi").messages
    assert [m.carrier.name for m in messages] == ["Mumbai", "India", "Rest"]
    assert Carrier.objects.get(name="Mumbai").prefixes == "+9198,+9122"


def test_a_number_no_carrier_takes_is_rejected_no_route(admin_client, alice, settings,
                                                         run_tasks):
    use_carrier(settings, "")
    Carrier.objects.create(name="UK", url="smpp://a:b@127.0.0.1:9", prefixes="+44")
    (message,) = message_send(account=alice.account, to="+919876550003", body="hi").messages
    run_tasks(include_future=False)
    message.refresh_from_db()
    assert (message.status, message.status_trace) == ("Rejected", "NO-ROUTE")


def test_the_admin_refuses_a_bad_url_and_prefix(admin_client, db):
    response = admin_client.post("/admin/sms/carrier/add/", {
        "name": "Bad", "url": "smpp://a:b@host?tsp=1", "prefixes": "91", "active": "on",
        **NO_BINDS})
    assert response.status_code == 200
    content = response.content.decode()
    assert "unknown option" in content and "Prefixes are + and digits" in content
    assert not Carrier.objects.exists()


def test_no_final_receipt_by_the_validity_period_is_expired_no_dlr(alice, settings):
    use_carrier(settings)  # validity=3600
    message = submitted(alice, "+919876550004")
    assert settle_due_messages(now=timezone.now() + timedelta(seconds=3500)) == 0

    assert settle_due_messages(now=timezone.now() + timedelta(seconds=3700)) == 1

    message.refresh_from_db()
    assert (message.status, message.status_trace) == ("Expired", "NO-DLR")
    assert message.submit_state == "submitted"


def test_the_message_page_shows_the_carrier_id_and_smsc_error(client, alice, settings):
    use_carrier(settings)
    message = submitted(alice, "+919876550005")
    message.smsc_error = "err:012"
    message.save(update_fields=["smsc_error"])
    client.login(username=alice.user.username, password=alice.password)

    page = client.get(f"/sms/logs/{message.message_id}/").content.decode()

    assert "+919876550005-1" in page and "err:012" in page and "SMS_CARRIER_URL" in page
    assert not Delivery.objects.exists()


def test_the_environment_carrier_is_read_only_in_the_admin_without_its_password(
        admin_client, alice, settings):
    use_carrier(settings, "smpp://tester:s3cret@127.0.0.1:9?tps=5")
    message_send(account=alice.account, to="+919876550006", body="hi")
    carrier = Carrier.objects.get(from_environment=True)

    page = admin_client.get(f"/admin/sms/carrier/{carrier.pk}/change/").content.decode()

    assert "smpp://tester:••••••••@127.0.0.1:9?tps=5" in page
    assert "s3cret" not in page
    assert admin_client.get("/admin/sms/carrier/").status_code == 200


def test_the_admin_masks_a_kannel_carriers_inbound_token_too(admin_client, alice, settings):
    use_carrier(settings, "kannel://tester:s3cret@127.0.0.1:13013"
                          "?dlr_url=http://127.0.0.1:8000/inbound/dlr?token=t0ken-value")
    message_send(account=alice.account, to="+919876550007", body="hi")
    carrier = Carrier.objects.get(from_environment=True)

    page = admin_client.get(f"/admin/sms/carrier/{carrier.pk}/change/").content.decode()

    assert "kannel://tester:••••••••@127.0.0.1:13013" in page
    assert "s3cret" not in page and "t0ken-value" not in page
