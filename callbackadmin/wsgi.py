"""WSGI entry point (e.g. `gunicorn callbackadmin.wsgi`)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callbackadmin.settings")
application = get_wsgi_application()
