from django.apps import AppConfig


class ProfilePagesConfig(AppConfig):
    name = "profile_pages"
    verbose_name = "Callback profile pages"
