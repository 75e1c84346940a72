"""Background jobs really travel through Redis to a Celery worker (the production path)."""

import socket
import uuid

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker

import credits.tasks  # noqa: F401  (registers the shared task)

REDIS = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture
def redis_app(transactional_db):
    """The project's Celery configuration with the broker and results on Redis."""
    if not _redis_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    app = Celery("ce_platform_redis_test")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    # A queue of its own, so that parallel test runs never take each other's tasks.
    app.conf.update(
        broker_url=REDIS,
        result_backend=REDIS,
        task_always_eager=False,
        task_default_queue=f"ce-test-{uuid.uuid4().hex}",
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield app


def test_a_task_runs_on_a_worker_through_redis(redis_app):
    task = redis_app.tasks["credits.tasks.send_year_end_reminders"]
    result = task.delay()
    # 2026-11-28 is not a reminder day: the worker ran the task against the database and answered 0.
    assert result.get(timeout=30) == 0
    assert result.successful()
