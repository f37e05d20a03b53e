"""The web workers move their loaded code out of the garbage collector's way at startup (core/heap.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_wsgi_application_freezes_what_startup_loaded(tmp_path):
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "nav_sikkerhet.settings",
           "ENVIRONMENT": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "-c", "import gc, nav_sikkerhet.wsgi, sys; print(gc.get_freeze_count(), "
                               "'hendelser.views' in sys.modules)"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    frozen, views_loaded = done.stdout.split()
    # Tens of thousands of objects: Django, the apps and every view module (loaded by the URLconf, not at the
    # first request).
    assert int(frozen) > 50_000 and views_loaded == "True"
