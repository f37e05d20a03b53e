# nav-sikkerhet: production image (gunicorn; Celery worker/beat run from the same image).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext compiles the catalogues; Pango, HarfBuzz and fonts are what WeasyPrint renders PDFs with;
# Node/npm install NAV's design system CSS (served as static files, never from a CDN).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core nodejs npm \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so code changes don't reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# The project, copied by name so a developer's .env, .venv, node_modules or db.sqlite3 never enters the image.
# A new top-level package or asset directory must be added here too.
COPY pyproject.toml constraints.txt README.md manage.py ./
COPY nav_sikkerhet ./nav_sikkerhet
COPY utestenging ./utestenging
COPY hendelser ./hendelser
COPY risiko ./risiko
COPY templates ./templates
COPY static ./static
COPY locale ./locale
RUN pip install -c constraints.txt .

ENV ENVIRONMENT=production

# Settings need a SECRET_KEY to load; this throwaway value exists only during this build step
# and is not kept in the image. The real key comes from the environment at run time.
RUN SECRET_KEY=build-only-not-a-secret python manage.py compilemessages --ignore=node_modules \
    && SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --noinput -v 0

# Unprivileged user (numeric, so Kubernetes can check runAsNonRoot); it owns only the media directory (mount a
# volume there). Everything else is read-only at run time: the image runs with a read-only root filesystem and
# a writable /tmp (NAIS mounts an emptyDir there): gunicorn's heartbeat files, the metrics files of its
# processes, beat's schedule and the font cache all go to /tmp.
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /app app \
    && mkdir -p /app/media \
    && chown app:app /app/media
ENV MEDIA_ROOT=/app/media \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus \
    XDG_CACHE_HOME=/tmp/.cache \
    HOME=/tmp \
    REMAP_SIGTERM=SIGQUIT
USER 10001:10001

EXPOSE 8000
CMD ["gunicorn", "-c", "nav_sikkerhet/gunicorn_conf.py", "nav_sikkerhet.wsgi:application"]
