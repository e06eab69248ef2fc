"""The admin writes numbers and receive configurations through the same services as the pages
and the API (normalised numbers, upper-case keywords, the same rules)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from receive_sms.models import VMN, ReceiveConfiguration

from .conftest import ALICE_VMN


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("root@example.com", "root@example.com", "pw")
    client.force_login(user)
    return client


def test_a_number_added_in_the_admin_is_provisioned_by_the_service(staff_client, alice):
    response = staff_client.post("/admin/receive_sms/vmn/add/",
                                 {"account": alice.account.pk, "number": "0091 98700 12345"})

    assert response.status_code == 302
    assert VMN.objects.get().number == ALICE_VMN


def test_an_invalid_number_is_refused_by_the_one_number_rule(staff_client, alice):
    response = staff_client.post("/admin/receive_sms/vmn/add/",
                                 {"account": alice.account.pk, "number": "+15550000000"})

    assert response.status_code == 200
    assert not VMN.objects.exists()


def test_a_configuration_added_in_the_admin_goes_through_the_service(
    staff_client, alice, alice_vmn, make_profile
):
    profile = make_profile(alice)

    response = staff_client.post("/admin/receive_sms/receiveconfiguration/add/", {
        "account": alice.account.pk, "vmn": alice_vmn.pk, "keyword": "stop",
        "trigger_url": "on", "trigger_type": "callback_id", "callback_profile": profile.pk,
        "active": "on", "expires_at_0": "", "expires_at_1": "",
    })

    assert response.status_code == 302, response.content.decode()[:3000]
    configuration = ReceiveConfiguration.objects.get()
    assert configuration.keyword == "STOP" and configuration.callback_profile == profile
