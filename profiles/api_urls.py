from django.urls import path

from . import apis

urlpatterns = [
    path("callback/profiles", apis.ProfileListCreateApi.as_view(), name="api-profiles"),
    path("callback/profiles/<str:profile_id>", apis.ProfileDetailApi.as_view(),
         name="api-profile-detail"),
    path("callback/profiles/<str:profile_id>/secrets", apis.ProfileSecretsApi.as_view(),
         name="api-profile-secrets"),
    path("callback/profiles/<str:profile_id>/rotate-secret", apis.ProfileRotateSecretApi.as_view(),
         name="api-profile-rotate-secret"),
    path("callback/dynamic-variables", apis.DynamicVariablesApi.as_view(),
         name="api-dynamic-variables"),
]
