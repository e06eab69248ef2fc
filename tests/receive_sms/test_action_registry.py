"""Every action in the registry (receive_sms/actions/) reaches each entry point by being listed
once: its switch and settings on the page form and in the admin, its field in API requests and
answers and in the OpenAPI schema, its name in the "no action" rule."""

from __future__ import annotations

import pytest

from receive_sms.actions import REGISTRY
from receive_sms.services import NO_ACTION


@pytest.fixture
def pages(client, alice, alice_vmn, django_user_model):
    from django.test import Client

    client.force_login(alice.user)
    staff = Client()
    staff.force_login(django_user_model.objects.create_superuser("root@example.com",
                                                                 "root@example.com", "pw"))
    return {
        "page": client.get("/channels/sms/receive/new/").content.decode(),
        "admin": staff.get("/admin/receive_sms/receiveconfiguration/add/").content.decode(),
    }


def test_each_action_has_its_form_admin_and_api_fragments(pages, client):
    schema = client.get("/v1/schema", {"format": "json"}).json()["components"]["schemas"]

    for action in REGISTRY:
        for where, html in pages.items():
            for name in action.form_fields():
                assert f'name="{name}"' in html, (action.type, where, name)
        assert action.api_field in schema["ConfigurationInput"]["properties"], action.type
        assert action.api_field in schema["ConfigurationOutput"]["properties"], action.type
        assert action.label in NO_ACTION
