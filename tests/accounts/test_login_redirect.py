"""The login redirect's `next` is encoded once: after logging in, the user lands on exactly the
page (and query) they asked for, non-ASCII characters included."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client


@pytest.mark.parametrize("asked", [
    "/account/callback-profiles/?title=Grüße",  # raw UTF-8 bytes, as curl sends them
    "/account/callback-profiles/?title=Gr%C3%BC%C3%9Fe",  # percent-encoded, as browsers do
])
def test_a_non_ascii_next_lands_on_the_page_asked_for(alice, asked):
    client = Client()

    to_login = client.get(asked)
    assert to_login.status_code == 302
    login_url = to_login["Location"]
    assert parse_qs(urlsplit(login_url).query)["next"] == [
        "/account/callback-profiles/?title=Gr%C3%BC%C3%9Fe"]

    logged_in = client.post(login_url, {"username": alice.user.username,
                                        "password": alice.password})
    assert logged_in.status_code == 302
    assert logged_in["Location"] == "/account/callback-profiles/?title=Gr%C3%BC%C3%9Fe"

    page = client.get(logged_in["Location"])
    assert page.status_code == 200
    assert page.wsgi_request.GET["title"] == "Grüße"
