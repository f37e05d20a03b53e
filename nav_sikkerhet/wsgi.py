import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nav_sikkerhet.settings")
application = get_wsgi_application()

from nav_sikkerhet.core.heap import freeze_after_startup  # noqa: E402 - needs the apps loaded above

freeze_after_startup()
