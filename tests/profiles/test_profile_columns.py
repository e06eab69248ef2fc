"""Every column of a profile reaches every place it is set or seen: the API (accepted, answered
and published in the schema), the page's form and detail, and the admin.

A column is declared once (its model field, its ProfileInput attribute and its rule); this test
finds the columns from that declaration, so a new one is followed everywhere without being
listed here.
"""

from __future__ import annotations

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils.html import escape

from profiles.validation import PROFILE_COLUMNS, TOP_LEVEL_COLUMNS, column
from tests.profiles.test_profile_api import SAMPLE, url


@pytest.fixture
def answered(alice) -> dict:
    response = alice.api().post(url(alice), SAMPLE, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def test_the_api_answers_and_takes_back_every_column(alice, answered):
    assert set(TOP_LEVEL_COLUMNS) <= set(answered)
    same = {name: answered[name] for name in TOP_LEVEL_COLUMNS}
    response = alice.api().patch(url(alice, f"/{answered['profile_id']}"), same, format="json")
    assert response.status_code == 200, response.json()
    assert {name: response.json()["data"][name] for name in TOP_LEVEL_COLUMNS} == same


def test_the_schema_publishes_every_column_in_and_out(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(path))
    components = yaml.safe_load(path.read_text())["components"]["schemas"]
    for name in ("ProfileInput", "PatchedProfilePatch", "ProfileOutput"):
        assert set(TOP_LEVEL_COLUMNS) <= set(components[name]["properties"]), name


def test_the_pages_show_every_column(client, alice, answered):
    client.force_login(alice.user)
    profile_page = f"/account/callback-profiles/{answered['profile_id']}/"
    form = client.get(f"{profile_page}edit/").content.decode()
    detail = client.get(profile_page).content.decode()
    for name in TOP_LEVEL_COLUMNS:
        assert f'name="{name}"' in form, name
        value = answered[name]
        if isinstance(value, str):
            shown = dict(column(name).flatchoices).get(value, value)
            assert escape(shown) in detail, name


def test_the_admin_edits_every_column(client, answered):
    staff = get_user_model().objects.create_superuser("root@example.com", "root@example.com", "pw")
    client.force_login(staff)
    html = client.get("/admin/profiles/callbackprofile/add/").content.decode()
    for name in PROFILE_COLUMNS:
        assert f'name="{name}"' in html, name
