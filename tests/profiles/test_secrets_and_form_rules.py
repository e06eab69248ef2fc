"""One treatment of secrets (masked behind Reveal or Show everywhere) and form rules that
refuse what could never work."""

from __future__ import annotations

from delivery.services import delivery_create
from profiles.models import CallbackProfile, ProfileStatus
from profiles.services import profile_set_status
from tests.profiles.page_helpers import make_encrypted_profile, make_profile

NEW = "/account/callback-profiles/new/"


def test_edit_form_masks_header_values_and_encryption_settings(client, alice):
    profile = make_encrypted_profile(alice.account)
    client.force_login(alice.user)
    html = client.get(f"/account/callback-profiles/{profile.profile_id}/edit/").content.decode()
    assert 'type="password" id="header-value-1" name="headers_value" value="secret-header-value"' in html
    assert 'type="password" name="enc-key"' in html and 'type="password" name="enc-IV"' in html


def test_delivery_detail_masks_header_values_behind_reveal(client, alice):
    profile = make_profile(alice.account, headers={"api-key": "k-secret-123"})
    delivery = delivery_create(profile=profile, event="SMS-sent", variables={"status": "x"},
                               source_type="test", source_id="1")
    client.force_login(alice.user)
    html = client.get(f"/deliveries/{delivery.pk}/").content.decode()
    secret = html.index("k-secret-123")
    assert html.rfind('<details class="secret">', 0, secret) > html.rfind("</details>", 0, secret)


def test_delivery_detail_says_which_placeholders_rendered_empty(client, alice):
    profile = make_profile(alice.account, body={"s": "<statuss>", "r": "<ref>", "ok": "<status>"})
    delivery = delivery_create(profile=profile, event="SMS-sent",
                               variables={"status": "Delivered", "ref": ""},
                               source_type="test", source_id="1")
    client.force_login(alice.user)
    html = client.get(f"/deliveries/{delivery.pk}/").content.decode()
    assert "Rendered empty" in html
    assert "<code>&lt;statuss&gt;</code>: not a variable of “SMS Send”, so it was sent empty." in html
    # An optional variable the SMS did not give is a quiet note, not the warning.
    assert ("Sent empty because this event had no value for them (optional variables): "
            "<code>&lt;ref&gt;</code>.") in html
    assert "&lt;status&gt;</code>" not in html


def test_an_ordinary_sms_without_optional_variables_shows_no_warning(client, alice):
    profile = make_profile(alice.account, body={"c": "<campaign_name>", "r1": "<ref1>",
                                                "r2": "<ref2>", "ok": "<status>"})
    delivery = delivery_create(profile=profile, event="SMS-sent",
                               variables={"status": "Delivered", "campaign_name": ""},
                               source_type="test", source_id="1")
    client.force_login(alice.user)
    html = client.get(f"/deliveries/{delivery.pk}/").content.decode()
    assert 'id="empty-placeholders"' not in html and "Rendered empty" not in html
    assert 'id="not-given"' in html and "<code>&lt;ref2&gt;</code>" in html


def test_response_message_is_required_while_its_toggle_is_on(client, alice):
    client.force_login(alice.user)
    response = client.post(NEW, {
        "title": "Needs answer", "channel": "sms", "http_method": "POST",
        "url": "https://example.com/cb", "body": '{"status": "<status>"}',
        "enable_response": "on", "response_message": "  ",
    })
    assert response.status_code == 400
    assert "Enter the response message, or turn" in response.content.decode()
    assert not CallbackProfile.objects.exists()


def test_send_sms_picker_tells_equal_titles_apart_and_marks_disabled_profiles(client, alice):
    first = make_profile(alice.account, "Reports")
    second = make_profile(alice.account, "Reports")
    profile_set_status(profile=second, status=ProfileStatus.DISABLED)
    client.force_login(alice.user)
    html = client.get("/sms/send/").content.decode()
    assert f">Reports · POST · {first.profile_id}</option>" in html
    assert f">Reports · POST · {second.profile_id} (Disabled: sends nothing)</option>" in html


def test_rotate_secret_asks_for_confirmation(client, alice):
    profile = make_profile(alice.account)
    client.force_login(alice.user)
    html = client.get(f"/account/callback-profiles/{profile.profile_id}/").content.decode()
    assert 'class="rotate-form" data-confirm="Rotate the signing secret?' in html
