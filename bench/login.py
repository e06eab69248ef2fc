"""Where a log-in's time goes: the password hasher against everything else (axes, session).

    .venv/bin/python bench/login.py [--runs 5]

Uses a scratch SQLite file. Times a full log-in POST (median of `--runs`) for a user whose
password is hashed with PBKDF2 (Django's default, 1,000,000 rounds: what production uses) and
with MD5 (almost free, as the test suite uses: what remains is the rest of the request —
django-axes, the session, the redirect). Prints the figures and the share; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path and this file would shadow the app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(PROJECT_DIR))

EMAIL, PASSWORD = "bench@example.com", "bench-password-123"
HASHERS = {
    "pbkdf2": "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "md5 (no hashing cost)": "django.contrib.auth.hashers.MD5PasswordHasher",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-login-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callbackadmin.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from accounts.services import account_create

    call_command("migrate", verbosity=0)
    account_create(name="Bench", email=EMAIL, password=PASSWORD)
    users = get_user_model().objects.filter(username=EMAIL)

    def log_in() -> float:
        started = time.perf_counter()
        response = Client().post("/login/", {"username": EMAIL, "password": PASSWORD})
        elapsed = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        return elapsed

    medians = {}
    for name, hasher in HASHERS.items():
        # Only this hasher: a log-in never re-hashes (upgrades) the stored password.
        with override_settings(PASSWORD_HASHERS=[hasher]):
            users.update(password=make_password(PASSWORD))
            medians[name] = statistics.median(log_in() for _ in range(args.runs))
        print(f"log-in with {name:<22} {medians[name] * 1000:8.1f} ms")
    rest = medians["md5 (no hashing cost)"]
    print(f"the password hasher is {100 * (1 - rest / medians['pbkdf2']):.1f} % of the log-in; "
          f"everything else (axes, session) {rest / medians['pbkdf2']:.3f} of it")


if __name__ == "__main__":
    main()
