"""Test and Resend are rate-limited per account by the same mechanism (DRF throttles on the
shared cache), over the API and on the pages, drawing from one allowance."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from pytest_httpserver import HTTPServer

from delivery.models import Delivery
from delivery.services import delivery_create

from .test_deliver_callbacks import SMS_VALUES, make_profile


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def delivery(alice, settings_private_ok):
    profile = make_profile(alice.account, url="http://127.0.0.1:9/dlr")
    return delivery_create(profile=profile, event="SMS-sent", variables=SMS_VALUES,
                           source_type="sms_message", source_id="x:1")


def resend_url(actor, delivery) -> str:
    return f"/v1/{actor.sid}/callback/deliveries/{delivery.pk}/resend"


def test_resend_over_the_api_is_rate_limited_per_account(alice, charlie, delivery, settings):
    settings.DELIVERY_RESEND_RATE_LIMIT = 3
    api = alice.api()

    codes = [api.post(resend_url(alice, delivery)).status_code for _ in range(4)]

    assert codes == [202, 202, 202, 429]
    payload = api.post(resend_url(alice, delivery)).json()
    assert payload["code"] == "RBC429" and payload["status"] == 429
    assert payload["message"].startswith("too many resends: try again in ")
    assert Delivery.objects.count() == 1 + 3
    # Charlie's allowance is his own (his request is refused for tenancy, not for the rate).
    assert charlie.api().post(resend_url(charlie, delivery)).status_code == 404


def test_the_resend_button_shares_the_api_allowance(client, alice, delivery, settings):
    settings.DELIVERY_RESEND_RATE_LIMIT = 2
    alice.api().post(resend_url(alice, delivery))
    client.force_login(alice.user)

    client.post(f"/deliveries/{delivery.pk}/resend")
    page = client.post(f"/deliveries/{delivery.pk}/resend", follow=True)

    assert "too many resends: try again in" in page.content.decode()
    assert Delivery.objects.count() == 1 + 2


def test_the_test_button_and_the_test_api_share_one_allowance(
    client, alice, settings_private_ok, httpserver: HTTPServer
):
    settings_private_ok.CALLBACK_TEST_RATE_LIMIT = 2
    settings_private_ok.CALLBACK_TEST_RATE_WINDOW = 3600
    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))
    api_url = f"/v1/{alice.sid}/callback/profiles/{profile.profile_id}/test"
    assert alice.api().post(api_url).status_code == 200
    client.force_login(alice.user)

    page = client.post(f"/account/callback-profiles/{profile.profile_id}/test/", {
        "title": "Delivery reports", "channel": "sms", "http_method": "POST",
        "url": httpserver.url_for("/dlr"),
    }, HTTP_ACCEPT="application/json")
    assert page.status_code == 200

    refused = alice.api().post(api_url)
    assert refused.status_code == 429
    assert refused.json()["message"].startswith("too many test callbacks: try again in ")
    assert int(refused["Retry-After"]) > 0
    assert len(httpserver.log) == 2
