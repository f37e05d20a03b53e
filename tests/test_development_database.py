"""The development default is SQLite (README: `make run`): the migrations, the services and the demo run there too.

The suite itself runs on PostgreSQL, so a PostgreSQL-only lookup in a migration or a service (containment in a JSON
array, once) would break `make run` unnoticed.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_migrations_and_the_demo_data_run_on_sqlite(tmp_path):
    env = {
        "PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "nav_sikkerhet.settings", "ENVIRONMENT": "development",
        "ALLOW_TEST_IDENTS": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'development.sqlite3'}", "REDIS_URL": "",
        "MEDIA_ROOT": str(tmp_path / "media"), "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    for command in (["migrate", "--noinput", "-v", "0"], ["demo_data"]):
        done = subprocess.run([sys.executable, "manage.py", *command], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-4000:]
    assert "Open http://127.0.0.1:8000/" in done.stdout
