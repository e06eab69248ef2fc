from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from receive_sms import views as receive_sms_views
from sms.dlr_views import inbound_dlr


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # Resolved per request: with hashed static files (bin/serve) the manifest only exists
    # after collectstatic, which runs after `check --deploy` has imported these URLs.
    return HttpResponsePermanentRedirect(static("favicon.svg"))

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="profiles:list", permanent=False), name="home"),
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("accounts.urls")),
    path("account/callback-profiles/", include("profile_pages.urls")),
    path("deliveries/", include("delivery.urls")),
    path("inbox/", include("delivery.inbox_urls")),
    path("sms/", include("sms.urls")),
    path("channels/", receive_sms_views.channels_home, name="channels"),
    path("channels/sms/", include("receive_sms.urls")),
    path("inbound/sms", receive_sms_views.inbound_sms, name="inbound-sms"),
    path("inbound/dlr", inbound_dlr, name="inbound-dlr"),
    path("alerts/", include("alerts.urls")),
    path("", include("ops.urls")),
    path("", include("api.urls")),
    path("favicon.ico", favicon),
]

handler400 = "api.fallback_views.bad_request"
handler404 = "api.fallback_views.not_found"
handler500 = "api.fallback_views.server_error"
