"""The delivery log: detail page, list, resend (page and API); strangers get 404."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_httpserver import HTTPServer

from delivery.models import Delivery, DeliveryStatus
from delivery.selectors import delivery_list
from delivery.services import delivery_create
from profiles.masking import MASK

from .test_deliver_callbacks import SMS_VALUES, make_profile

pytestmark = pytest.mark.usefixtures("settings_private_ok")


def browser(actor) -> Client:
    client = Client()
    assert client.login(username=actor.user.username, password=actor.password)
    return client


@pytest.fixture
def delivered(alice, httpserver: HTTPServer, run_tasks) -> Delivery:
    httpserver.expect_request("/dlr").respond_with_data('{"accepted":true}', status=200)
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"),
                           body={"id": "<message_id>"}, headers={"X-Token": "t-1"})
    delivery = delivery_create(profile=profile, event="SMS-sent", variables=SMS_VALUES,
                               source_type="sms_message", source_id="m-1")
    run_tasks()
    delivery.refresh_from_db()
    return delivery


def test_detail_page_shows_request_and_every_attempt(alice, delivered):
    page = browser(alice).get(f"/deliveries/{delivered.pk}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert delivered.webhook_id in html
    assert "X-Token" in html and "t-1" in html
    assert "&quot;id&quot;: &quot;6a1f-1:1&quot;" in html  # the request body, indented
    assert "Attempt 1" in html and "HTTP 200" in html
    assert "accepted" in html
    assert 'action="/deliveries/' in html and "Resend" in html


def test_teammate_sees_the_log(bob, delivered):
    page = browser(bob).get("/deliveries/")
    assert page.status_code == 200
    assert f"/deliveries/{delivered.pk}/" in page.content.decode()


def test_stranger_gets_404_on_detail_and_resend(charlie, delivered):
    client = browser(charlie)
    assert client.get(f"/deliveries/{delivered.pk}/").status_code == 404
    assert client.post(f"/deliveries/{delivered.pk}/resend").status_code == 404
    assert f"/deliveries/{delivered.pk}/" not in client.get("/deliveries/").content.decode()
    assert Delivery.objects.count() == 1


def test_resend_from_the_page_sends_the_same_request_again(
    alice, delivered, httpserver: HTTPServer, run_tasks
):
    response = browser(alice).post(f"/deliveries/{delivered.pk}/resend")

    copy = Delivery.objects.exclude(pk=delivered.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/deliveries/{copy.pk}/"
    run_tasks()
    copy.refresh_from_db()
    assert copy.status == DeliveryStatus.SUCCEEDED
    assert copy.source_type == "resend" and copy.source_id == str(delivered.pk)
    first, second = (request for request, _ in httpserver.log)
    assert first.get_data() == second.get_data()
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivered.webhook_id


def test_api_lists_filters_and_resends(alice, delivered, run_tasks):
    api = alice.api()

    listed = api.get(f"/v1/{alice.sid}/callback/deliveries?status=succeeded").json()
    assert listed["data"]["count"] == 1
    row = listed["data"]["results"][0]
    assert row["id"] == str(delivered.pk) and row["status"] == "succeeded"
    assert row["profile_id"] == delivered.profile.profile_id
    assert api.get(f"/v1/{alice.sid}/callback/deliveries?status=failed").json()["data"][
        "count"] == 0

    detail = api.get(f"/v1/{alice.sid}/callback/deliveries/{delivered.pk}").json()["data"]
    assert detail["attempts"][0]["status_code"] == 200
    assert detail["request_headers"]["X-Token"] == MASK  # a profile header: masked
    assert detail["request_headers"]["Content-Type"] == "application/json"

    resent = api.post(f"/v1/{alice.sid}/callback/deliveries/{delivered.pk}/resend")
    assert resent.status_code == 202
    assert resent.json()["data"]["status"] == "pending"


def test_api_bad_filter_is_a_clear_error(alice):
    response = alice.api().get(f"/v1/{alice.sid}/callback/deliveries?status=weird")
    assert response.status_code == 400
    assert response.json()["message"].startswith("query/status ")


def test_api_stranger_gets_404(charlie, delivered):
    api = charlie.api()
    assert api.get(f"/v1/{charlie.sid}/callback/deliveries/{delivered.pk}").status_code == 404
    assert api.post(
        f"/v1/{charlie.sid}/callback/deliveries/{delivered.pk}/resend").status_code == 404
    assert api.get(f"/v1/{charlie.sid}/callback/deliveries/not-a-uuid").status_code == 404
    assert api.get(f"/v1/{charlie.sid}/callback/deliveries").json()["data"]["count"] == 0


def test_selectors_are_scoped(alice, charlie, delivered):
    assert list(delivery_list(account=alice.account)) == [delivered]
    assert list(delivery_list(account=charlie.account)) == []
