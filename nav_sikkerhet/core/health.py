from django.conf import settings


def check_redis() -> str:
    """'ok', 'error', or 'not configured' when the app runs without Redis."""
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except redis.RedisError:
        return "error"
    return "ok"
