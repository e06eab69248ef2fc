"""/deliveries/: in the navigation, events by name, profiles linked, times with their zone,
retrying deliveries marked."""

from __future__ import annotations

from delivery.models import Delivery
from tests.profiles.page_helpers import make_delivery, make_profile


def test_deliveries_page_reads_like_the_rest_of_the_product(client, alice, charlie):
    profile = make_profile(alice.account, "Reports")
    make_delivery(profile, "succeeded")
    retrying = make_delivery(profile, "pending", code=503, attempts=2)
    Delivery.objects.filter(pk=retrying.pk).update(last_error="endpoint answered HTTP 503")
    make_delivery(make_profile(charlie.account, "Theirs"))
    client.force_login(alice.user)
    html = client.get("/deliveries/").content.decode()
    assert '<a href="/deliveries/" aria-current="page">Deliveries</a>' in html
    assert "SMS Send" in html and ">SMS-sent<" not in html
    assert f'href="/account/callback-profiles/{profile.profile_id}/">Reports</a>' in html
    assert "Created (UTC)" in html
    assert html.count(">Retrying</span>") == 1
    assert "endpoint answered HTTP 503" not in html and "HTTP 503" in html
    assert "Theirs" not in html
