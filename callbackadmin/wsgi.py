"""WSGI entry point (`gunicorn callbackadmin.wsgi`, see bin/serve).

With DEBUG off it refuses to load with development secrets (callbackadmin/startup.py).
"""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callbackadmin.settings")
application = get_wsgi_application()

from callbackadmin.startup import refuse_unsafe_defaults  # noqa: E402 - needs settings loaded

refuse_unsafe_defaults()
