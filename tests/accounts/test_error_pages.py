"""With DEBUG off (as in production and bin/run), a wrong URL shows the app's own 404 page,
never Django's technical page listing every route; API paths keep their JSON envelope."""

from __future__ import annotations

from django.test import Client, override_settings
from django.urls import path

from callbackadmin import urls as project_urls


def test_an_unknown_page_is_the_apps_404(client, alice, settings):
    settings.DEBUG = False
    client.force_login(alice.user)
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html and "Back to Callback Profiles" in html
    assert "Alice Co" in html  # the app's own layout, with the account
    assert "URLconf" not in html and "admin/" not in html


def test_an_unknown_api_path_keeps_the_envelope(client, settings):
    settings.DEBUG = False
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404 and response.json()["code"] == "RBC404"


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [*project_urls.urlpatterns, path("boom/", _boom)]
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_is_the_apps_500_page(db):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and "boom" not in html
    assert "/static/css/app.css" in html
