"""HTML routes of this app, mounted at /deliveries/."""

from django.urls import path

from . import recover_views, views

app_name = "delivery"

urlpatterns = [
    path("", views.delivery_list_view, name="list"),
    path("inbox/", views.inbox_view, name="inbox"),
    path("inbox/clear", views.inbox_clear_view, name="inbox-clear"),
    path("<uuid:delivery_id>/", views.delivery_detail_view, name="detail"),
    path("<uuid:delivery_id>/resend", views.delivery_resend_view, name="resend"),
    path("recover/<str:profile_id>/", recover_views.recover_view, name="recover"),
]
