"""ASGI entry point. With DEBUG off it refuses to load with development secrets."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callbackadmin.settings")
application = get_asgi_application()

from callbackadmin.startup import refuse_unsafe_defaults  # noqa: E402 - needs settings loaded

refuse_unsafe_defaults()
