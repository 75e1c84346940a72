"""Faults the platform rides out: Redis down (the cache misses instead of failing, the rate
limits fail open) and, on PostgreSQL, a web process whose database connections were cut
(health checks reconnect on the next request). bench/faults.py runs both at larger scale."""

import socket
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings

from core import cache as tolerant
from tests import factories

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def redis_down():
    tolerant.TolerantRedisCacheClient._down_until = 0.0
    with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{closed_port()}/0")):
        yield
    tolerant.TolerantRedisCacheClient._down_until = 0.0


def test_with_redis_down_pages_and_the_api_answer(world, redis_down, caplog):
    started = time.monotonic()
    assert cache.get("anything", "missed") == "missed"
    cache.set("anything", 1)
    assert cache.get("anything") is None
    for path in ("/", "/accounts/login/", "/bases/", "/notices/", "/help/"):
        assert Client().get(path).status_code == 200, path
    user = Client()
    user.force_login(world.person.user)
    assert user.get("/dashboard/").status_code == 200
    limits = {"register": "1/h", "token": "1/m", "platform_push": "1/m"}
    credentials = {"username": world.unit_user.username, "password": factories.PASSWORD}
    with override_settings(CE_RATE_LIMITS=limits):  # nowhere to count: the limits let requests through
        for _ in range(3):
            token = Client().post("/api/v1/auth/token", credentials, content_type="application/json")
            assert token.status_code == 200
    assert time.monotonic() - started < 5
    assert [r.message for r in caplog.records if r.name == "core.cache"] == [
        "Redis cache unreachable (ConnectionError): serving without cache"
    ]


def test_after_an_outage_the_cache_is_used_again(redis_down):
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    try:
        Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=0.5).ping()
    except RedisConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    cache.get("k")  # fails: Redis is left alone for RETRY_AFTER_SECONDS
    with override_settings(CACHES=redis_cache("redis://127.0.0.1:6379/15")):
        cache.set("k", "v")
        assert cache.get("k") is None  # still resting
        tolerant.TolerantRedisCacheClient._down_until = time.monotonic() - 1
        cache.set("k", "v")
        assert cache.get("k") == "v"
        assert tolerant.TolerantRedisCacheClient._down_until == 0.0
        cache.delete("k")


def test_with_redis_down_queuing_a_job_fails_fast_and_works_again_later():
    """The project's Celery settings with the broker and results at a closed port."""
    from celery import Celery

    app = Celery("ce_platform_redis_down_test", set_as_current=False)  # later tests keep the project app
    app.config_from_object("django.conf:settings", namespace="CELERY")
    down = f"redis://127.0.0.1:{closed_port()}/0"
    app.conf.update(broker_url=down, result_backend=down, task_always_eager=False)
    started = time.monotonic()
    with pytest.raises(Exception):  # noqa: B017 (kombu's or the result backend's error, either way)
        app.send_task("credits.tasks.send_year_end_reminders")
    assert time.monotonic() - started < 3
    app.close()


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_web_processes_reconnect_after_their_connections_are_cut(transactional_db, tmp_path):
    import os

    from bench import faults

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CE_VAR_DIR": str(tmp_path),
    }
    env.pop("REDIS_URL", None)
    with faults.Server(env, workers=1, threads=2) as server:
        result = faults.recovers_after_each_drop(server.url, drops=3, after=5)
    assert result["connections_dropped"] >= 3
    assert result["failed"] == 0, result
