"""A task that takes a while and says when it is done, for the worker's stopping tests (loaded with --include)."""

import time

import redis
from celery import shared_task
from django.conf import settings


@shared_task(acks_late=True, name="tests.stopping.sleepy.nap")
def nap(key: str, seconds: float) -> None:
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.rpush(key, "started")
    time.sleep(seconds)
    client.rpush(key, "finished")
