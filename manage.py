#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callbackadmin.settings")
    from django.core.management import execute_from_command_line

    if sys.argv[1:2] == ["runserver"]:
        # A server must not start with development secrets and DEBUG off.
        import django

        django.setup()
        from django.core.exceptions import ImproperlyConfigured

        from callbackadmin.startup import refuse_unsafe_defaults

        try:
            refuse_unsafe_defaults()
        except ImproperlyConfigured as exc:
            sys.exit(str(exc))
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
