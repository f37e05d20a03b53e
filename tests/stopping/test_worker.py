"""SIGTERM to a Celery worker: a short task finishes; one that outlasts the soft shutdown goes back to the queue."""

import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from nav_sikkerhet import celery_app
from tests.celery_utils import celery_config

from .conftest import PYTHON, ROOT, child_environment, wait_until

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL), as CI has")


@pytest.fixture
def queue():
    name = f"stopping-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield name, client
    client.delete(name)


def start_worker(processes, queue_name, soft_shutdown):
    celery = Path(PYTHON).with_name("celery")
    env = child_environment(REMAP_SIGTERM="SIGQUIT", CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT=str(soft_shutdown))
    worker = subprocess.Popen(
        [str(celery), "-A", "nav_sikkerhet", "worker", "-Q", queue_name, "-c", "1", "--include",
         "tests.stopping.sleepy", "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    processes.append(worker)
    return worker


def send(queue_name, key, seconds):
    with celery_config(task_always_eager=False, broker_url=settings.REDIS_URL):
        celery_app.send_task("tests.stopping.sleepy.nap", args=[key, seconds], queue=queue_name)


def test_sigterm_lets_the_task_in_hand_finish(processes, queue):
    name, client = queue
    key = f"{name}:progress"
    worker = start_worker(processes, name, soft_shutdown=4)
    send(name, key, 2)
    wait_until(lambda: client.lrange(key, 0, -1) == [b"started"], 60, "the task to start")
    worker.send_signal(signal.SIGTERM)
    worker.wait(30)
    assert client.lrange(key, 0, -1) == [b"started", b"finished"]
    assert client.llen(name) == 0
    client.delete(key)


def test_a_task_that_outlasts_the_shutdown_goes_back_to_the_queue(processes, queue):
    name, client = queue
    key = f"{name}:progress"
    worker = start_worker(processes, name, soft_shutdown=1)
    send(name, key, 20)
    wait_until(lambda: client.lrange(key, 0, -1) == [b"started"], 60, "the task to start")
    started = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    worker.wait(30)
    assert time.monotonic() - started < 15, "the worker waited for the task instead of handing it back"
    assert client.lrange(key, 0, -1) == [b"started"]
    # Not lost: back in the queue for the next worker (late acknowledgement).
    assert client.llen(name) == 1
    client.delete(key)
