"""gunicorn's settings for the image and NAIS (`gunicorn -c nav_sikkerhet/gunicorn_conf.py …`)."""

import os
import shutil

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Two processes of four threads: see README "Workers".
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# SIGTERM: stop accepting, let requests in flight finish for up to this long (NAIS waits 30 s before SIGKILL).
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
timeout = 60
# Idle keep-alive connections stay open longer than the proxy in front keeps them (NAIS's ingress: 60 s): else the
# proxy may send a request on a connection gunicorn is closing, and the client sees the connection reset.
keepalive = 75
# The root filesystem is read-only: heartbeat files in /tmp (an emptyDir on NAIS).
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/tmp")  # noqa: S108 - the one writable place
accesslog = None
# The platform's X-Forwarded-* come from its ingress only.
forwarded_allow_ips = "*"


def on_starting(server):
    # Metrics files of an earlier run would be added to this one's (prometheus_client multiprocess mode).
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
