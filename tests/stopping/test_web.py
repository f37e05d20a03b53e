"""SIGTERM to gunicorn: the request in flight is answered, then the process ends (nav_sikkerhet/gunicorn_conf.py)."""

import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from .conftest import PYTHON, ROOT, child_environment, free_port, wait_until


def get(port, path, timeout=10):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
        return response.status, response.read()


def alive(port):
    try:
        return get(port, "/internal/isalive", timeout=1)[0] == 200
    except OSError:
        return False


def test_sigterm_lets_the_request_in_flight_finish(processes, tmp_path):
    port = free_port()
    gunicorn = Path(PYTHON).with_name("gunicorn")
    env = child_environment(GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1", GUNICORN_THREADS="2",
                            GUNICORN_WORKER_TMP_DIR=str(tmp_path), PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"))
    server = subprocess.Popen([str(gunicorn), "-c", "nav_sikkerhet/gunicorn_conf.py", "tests.stopping.slow_wsgi"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    processes.append(server)
    wait_until(lambda: alive(port), 60, "gunicorn to answer")

    answers = []
    in_flight = threading.Thread(target=lambda: answers.append(get(port, "/slow")))
    in_flight.start()
    time.sleep(0.7)  # the request is in the view, sleeping
    server.send_signal(signal.SIGTERM)
    in_flight.join(15)

    assert answers == [(200, b"alive")]
    assert server.wait(30) == 0
    assert not alive(port)  # it stopped accepting once the signal came
